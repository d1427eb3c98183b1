# GNU make. `make run` and `make test` each set themselves up on a fresh machine
# that has python3 (3.11+) and make: the first call builds .venv from pyproject.toml.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test bench clean distclean

help:
	@echo "make run        parse every report under data/raw into data/processed"
	@echo "make test       run the test suite"
	@echo "make bench      run the benchmarks (text reader, PDF backends)"
	@echo "make clean      remove generated data and caches"
	@echo "make distclean  clean, and remove $(VENV)"

# Reinstalls whenever pyproject.toml (the one dependency list) changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	touch $@

run: $(STAMP)
	$(VENV)/bin/ogi ingest data/raw --out data/processed --summary

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/bench_text_reader.py
	$(PY) benchmarks/bench_pdf_backends.py

clean:
	find data/processed -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis .ruff_cache build dist src/*.egg-info

distclean: clean
	rm -rf $(VENV)

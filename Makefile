# GNU make. `make run` and `make test` each set themselves up on a fresh machine
# that has python3 (3.11+) and make: the first call builds .venv from pyproject.toml.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OGI := $(VENV)/bin/ogi
STAMP := $(VENV)/.installed
LAB_STAMP := $(VENV)/.installed-lab

.DEFAULT_GOAL := help
.PHONY: help run ingest notebooks export test bench lab clean distclean

help:
	@echo "make run        ingest data/raw, execute the notebooks into reports/, write the Excel workbook"
	@echo "make test       run the test suite (it executes the notebooks too)"
	@echo "make lab        open JupyterLab on notebooks/ with the project's kernel"
	@echo "make bench      run the benchmarks (text, HTML and DOCX readers, PDF backends, hostile files; see benchmarks/ for the ingest one)"
	@echo "make clean      remove generated data, reports and caches"
	@echo "make distclean  clean, and remove $(VENV)"

# Reinstalls whenever pyproject.toml (the one dependency list) changes; pip speaks only on problems.
$(STAMP): pyproject.toml
	@echo "setting up $(VENV) from pyproject.toml (pip install -e '.[dev]')"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# Each step prints one line saying what it wrote (`ogi ingest --summary` adds a line per file).
run: ingest notebooks export

ingest: $(STAMP)
	@$(OGI) ingest data/raw --out data/processed

notebooks: ingest
	@$(OGI) notebooks --out reports --processed data/processed

export: ingest
	@$(OGI) export --xlsx reports/ogi-briefing.xlsx --db data/processed/ogi.duckdb

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/bench_text_reader.py
	$(PY) benchmarks/bench_html_reader.py
	$(PY) benchmarks/bench_docx_reader.py
	$(PY) benchmarks/bench_pdf_backends.py
	$(PY) benchmarks/bench_hostile.py

$(LAB_STAMP): $(STAMP)
	$(PY) -m pip install -e '.[dev,lab]'
	$(PY) -m ipykernel install --sys-prefix --name ogi-workbook --display-name "OGI Workbook"
	touch $@

lab: $(LAB_STAMP) ingest
	$(VENV)/bin/jupyter lab notebooks/

clean:
	find data/processed -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf reports
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis .ruff_cache build dist src/*.egg-info

distclean: clean
	rm -rf $(VENV)

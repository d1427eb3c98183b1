"""pyproject.toml is the one dependency list; environment.yml must mirror it.

Both files are reduced to ``{normalised name: lower bound or None}`` and compared.
environment.yml is read with a tiny line parser (no YAML dependency): it only needs the
flat ``dependencies:`` list that file uses.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

# Only the shapes our two files use: a bare name, or a name with one lower bound.
# Anything else (upper bounds, markers, pins) raises, so it can't slip past the comparison.
_PEP508_LOWER_BOUND = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:>=\s*(?P<bound>[0-9][0-9A-Za-z.]*))?\s*$"
)
_CONDA_SPEC = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:(?:>=|==|=)\s*(?P<bound>[0-9][0-9A-Za-z.*]*))?$"
)


def normalise_name(name: str) -> str:
    """Compare names the way installers do.

    >>> normalise_name("Charset_Normalizer")
    'charset-normalizer'
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse_pep508(spec: str) -> tuple[str, str | None]:
    match = _PEP508_LOWER_BOUND.match(spec)
    if match is None:
        raise ValueError(
            f"pyproject.toml: unsupported requirement {spec!r} (use 'name' or 'name>=X')"
        )
    return normalise_name(match["name"]), match["bound"]


def pyproject_requirements(toml_text: str) -> dict[str, str | None]:
    """Runtime + every extra + python, from pyproject.toml text.

    >>> pyproject_requirements('[project]\\nrequires-python=">=3.11"\\ndependencies=["pandas>=2.2"]')
    {'python': '3.11', 'pandas': '2.2'}
    """
    project = tomllib.loads(toml_text)["project"]
    python_spec = project.get("requires-python", "")
    python_match = re.fullmatch(r"\s*>=\s*([0-9][0-9.]*)\s*", python_spec)
    if python_match is None:
        raise ValueError(f"pyproject.toml: unsupported requires-python {python_spec!r}")
    requirements: dict[str, str | None] = {"python": python_match[1]}
    specs = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    for spec in specs:
        name, bound = _parse_pep508(spec)
        if name in requirements:
            raise ValueError(f"pyproject.toml: {name!r} listed twice")
        requirements[name] = bound
    return requirements


def conda_requirements(yaml_text: str) -> tuple[dict[str, str | None], list[str]]:
    """Conda packages and pip entries listed under ``dependencies:``.

    >>> conda_requirements("dependencies:\\n  - python=3.11\\n  - pip:\\n      - '-e .[dev]'\\n")
    ({'python': '3.11'}, ['-e .[dev]'])
    """
    requirements: dict[str, str | None] = {}
    pip_entries: list[str] = []
    in_dependencies = False
    in_pip = False
    item_indent: int | None = None
    for line_number, raw_line in enumerate(yaml_text.splitlines(), start=1):
        line = raw_line.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            in_dependencies = line == "dependencies:"
            in_pip = False
            continue
        if not in_dependencies:
            continue
        item = line.strip()
        if not item.startswith("- "):
            raise ValueError(
                f"environment.yml line {line_number}: expected a list item, got {item!r}"
            )
        value = item[2:].strip().strip("\"'")
        if item_indent is None:
            item_indent = indent
        if indent > item_indent:
            if not in_pip:
                raise ValueError(
                    f"environment.yml line {line_number}: nested item outside 'pip:'"
                )
            pip_entries.append(value)
            spec = _CONDA_SPEC.match(value) if not value.startswith("-") else None
            if spec is not None:  # a package conda-forge lacks, installed by pip
                requirements[normalise_name(spec["name"])] = spec["bound"]
            continue
        in_pip = value == "pip:"
        if in_pip:
            continue
        match = _CONDA_SPEC.match(value)
        if match is None:
            raise ValueError(
                f"environment.yml line {line_number}: unsupported spec {value!r}"
            )
        name = normalise_name(match["name"])
        if name in requirements:
            raise ValueError(
                f"environment.yml line {line_number}: {name!r} listed twice"
            )
        requirements[name] = match["bound"]
    return requirements, pip_entries


def requirement_differences(
    pyproject: dict[str, str | None], conda: dict[str, str | None]
) -> list[str]:
    """Human-readable differences; empty when the lists agree.

    ``pip`` is a conda-only tool entry (it installs the package itself), so it is ignored.

    >>> requirement_differences({"pandas": "2.2"}, {"pandas": "2.1", "pip": None})
    ['pandas: pyproject.toml says >=2.2, environment.yml says >=2.1']
    """
    conda = {name: bound for name, bound in conda.items() if name != "pip"}

    def show(bound: str | None) -> str:
        return "no lower bound" if bound is None else f">={bound}"

    differences = []
    for name in sorted(pyproject.keys() | conda.keys()):
        if name not in conda:
            differences.append(
                f"{name}: in pyproject.toml, missing from environment.yml"
            )
        elif name not in pyproject:
            differences.append(
                f"{name}: in environment.yml, missing from pyproject.toml"
            )
        elif pyproject[name] != conda[name]:
            differences.append(
                f"{name}: pyproject.toml says {show(pyproject[name])}, "
                f"environment.yml says {show(conda[name])}"
            )
    return differences


def test_environment_yml_mirrors_pyproject():
    pyproject = pyproject_requirements(
        (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )
    conda, pip_entries = conda_requirements(
        (REPO_ROOT / "environment.yml").read_text(encoding="utf-8")
    )

    assert requirement_differences(pyproject, conda) == []
    assert "pip" in conda, "environment.yml must list pip to run its pip: section"
    # The conda env gets the package itself (and so the `ogi` script) from pyproject.
    assert pip_entries[-1] == "-e .[dev]"


def test_both_lists_are_non_trivial():
    # Guards against a parser that silently reads nothing and "agrees" with another nothing.
    pyproject = pyproject_requirements(
        (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )
    assert {
        "python",
        "pandas",
        "pyarrow",
        "charset-normalizer",
        "pytest",
        "hypothesis",
        "ruff",
    } <= set(pyproject)


_SMALL_PYPROJECT = """
[project]
name = "demo"
requires-python = ">=3.11"
dependencies = ["pandas>=2.2", "charset_normalizer>=3.3"]
[project.optional-dependencies]
dev = ["pytest>=8"]
"""

_SMALL_ENVIRONMENT = """
name: demo
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pandas>=2.2
  - charset-normalizer>=3.3  # spelled with '-' here, '_' in pyproject
  - pytest>=8
  - pip:
      - "-e .[dev]"
"""


def test_small_matching_pair_agrees():
    conda, pip_entries = conda_requirements(_SMALL_ENVIRONMENT)
    assert (
        requirement_differences(pyproject_requirements(_SMALL_PYPROJECT), conda) == []
    )
    assert pip_entries[-1] == "-e .[dev]"


@pytest.mark.parametrize(
    ("pyproject_text", "environment_text", "expected"),
    [
        pytest.param(
            _SMALL_PYPROJECT,
            _SMALL_ENVIRONMENT.replace(
                "  - pytest>=8\n", "  - pytest>=8\n  - duckdb>=1.0\n"
            ),
            ["duckdb: in environment.yml, missing from pyproject.toml"],
            id="conda-gains-package",
        ),
        pytest.param(
            _SMALL_PYPROJECT.replace('"pytest>=8"', '"pytest>=8", "ruff"'),
            _SMALL_ENVIRONMENT,
            ["ruff: in pyproject.toml, missing from environment.yml"],
            id="pyproject-gains-package",
        ),
        pytest.param(
            _SMALL_PYPROJECT,
            _SMALL_ENVIRONMENT.replace("pandas>=2.2", "pandas>=2.1"),
            ["pandas: pyproject.toml says >=2.2, environment.yml says >=2.1"],
            id="different-lower-bound",
        ),
        pytest.param(
            _SMALL_PYPROJECT,
            _SMALL_ENVIRONMENT.replace("python=3.11", "python=3.12"),
            ["python: pyproject.toml says >=3.11, environment.yml says >=3.12"],
            id="different-python",
        ),
        pytest.param(
            _SMALL_PYPROJECT,
            _SMALL_ENVIRONMENT.replace("pytest>=8", "pytest"),
            ["pytest: pyproject.toml says >=8, environment.yml says no lower bound"],
            id="bound-dropped",
        ),
    ],
)
def test_mismatched_pair_is_caught(pyproject_text, environment_text, expected):
    conda, _ = conda_requirements(environment_text)
    assert (
        requirement_differences(pyproject_requirements(pyproject_text), conda)
        == expected
    )


@pytest.mark.parametrize(
    "bad_spec",
    ["pandas<3", "pandas>=2.2,<3", 'pandas>=2.2; python_version > "3.11"'],
)
def test_unsupported_pyproject_spec_is_refused(bad_spec):
    with pytest.raises(ValueError, match="unsupported requirement"):
        pyproject_requirements(
            _SMALL_PYPROJECT.replace('"pandas>=2.2"', json.dumps(bad_spec))
        )


def test_unsupported_conda_spec_is_refused():
    with pytest.raises(ValueError, match="unsupported spec"):
        conda_requirements(_SMALL_ENVIRONMENT.replace("pandas>=2.2", "pandas>=2.2,<3"))

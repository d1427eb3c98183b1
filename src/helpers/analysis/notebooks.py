"""Execute the numbered notebooks headless (papermill) into ``reports/`` as notebooks and HTML.

``05-profile-agency`` is run once per agency with at least two reports, with its
``agency_key`` parameter set. A notebook whose output mentions a glyph missing from the font
fails the run: Chinese text in figures must render.

The kernels run quietly: they talk over local IPC sockets (no plain-TCP warning from ipykernel)
and the debugger's frozen-modules check is off.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PROFILE = "05-profile-agency.ipynb"
MISSING_GLYPH = ("missing from font", "missing from current font")


class NotebookError(RuntimeError):
    """A notebook failed or printed a missing-glyph warning; the message names it."""


def numbered_notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("[0-9][0-9]-*.ipynb"))


def profile_agencies(processed_dir: Path, minimum_reports: int = 2) -> list[str]:
    """Agencies with enough reports for a profile, most reports first."""
    import pandas as pd

    reports = pd.read_parquet(Path(processed_dir) / "reports.parquet", columns=["agency_key"])
    counts = reports.dropna().groupby("agency_key").size()
    return sorted((k for k, n in counts.items() if n >= minimum_reports), key=lambda k: (-counts[k], k))


def _check_outputs(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = json.dumps(output, ensure_ascii=False)
            if any(marker in text for marker in MISSING_GLYPH):
                raise NotebookError(f"{path.name}: a figure is missing glyphs (font not applied): {text[:200]}")


# The kernel's environment: no debugger warning about frozen modules (Python 3.11+ with debugpy).
KERNEL_ENV = {"PYDEVD_DISABLE_FILE_VALIDATION": "1", "OGI_HEADLESS": "1"}  # OGI_HEADLESS: widgets render static


def kernel_config():
    """Kernel manager settings: local IPC sockets rather than plain TCP, so the kernel's channels
    stay on this machine and ipykernel has no plain-TCP warning to print. (Windows has no IPC
    transport. CurveZMQ-encrypted TCP was tried: its kernels do not shut down on request, which
    costs 3 s and an interrupt per notebook.)

    >>> import os
    >>> kernel_config()["KernelManager"]["transport"] == ("tcp" if os.name == "nt" else "ipc")
    True
    """
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "tcp" if os.name == "nt" else "ipc"}})


def kernel_manager_class():
    """jupyter_client's async kernel manager, except that it does not interrupt a kernel it is
    shutting down: a SIGINT landing while the idle kernel handles a message makes it log
    「KeyboardInterrupt caught in kernel」. A kernel that ignores the shutdown request is still
    terminated, then killed, by the manager."""
    from jupyter_client import AsyncKernelManager

    class QuietShutdownKernelManager(AsyncKernelManager):
        async def _async_interrupt_kernel(self) -> None:
            if not self.shutting_down:
                await super()._async_interrupt_kernel()

        interrupt_kernel = _async_interrupt_kernel

    return QuietShutdownKernelManager


def _to_html(path: Path) -> Path:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_filename(str(path))
    html = path.with_suffix(".html")
    html.write_text(body, encoding="utf-8")
    return html


def run_notebooks(notebooks_dir: str | Path = "notebooks", reports_dir: str | Path = "reports",
                  processed_dir: str | Path = "data/processed", agencies: list[str] | None = None,
                  html: bool = True) -> list[Path]:
    """Execute every numbered notebook; return the executed notebooks (and HTML files) written."""
    import papermill

    from .views import slug

    notebooks_dir, reports_dir = Path(notebooks_dir).resolve(), Path(reports_dir).resolve()
    processed_dir = Path(processed_dir).resolve()
    figures_dir = reports_dir / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(KERNEL_ENV)  # the kernels inherit it
    config, manager = kernel_config(), kernel_manager_class()
    runs: list[tuple[Path, Path, dict]] = []
    base = {"processed_dir": str(processed_dir), "figures_dir": str(figures_dir)}
    for notebook in numbered_notebooks(notebooks_dir):
        if notebook.name == PROFILE:
            for agency in (profile_agencies(processed_dir) if agencies is None else agencies):
                out = reports_dir / f"{notebook.stem}-{slug(agency)}.ipynb"
                runs.append((notebook, out, {**base, "agency_key": agency}))
        else:
            runs.append((notebook, reports_dir / notebook.name, base))
    written: list[Path] = []
    for notebook, out, parameters in runs:
        try:
            papermill.execute_notebook(str(notebook), str(out), parameters=parameters, cwd=str(notebooks_dir),
                                       kernel_name="python3", progress_bar=False, log_output=False, config=config,
                                       kernel_manager_class=manager)
        except papermill.PapermillExecutionError as exc:
            raise NotebookError(f"{notebook.name} failed: {exc.ename}: {exc.evalue}") from exc
        _check_outputs(out)
        written.append(out)
        if html:
            written.append(_to_html(out))
    return written

"""Analysing the corpus: the fourth layer, over the processed tables only.

``metrics`` (rates, rankings, harmonised rows), ``narrative`` (numbers the reports' prose
states), ``views`` (comparable panels for the notebooks), ``charts`` (matplotlib with a CJK
font), ``panel`` (the notebooks' interactive tables) and ``notebooks`` (the headless runner).
Nothing here reads a report file or parses one: it reads what ``ogi ingest`` wrote.

``from helpers import analysis`` gives the metrics: ``analysis.load_tables()``,
``analysis.application_metrics(...)``, … (the names of :mod:`.metrics`).
"""

from . import metrics
from .metrics import *  # noqa: F403 - the metrics are this package's face
from .narrative import narrative_metrics, narrative_vs_tables

__all__ = [*metrics.__all__, "narrative_metrics", "narrative_vs_tables"]

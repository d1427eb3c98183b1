"""Explicit, recorded corrections of source numbers: ``data/overrides.csv``.

Raw files are never edited. A correction names the report (``report_id``, the file's sha256
or a prefix of at least 12 characters of it) or the agency and year, the canonical key, the
corrected value, the reason and its source. Corrections are applied after parsing, listed in
``overrides_applied``, flagged on the cells (``overridden``, ``original_value``), and the
report's identities are checked again with them.

Columns: ``report_id, agency_name, report_year, key, value, reason, source``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .. import schema
from .agency import agency_key as normalise_agency

COLUMNS = ("report_id", "agency_name", "report_year", "key", "value", "reason", "source")
MIN_ID_PREFIX = 12


class OverrideError(ValueError):
    """``overrides.csv`` cannot be used as written; the message names the lines."""


@dataclass(frozen=True)
class Override:
    line: int
    report_id: str | None
    agency_key: str | None
    report_year: int | None
    key: str
    value: int | float | None
    reason: str
    source: str

    def matches(self, report_id: str, agency_key: str | None, report_year: int | None) -> bool:
        if self.report_id:
            return report_id.startswith(self.report_id)
        return self.agency_key is not None and self.agency_key == agency_key and self.report_year == report_year


def _number(text: str, key: str) -> int | float | None:
    text = text.strip()
    if text == "" or text.lower() in {"null", "none", "na"}:
        return None
    number = float(text)
    if schema.field(key).dtype == schema.AMOUNT_WAN:
        return number
    if number != int(number):
        raise ValueError(f"{key} is a count: {text!r} is not a whole number")
    return int(number)


def read_overrides(path: str | Path) -> list[Override]:
    """Parse and validate the overrides file; every problem is reported with its line."""
    known = {f.key for f in schema.all_fields()}
    out: list[Override] = []
    problems: list[str] = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("key", "value", "reason") if c not in (reader.fieldnames or [])]
        if missing:
            raise OverrideError(f"{path}: missing columns {', '.join(missing)} (expected {', '.join(COLUMNS)})")
        for line, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k}
            if not any(row.values()):
                continue
            try:
                key = row["key"]
                if key not in known:
                    raise ValueError(f"unknown key {key!r}")
                report_id = row.get("report_id", "").lower() or None
                agency = row.get("agency_name") or None
                year = int(row["report_year"]) if row.get("report_year") else None
                if report_id is None and not (agency and year):
                    raise ValueError("name the report: report_id, or agency_name and report_year")
                if report_id is not None and len(report_id) < MIN_ID_PREFIX:
                    raise ValueError(f"report_id needs at least {MIN_ID_PREFIX} characters of the sha256")
                if not row.get("reason"):
                    raise ValueError("a correction needs a reason")
                out.append(Override(line, report_id, normalise_agency(agency), year, key,
                                    _number(row["value"], key), row["reason"], row.get("source", "")))
            except (ValueError, KeyError) as exc:
                problems.append(f"line {line}: {exc}")
    if problems:
        raise OverrideError(f"{path}: " + "; ".join(problems))
    return out


def apply_overrides(overrides: list[Override], report_id: str, agency_key: str | None, report_year: int | None,
                    values: dict) -> tuple[list[dict], list[str]]:
    """The corrections for one report (key, original_value, value, reason, source) and notes."""
    applied: list[dict] = []
    notes: list[str] = []
    for override in overrides:
        if not override.matches(report_id, agency_key, report_year):
            continue
        if override.key not in values:
            notes.append(f"overrides.csv line {override.line}: {override.key} is not a key of this report's format; not applied")
            continue
        applied.append({"key": override.key, "original_value": values[override.key], "value": override.value,
                        "reason": override.reason, "source": override.source})
    return applied, notes

"""The dry run's report as a workbook: the counts per sheet and every problem."""

from __future__ import annotations

import io

import pandas as pd

from lib.imports.dry_run import DryRun


def counts_frame(result: DryRun) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Ark": list(result.counts),
            "Nye": [c.add for c in result.counts.values()],
            "Opdateres": [c.update for c in result.counts.values()],
            "Uændrede": [c.unchanged for c in result.counts.values()],
        }
    )


def problems_frame(result: DryRun) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Type": [p.severity for p in result.problems],
            "Ark": [p.sheet for p in result.problems],
            "Række": [p.row if p.row is not None else "" for p in result.problems],
            "Kolonne": [p.column for p in result.problems],
            "Værdi": [p.value for p in result.problems],
            "Problem": [p.message for p in result.problems],
        },
        dtype=object,
    )


def report_xlsx(result: DryRun) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        counts_frame(result).to_excel(writer, sheet_name="Optælling", index=False)
        problems = problems_frame(result)
        # A cell starting with = would be a formula in Excel: the value is data.
        problems["Værdi"] = [
            f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in problems["Værdi"]
        ]
        problems.to_excel(writer, sheet_name="Problemer", index=False)
    return out.getvalue()

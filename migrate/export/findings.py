"""The findings of one export build, each pointing at the source row of its record."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import findings as fnd
from .records import SOURCE_COLUMNS, text


class BuildFindings:
    """Findings of one build, pointing at the source row of each record."""

    def __init__(self) -> None:
        self.items: list[fnd.Finding] = []

    def add(
        self,
        rule: str,
        severity: fnd.Severity,
        row: pd.Series | dict[str, Any],
        message: str,
        *,
        field: str = "",
        original: str = "",
        value: str = "",
        action: str = "changed",
    ) -> None:
        self.items.append(
            fnd.Finding(
                rule=rule,
                severity=severity,
                message=message,
                file=text(row.get(SOURCE_COLUMNS[0])),
                sheet=text(row.get(SOURCE_COLUMNS[1])),
                row=int(float(text(row.get(SOURCE_COLUMNS[2])) or 0)),
                field=field,
                original=original,
                value=value,
                action=action,
            )
        )

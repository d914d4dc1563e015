"""What the column mapping produces: one :class:`ColumnMatch` per source column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnMatch:
    """How one source column maps onto the canonical schema."""

    index: int  # position in the sheet's used range (0-based)
    column: str  # Excel column letter(s)
    header: str  # header text as written (two-row headers combined with " / ")
    field: str | None  # canonical field, None when unmapped
    confidence: float  # 0..1
    method: str  # exact | contains | fuzzy | sniff | ambiguous | mapping | none
    unit: float = 1.0  # multiplier for bare numbers (金額（万円） -> 10000)
    currency: str = ""  # currency from the header ((USD) -> USD)
    note: str = ""
    evidence: str = ""  # why: what the header said and what the values are

    def to_json(self) -> dict:
        """The column in ``inspect --json``: where it maps, how sure, and why."""
        return {
            "header": self.header,
            "column": self.column,
            "field": self.field,
            "confidence": round(self.confidence, 3),
            "method": self.method,
            "evidence": self.evidence,
        }

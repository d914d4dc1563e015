"""What layout detection produces and reads: the sheet table, the ingest rules, mapping overrides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from ...columns import ColumnMatch
from ...findings import Finding
from ..readers import NumberSplit

RowClass = Literal[
    "data",
    "blank",
    "numbered-blank",
    "title",
    "repeated-header",
    "subtotal",
    "note",
    "example",
    "other-table",
    "pair-second",
    "form-field",
    "group-heading",
]

IDENTITY_FIELDS = ("company_name", "deal_name", "contact_name", "record_id", "email")


@dataclass(frozen=True)
class IngestRules:
    header_search_rows: int
    subtotal_words: tuple[str, ...]
    note_prefixes: tuple[str, ...]
    note_min_length: int
    skip_sheet_names: dict[str, tuple[str, ...]]
    pivot_markers: tuple[str, ...]
    record_fields: tuple[str, ...]
    min_record_fields: int
    # headers of a row-counter column (No., 連番, 項番): its numbers alone do not make a record
    counter_headers: tuple[str, ...] = ()
    # a skipped sheet of more rows than this gets a finding naming it and its row count
    skipped_sheet_notice_rows: int = 5
    # words around a rep's name in a sheet of one rep's deals (田中分, 担当：佐藤): a sheet named
    # so, without an owner column, gives its rows that owner
    owner_sheet_words: tuple[str, ...] = ()
    # words in such a sheet's name that say the rep has left (鈴木(退職)): the rep is still the
    # rows' owner, with a warning that the deals need a new one (ingest.owner-left)
    owner_left_words: tuple[str, ...] = ()
    # an example row of a template (row.example): a cell that is an example mark alone (記入例),
    # a weak mark (サンプル) beside a placeholder name, or placeholder names only (株式会社〇〇)
    example_marks: tuple[str, ...] = ()
    example_weak_marks: tuple[str, ...] = ()
    placeholder_names: tuple[str, ...] = ()
    # a sheet named as a template (skip_sheet_names.template) of at most this many data rows
    # (after its example rows) is skipped even with a records header (sheet.template)
    template_max_rows: int = 3
    # an activity log (電話 / 訪問 / メール per row, many rows per company): its rows are read
    # for their companies only (migrate.ingest.layout.activity)
    activity_type_words: tuple[str, ...] = ()
    activity_type_share: float = 0.8
    activity_min_rows: int = 3
    # a deal written on two rows told apart by a row-kind column: (the words of the row that
    # carries the deal, the words of the other row) (migrate.ingest.layout.pairs)
    row_pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    # (first words, fallback words): one field under both, the first's column filled from the other's
    column_fallbacks: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    # words of a third party's columns beside the customer's (Partner Contact Email)
    third_party_words: tuple[str, ...] = ()
    # words of the end customer's company column beside the party we sell through (納入先
    # beside 得意先): the end customer is the company, the other the partner
    end_customer_words: tuple[str, ...] = ()
    # a CSV row with more fields than its header: how a number split at its unquoted thousands
    # commas looks (rejoined), and the largest share of the rows below the header whose extra
    # fields nothing explains that are rejected (more: the header is short, read as they are)
    csv_numbers: NumberSplit = NumberSplit()
    csv_reject_share: float = 0.5
    # the words a title block states the day a sheet is of with: before the date (最終更新：
    # 2026/1/20, As of 2026-01-20) and after it (2026年1月20日現在) (migrate.ingest.layout.stated)
    stated_date_before: tuple[str, ...] = ()
    stated_date_after: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetOverride:
    """What a mapping file says about one sheet; it wins over detection."""

    skip: bool = False
    header_row: int | None = None
    columns: dict[str, str | None] = field(
        default_factory=dict
    )  # column letter -> field (None = unmapped)
    headers: dict[str, str] = field(default_factory=dict)  # column letter -> header expected there


@dataclass
class SheetTable:
    """One sheet after layout detection."""

    file: str
    sheet: str
    sheet_index: int
    kind: Literal["table", "skipped"]
    reason: str = ""  # reason code when skipped (sheet.rep-master, ...)
    reason_text: str = ""
    header_row: int | None = None
    header_rows: list[int] = field(default_factory=list)
    columns: list[ColumnMatch] = field(default_factory=list)
    data: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # index: Excel rows; columns: positions
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (Excel row, reason code)
    # a skipped sheet: the rows it held below its header (all its rows without one), so that
    # the summary and the report can name a sheet that held data
    skipped_rows: int = 0
    # a small skipped sheet (a legend, a drop-down list): its cells, so that a later stage can
    # read what it defines (a rank legend: ヨミ | 定義 | 確度). Not written anywhere.
    cells: list[list[object]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    visible: bool = True
    encoding: str = ""
    # the rep a sheet of one rep's deals is named after (no owner column): every row's owner
    owner_from_sheet: str = ""
    # Excel row -> the marks its format carries ("strike grey", "fill:FFFF00"): a team's way of
    # saying won or lost without a word (migrate.ingest.readers.Grid.row_marks)
    row_marks: dict[int, str] = field(default_factory=dict)
    # an activity log (migrate.ingest.layout.activity): read for its companies only
    activity_log: bool = False
    # a deal written on two rows (migrate.ingest.layout.pairs): the other row -> the deal's row
    pair_rows: dict[int, int] = field(default_factory=dict)
    # Excel row -> (cell, text) of the comment on a data row's empty stage cell: a team's way of
    # keeping the stage out of the cell (F4: ステージ：受注（12/10 注文書受領）)
    stage_comments: dict[int, tuple[str, str]] = field(default_factory=dict)
    # (Excel row, field) -> (cell, error) of a data cell showing an Excel error (#NAME?), read
    # as empty: a reject for the empty field names the error instead (migrate.export)
    excel_errors: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)
    # the day the title block above the table says the sheet is of (ISO; '' when it says none):
    # how recent its rows are (migrate.dedupe.survivorship.sheet_dates)
    stated_date: str = ""

    @property
    def data_rows(self) -> list[int]:
        return [int(r) for r in self.data.index]

    def to_json(self) -> dict:
        """The stable shape of ``inspect --json`` (scripts depend on it)."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "kind": self.kind,
            "reason": self.reason,
            "skipped_rows_count": self.skipped_rows,
            "header_row": self.header_row,
            "data_rows": self.data_rows,
            "skipped_rows": [{"row": r, "reason": why} for r, why in self.skipped],
            "columns": [c.to_json() for c in self.columns],
        }

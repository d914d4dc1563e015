"""The review loop: write the review queue as a workbook, read a person's decisions back.

``write_review_xlsx`` puts every pair between the review and match thresholds on one sheet,
the two records side by side with the evidence, and a ``decision`` column with a drop-down
(same / different). ``read_decisions`` reads that workbook back, or a CSV with the columns
``left_key, right_key, decision``. Decisions are keyed by content keys (``company:<match key>``,
``contact:<e-mail>`` ...), not by row numbers, so they still apply after the trackers are
edited or a new file is added; they can also be listed in rules/dedupe.yaml.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from ..output import collector_paused

DECISION_COLUMNS = ["left_key", "right_key", "decision"]
REVIEW_SHEET = "review"


def decision_value(v: object, words: Mapping[str, str] | None = None) -> str:
    """'same', 'different', '' (undecided) or '?' (not understood).

    ``words``: what a person may type, lower case -> decision (rules/dedupe.yaml
    ``review_words``; those of the active rules when None).
    """
    if v is None or (isinstance(v, float) and v != v):
        return ""
    s = str(v).strip().lower()
    if not s:
        return ""
    if words is None:
        words = _active_words()
    return words.get(s, "?")


def _active_words() -> Mapping[str, str]:
    from .settings import load_settings

    return dict(load_settings().review_words)


def normalize_decisions(
    frame: pd.DataFrame | None, words: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean decisions: (usable rows, rows whose decision was not understood)."""
    if frame is None or frame.empty:
        return pd.DataFrame(columns=DECISION_COLUMNS), pd.DataFrame(columns=DECISION_COLUMNS)
    df = pd.DataFrame({c: frame[c] if c in frame.columns else "" for c in DECISION_COLUMNS})
    df["left_key"] = df["left_key"].map(lambda v: "" if v is None or v != v else str(v).strip())
    df["right_key"] = df["right_key"].map(lambda v: "" if v is None or v != v else str(v).strip())
    words = _active_words() if words is None else words
    df["decision"] = df["decision"].map(lambda v: decision_value(v, words))
    bad = df[(df["decision"] == "?") & (df["left_key"] != "")]
    ok = df[
        df["decision"].isin(["same", "different"])
        & (df["left_key"] != "")
        & (df["right_key"] != "")
    ]
    # the last decision on a pair wins (a later file overrides the rules)
    pair = (
        ok.apply(lambda r: tuple(sorted((r["left_key"], r["right_key"]))), axis=1)
        if len(ok)
        else pd.Series(dtype=object)
    )
    ok = ok.assign(_pair=pair).drop_duplicates("_pair", keep="last").drop(columns="_pair")
    return ok.reset_index(drop=True), bad.reset_index(drop=True)


@collector_paused()
def write_review_xlsx(review: pd.DataFrame, path: str | os.PathLike[str], lang: str = "en") -> Path:
    """Write the review queue to an .xlsx with a same/different drop-down per pair.

    In Japanese (``lang``) the headers, the choices (同じ / 別: words ``review_words`` reads),
    the kinds of record, the rows and the evidence are in Japanese; the keys stay as they are.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from .. import review_words as W
    from ..review_sheet import lay_out_decision_sheet, save_atomically

    choices, prompt, error = (
        ("same", "different"),
        "same: merge these two; different: keep apart",
        "Choose same or different",
    )
    if lang == "ja":
        words = {
            "decision": lambda v: W.DECISIONS_JA.get(decision_value(v), v),
            "entity": lambda v: W.ENTITIES_JA.get(v, v),
            "evidence": lambda v: W.evidence(v, lang),
            "left_row": lambda v: W.place(v, lang),
            "right_row": lambda v: W.place(v, lang),
        }
        review = review.assign(
            **{c: review[c].map(f, na_action="ignore") for c, f in words.items() if c in review}
        )
        choices = (W.DECISIONS_JA["same"], W.DECISIONS_JA["different"])
        prompt = "同じ: この2件を1件にまとめる / 別: 別々のまま"
        error = "同じ か 別 を選んでください"
    wb = Workbook()
    ws = wb.active
    ws.title = REVIEW_SHEET
    columns = ["decision"] + [c for c in review.columns if c != "decision"]
    widths = {c: 12.0 for c in ("decision", "probability", "entity")} | {"evidence": 60.0}
    lay_out_decision_sheet(
        ws,
        columns,
        review,
        choices=choices,
        prompt=prompt,
        error=error,
        widths=widths,
        default_width=28,
        lang=lang,
    )
    for cell in ws[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return save_atomically(wb, path)


def read_decisions(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read decisions from a review workbook or a CSV (left_key, right_key, decision)."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(
            str(p),
            "decisions file not found",
            hint="pass the review workbook or a CSV with left_key, right_key, decision",
        )
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(p, read_only=True, data_only=True)
        except Exception as exc:  # a broken or non-Excel file is the user's to fix
            raise InputFileError(
                str(p), f"cannot read the workbook ({exc.__class__.__name__})"
            ) from None
        ws = wb[REVIEW_SHEET] if REVIEW_SHEET in wb.sheetnames else wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        wb.close()
        if not rows:
            return pd.DataFrame(columns=DECISION_COLUMNS)
        from ..review_words import column_keys

        frame = pd.DataFrame(rows[1:], columns=column_keys(rows[0]))
    else:
        try:
            frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise InputFileError(
                str(p),
                f"cannot read the CSV ({exc.__class__.__name__})",
                hint="save it as UTF-8 CSV",
            ) from None
        from ..review_words import column_keys

        frame.columns = column_keys(list(frame.columns))
    missing = [c for c in DECISION_COLUMNS if c not in frame.columns]
    if missing:
        raise InputFileError(
            str(p),
            f"missing column(s): {', '.join(missing)}",
            hint="the decisions file needs the columns left_key, right_key, decision",
        )
    return frame[
        DECISION_COLUMNS + [c for c in frame.columns if c not in DECISION_COLUMNS]
    ].reset_index(drop=True)

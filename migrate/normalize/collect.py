"""Turning issues into findings: per cell, or summarised per sheet as rules/normalize.yaml says.

In: issues from the normalisers, attached to distinct values (codes) or to row positions of the
records frame. Out: one findings frame (migrate.findings columns; ``file``/``sheet``/``row`` from
the bookkeeping columns, ``field`` set, ``column`` left for the pipeline) and the rows whose
on-error policy is ``reject`` (:attr:`Collector.rejected`, :meth:`Collector.reasons`). Built with
numpy over the flagged rows, never a loop per cell.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import findings as fnd
from ..schema import SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET
from .base import Issue
from .config import NormalizeRules
from .text import to_text

_ISSUE_COLS = ("rule", "severity", "message", "value", "action", "level")


class Collector:
    """Collects the findings of one normalize_records run."""

    def __init__(self, records: pd.DataFrame, rules: NormalizeRules) -> None:
        n = len(records)
        self.n = n
        self.rules = rules
        self.file = _column(records, SOURCE_FILE, n, "")
        self.sheet = _column(records, SOURCE_SHEET, n, "")
        rows = pd.to_numeric(pd.Series(_column(records, SOURCE_ROW, n, 0)), errors="coerce")
        self.row = rows.fillna(0).astype("int64").to_numpy()
        self.rejected = np.zeros(n, dtype=bool)
        self._groups: tuple[np.ndarray, list[tuple[str, str]]] | None = None
        self._reasons: dict[int, list[str]] = {}
        self._frames: list[pd.DataFrame] = []

    def groups(self) -> tuple[np.ndarray, list[tuple[str, str]]]:
        """Per row the code of its source file+sheet, and the (file, sheet) of each code."""
        if self._groups is None:
            keys = np.array([f"{f}\x1f{s}" for f, s in zip(self.file, self.sheet)], dtype=object)
            codes, labels = pd.factorize(keys)
            pairs = [tuple(str(x).split("\x1f", 1)) for x in labels]
            self._groups = (np.asarray(codes, dtype=np.int64), [(p[0], p[1]) for p in pairs])
        return self._groups

    # ------------------------------------------------------------------ adding issues

    def coded(
        self,
        field: str,
        codes: np.ndarray,
        issues: Sequence[Sequence[Issue]],
        originals: Sequence[object],
        values: Sequence[str],
    ) -> None:
        """Issues per distinct value (``issues[code]``), reported for every row with that code.

        ``originals`` are the distinct raw values (turned into text only where reported),
        ``values`` what each became.
        """
        setting = {"cell": "cell", "reformat": self.rules.reformats, "mapping": self.rules.mappings}
        cell = [(c, i) for c, its in enumerate(issues) for i in its if setting[i.level] == "cell"]
        summary = [
            (c, i) for c, its in enumerate(issues) for i in its if setting[i.level] == "summary"
        ]
        if not cell and not summary:
            return
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]

        def rows_of(pairs: list[tuple[int, Issue]]) -> tuple[np.ndarray, np.ndarray]:
            pc = np.asarray([c for c, _ in pairs], dtype=np.int64)
            starts = np.searchsorted(sorted_codes, pc, "left")
            counts = np.searchsorted(sorted_codes, pc, "right") - starts
            chunks = [order[s : s + k] for s, k in zip(starts, counts) if k]
            return (np.concatenate(chunks) if chunks else np.empty(0, np.int64)), counts

        if cell:
            pos, counts = rows_of(cell)
            if len(pos):
                cols = {
                    a: np.repeat(np.array([getattr(i, a) for _, i in cell], dtype=object), counts)
                    for a in _ISSUE_COLS
                }
                cols["original"] = np.repeat(
                    np.array([to_text(originals[c]) for c, _ in cell], dtype=object), counts
                )
                cols["cell_value"] = np.repeat(
                    np.array([values[c] for c, _ in cell], dtype=object), counts
                )
                self._add(field, pos, cols)
        if summary:
            self._summary(field, summary, *rows_of(summary), originals, values)

    def _summary(
        self,
        field: str,
        pairs: list[tuple[int, Issue]],
        pos: np.ndarray,
        counts: np.ndarray,
        originals: Sequence[object],
        values: Sequence[str],
    ) -> None:
        """Summarised issues counted per sheet on integer codes: no per-row strings are built."""
        if not len(pos):
            return
        gcodes, labels = self.groups()
        pair_of_row = np.repeat(np.arange(len(pairs)), counts)
        sizes = (
            pd.DataFrame({"p": pair_of_row, "g": gcodes[pos]})
            .groupby(["p", "g"], sort=False)
            .size()
        )
        counted: dict[tuple[object, ...], int] = {}
        example: dict[tuple[object, ...], tuple[Issue, str, str]] = {}
        for (p, g), n in sizes.items():
            code, issue = pairs[int(p)]
            original, value = to_text(originals[code]), issue.value or values[code]
            key: tuple[object, ...] = (issue.rule, int(g))
            if issue.level == "mapping":
                key += (original, value)
            counted[key] = counted.get(key, 0) + int(n)
            example.setdefault(key, (issue, original, value))
        rows = []
        for key, n in counted.items():
            issue, original, value = example[key]
            file, sheet = labels[int(str(key[1]))]
            if issue.level == "mapping":
                message = f"{issue.message} ({n} row(s))"
            else:
                message = f"{n} cell(s) {issue.message} (e.g. '{original}' -> '{value}')"
            rows.append(
                (issue.rule, issue.severity, message, file, sheet, original, value, issue.action)
            )
        cols = {
            name: np.array([r[k] for r in rows], dtype=object)
            for k, name in enumerate(
                ("rule", "severity", "message", "file", "sheet", "original", "value", "action")
            )
        }
        self._frames.append(
            _findings(
                cols,
                cols["file"],
                cols["sheet"],
                np.zeros(len(rows), np.int64),
                field,
                cols["original"],
            )
        )

    def same_rows(
        self,
        field: str,
        positions: Sequence[int] | np.ndarray,
        issue: Issue,
        original: str,
        value: str,
    ) -> None:
        """The same issue, original and value at every row position (one word read one way)."""
        n = len(positions)
        self.rows(field, positions, [issue] * n, [original] * n, [value] * n)

    def rows(
        self,
        field: str,
        positions: Sequence[int] | np.ndarray,
        issues: Sequence[Issue],
        originals: Sequence[str],
        values: Sequence[str],
    ) -> None:
        """One issue per row position."""
        if not len(positions):
            return
        cols = {a: np.array([getattr(i, a) for i in issues], dtype=object) for a in _ISSUE_COLS}
        cols["original"] = np.array(list(originals), dtype=object)
        cols["cell_value"] = np.array(list(values), dtype=object)
        self._add(field, np.asarray(positions, dtype=np.int64), cols)

    def sheet_level(
        self, field: str, file: str, sheet: str, issue: Issue, original: str = ""
    ) -> None:
        """A finding about a whole column of one sheet (row 0)."""
        one = np.array([0])
        cols = {a: np.array([getattr(issue, a)], dtype=object) for a in _ISSUE_COLS}
        self._frames.append(
            _findings(
                cols,
                np.array([file], dtype=object),
                np.array([sheet], dtype=object),
                one,
                field,
                np.array([original], dtype=object),
            )
        )

    def text_cleaned(
        self,
        field: str,
        codes: np.ndarray,
        changed: np.ndarray,
        originals: Sequence[object],
        values: Sequence[str],
    ) -> None:
        """Cells whose only change was whitespace/NFKC cleaning: one finding per sheet with the
        count and an example (``text_cleaned: summary``), or one per cell (``cell``)."""
        if self.rules.text_cleaned == "none" or not changed.any():
            return
        if self.rules.text_cleaned == "cell":
            issue = Issue(
                "normalize.text-cleaned",
                "cleaned of extra spaces, full-width or invisible characters",
            )
            self.coded(field, codes, [(issue,) if c else () for c in changed], originals, values)
            return
        pos = np.flatnonzero(changed[codes])
        if not len(pos):
            return
        gcodes, labels = self.groups()
        counts = np.bincount(gcodes[pos], minlength=len(labels))
        first: dict[int, int] = {}
        for p in pos:  # the first changed cell of each sheet is the example
            first.setdefault(int(gcodes[p]), int(codes[p]))
            if len(first) == int((counts > 0).sum()):
                break
        for g, c in first.items():
            file, sheet = labels[g]
            message = (
                f"{counts[g]} cell(s) cleaned of extra spaces, full-width or invisible characters"
            )
            issue = Issue("normalize.text-cleaned", message, values[c])
            self.sheet_level(field, file, sheet, issue, to_text(originals[c]))

    # ------------------------------------------------------------------ results

    def frame(self) -> pd.DataFrame:
        """All findings as one frame (the columns of migrate.findings, rows in the order found)."""
        if not self._frames:
            return fnd.empty()
        return pd.concat(self._frames, ignore_index=True)

    def reasons(self) -> np.ndarray:
        """Per row: why it was rejected ("" when it was not)."""
        out = np.full(self.n, "", dtype=object)
        for pos, reasons in self._reasons.items():
            out[pos] = "; ".join(dict.fromkeys(reasons))
        return out

    # ------------------------------------------------------------------ internals

    def _add(self, field: str, pos: np.ndarray, cols: dict[str, np.ndarray]) -> None:
        # An issue without its own value reports what the cell became (unless it was blanked).
        no_value = (cols["value"] == "") & np.isin(cols["action"], ["changed", "kept"])
        cols["value"] = np.where(no_value, cols["cell_value"], cols["value"])
        rejected = cols["action"] == "rejected"
        if rejected.any():
            for p, rule, msg in zip(
                pos[rejected], cols["rule"][rejected], cols["message"][rejected]
            ):
                self.rejected[p] = True
                self._reasons.setdefault(int(p), []).append(f"{rule}: {msg}")
        level = cols["level"]
        how = np.full(len(pos), "cell", dtype=object)
        how[level == "reformat"] = self.rules.reformats
        how[level == "mapping"] = self.rules.mappings
        cells = how == "cell"
        if cells.any():
            self._frames.append(
                _findings(
                    {a: cols[a][cells] for a in _ISSUE_COLS},
                    self.file[pos[cells]],
                    self.sheet[pos[cells]],
                    self.row[pos[cells]],
                    field,
                    cols["original"][cells],
                )
            )
        summary = how == "summary"
        if summary.any():
            frame = _findings(
                {a: cols[a][summary] for a in _ISSUE_COLS},
                self.file[pos[summary]],
                self.sheet[pos[summary]],
                self.row[pos[summary]],
                field,
                cols["original"][summary],
            )
            frame["_level"] = level[summary]
            self._frames.append(_summarise(frame))


def _findings(
    cols: dict[str, np.ndarray],
    file: np.ndarray,
    sheet: np.ndarray,
    row: np.ndarray,
    field: str,
    original: np.ndarray,
) -> pd.DataFrame:
    """A findings frame from per-finding arrays: object columns (no string inference), int rows."""
    n = len(row)
    frame = pd.DataFrame(
        {
            "rule": cols["rule"],
            "severity": cols["severity"],
            "message": cols["message"],
            "file": file,
            "sheet": sheet,
            "row": np.zeros(n, dtype=object),
            "column": np.full(n, "", dtype=object),
            "field": np.full(n, field, dtype=object),
            "original": original,
            "value": cols["value"],
            "action": cols["action"],
        },
        dtype=object,
    )
    frame["row"] = np.asarray(row, dtype=np.int64)
    return frame


def _summarise(frame: pd.DataFrame) -> pd.DataFrame:
    """Reformats: one finding per rule/file/sheet; mappings: one per distinct original/value."""
    out = []
    for level, part in frame.groupby("_level", sort=False):
        mapping = level == "mapping"
        keys = ["rule", "file", "sheet", "field"] + (["original", "value"] if mapping else [])
        firsts = ["severity", "message", "action"] + ([] if mapping else ["original", "value"])
        groups = part.groupby(keys, sort=False, dropna=False)
        agg = pd.concat(
            [
                groups.size().rename("n").reset_index(),
                groups[firsts].first().reset_index(drop=True),
            ],
            axis=1,
        )
        n = agg["n"].astype(str)
        if mapping:
            agg["message"] = agg["message"] + " (" + n + " row(s))"
        else:
            agg["message"] = (
                n
                + " cell(s) "
                + agg["message"]
                + " (e.g. '"
                + agg["original"]
                + "' -> '"
                + agg["value"]
                + "')"
            )
        agg["row"] = 0
        agg["column"] = ""
        agg["row"] = agg["row"].astype("int64")
        out.append(
            agg[fnd.FINDING_COLUMNS].astype({c: object for c in fnd.FINDING_COLUMNS if c != "row"})
        )
    return pd.concat(out, ignore_index=True)


def _column(records: pd.DataFrame, name: str, n: int, default: object) -> np.ndarray:
    if name in records.columns:
        col = records[name].to_numpy(dtype=object)
        if isinstance(default, str):
            return np.array(["" if v is None or v != v else str(v) for v in col], dtype=object)
        return col
    return np.full(n, default, dtype=object)

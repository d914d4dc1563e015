"""What a breach line says to fix: the unknown stage words and their rows, the rejected rows'
worst file and top reasons.

In: a :class:`migrate.pipeline.RunResult` (its findings, its report's import sheets and its
export's rejects). Out: per (metric, file, sheet) a :class:`Advice`, the facts a rep needs to
act on a breach of that metric there (``file`` "" = overall). The renderers word them in the
check's language; a threshold's ``note:`` is added to them there. Nothing here judges: a
metric that holds simply shows no advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .metrics import UNKNOWN_STAGE

Key = tuple[str, str, str]  # (metric, file, sheet)
WORDS_SHOWN = 5  # unknown words named per line, the rest counted
REASONS_SHOWN = 3  # reasons of rejected rows named per line


@dataclass(frozen=True)
class Word:
    """An unknown stage word, where it is and on which Excel rows."""

    word: str
    file: str
    sheet: str
    rows: tuple[int, ...]


@dataclass(frozen=True)
class Advice:
    """The facts behind a breach: unknown words, or the rejected rows' worst source and
    reasons (each reason with the number of records it rejected)."""

    words: tuple[Word, ...] = ()
    worst: tuple[str, str, int, int] | None = None  # file, sheet, rejected, data rows
    reasons: tuple[tuple[str, int], ...] = ()


def advise(result: Any) -> dict[Key, Advice]:
    """The advice of every metric and source of a run that has some."""
    out: dict[Key, Advice] = {}
    _unknown_words(result, out)
    _rejected(result, out)
    return out


def _unknown_words(result: Any, out: dict[Key, Advice]) -> None:
    from ..report import values as v

    f = result.findings
    if f is None or not len(f):
        return
    hits = f[f["rule"] == UNKNOWN_STAGE]
    words: dict[tuple[str, str, str], list[int]] = {}
    for file, sheet, row, original in hits[["file", "sheet", "row", "original"]].itertuples(
        index=False
    ):
        key = (v.text(file), v.text(sheet), v.text(original))
        try:
            words.setdefault(key, []).append(int(row))
        except (TypeError, ValueError):
            words.setdefault(key, [])
    found = [
        Word(w, file, sheet, tuple(sorted(set(rows)))) for (file, sheet, w), rows in words.items()
    ]
    # the most rows first: the word to map first
    found.sort(key=lambda w: (-len(w.rows), w.file, w.sheet, w.word))
    for metric in ("stages.unknown-words", "stages.unknown-share"):
        out[(metric, "", "")] = Advice(words=tuple(found))
        for file, sheet in dict.fromkeys((w.file, w.sheet) for w in found):
            mine = tuple(w for w in found if (w.file, w.sheet) == (file, sheet))
            out[(metric, file, sheet)] = Advice(words=mine)


def _rejected(result: Any, out: dict[Key, Advice]) -> None:
    from ..report import values as v

    metric = "rows.rejected-share"
    sheets = [
        s
        for s in ((result.report or {}).get("import") or {}).get("sheets") or []
        if s.get("kind") == "table" and int(s.get("rejected") or 0)
    ]
    rejects = getattr(getattr(result, "export", None), "rejects", None)
    by_source: dict[tuple[str, str], dict[str, set[str]]] = {}
    overall: dict[str, set[str]] = {}
    if rejects is not None and len(rejects):
        for ext, reason, rows in rejects[["external_id", "reason", "source_rows"]].itertuples(
            index=False
        ):
            reason, ext = v.text(reason), v.text(ext) or v.text(rows)
            overall.setdefault(reason, set()).add(ext)
            for key in v.text(rows).split(";"):
                parts = key.rsplit("|", 2)
                if len(parts) == 3:
                    by_source.setdefault((parts[0], parts[1]), {}).setdefault(reason, set()).add(
                        ext
                    )

    def top(reasons: dict[str, set[str]]) -> tuple[tuple[str, int], ...]:
        ranked = sorted(
            ((r, len(ids)) for r, ids in reasons.items() if r), key=lambda x: (-x[1], x[0])
        )
        return tuple(ranked)

    for s in sheets:
        src = (str(s["file"]), str(s.get("sheet") or ""))
        worst = (*src, int(s["rejected"]), int(s.get("data") or 0))
        out[(metric, *src)] = Advice(worst=worst, reasons=top(by_source.get(src, {})))
    if sheets:
        w = max(
            sheets,
            key=lambda s: (
                int(s["rejected"]) / max(int(s.get("data") or 0), 1),
                int(s["rejected"]),
            ),
        )
        worst = (
            str(w["file"]),
            str(w.get("sheet") or ""),
            int(w["rejected"]),
            int(w.get("data") or 0),
        )
        out[(metric, "", "")] = Advice(worst=worst, reasons=top(overall))


def compact_rows(rows: tuple[int, ...], shown: int = 8) -> str:
    """``24-31, 40`` (consecutive rows as a range; the first ``shown`` ranges, then ``…``)."""
    spans: list[tuple[int, int]] = []
    for r in rows:
        if spans and r == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], r)
        else:
            spans.append((r, r))
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans[:shown])
    return text + (", …" if len(spans) > shown else "")


__all__ = ["Advice", "REASONS_SHOWN", "WORDS_SHOWN", "Word", "advise", "compact_rows"]

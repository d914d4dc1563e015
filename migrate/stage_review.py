"""Stage words for people: what each source's words map to, a review sheet, decisions replayed.

In: raw records (canonical columns as :func:`migrate.ingest.to_records` gives them, the
``stage`` cells as written) or an :class:`~migrate.ingest.IngestResult`; after a run, the
normalised records and the findings. Out:

* :func:`stage_words_of`: one row per source (file, sheet) and stage word: how many rows use
  it, the stage it is read as and how (listed, exit, form, guess, typo, unknown ...), for
  ``inspect``;
* :func:`stage_words_sheet` and :func:`write_stage_words_sheet`: the "stage words" sheet of
  review.xlsx, one row per word a person should decide (unknown, said at several stages,
  guessed, taken for a typo) with its rows, files, what the run did, the stage its evidence
  suggests and why, and an empty ``decision`` column with a drop-down of the stages;
* :func:`read_stage_decisions`: the decisions of that sheet (or of a CSV / YAML mapping file:
  word -> stage), a decision written as a stage key, a label or any word of the stage;
* :func:`vocabulary_with_decisions`: the stage vocabulary with those decisions as listed words,
  which the next run's normalisation uses, so a decided word is read as decided.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .errors import InputFileError
from .schema import SOURCE_FILE, SOURCE_SHEET, cell_text

if TYPE_CHECKING:
    from .ingest import IngestResult
    from .normalize.stage_words import StageVocabulary
    from .stages import StageModel

STAGE_WORDS_SHEET = "stage words"
WORDS_COLUMNS = ["file", "sheet", "word", "rows", "stage", "how", "detail"]
SHEET_COLUMNS = [
    "decision",
    "word",
    "rows",
    "files",
    "read_as",
    "how",
    "suggested",
    "evidence",
    "message",
]
#: how a word was read that a person should confirm or decide
TO_DECIDE = ("unknown", "ambiguous", "guess", "typo")


def stage_words_of(
    source: pd.DataFrame | IngestResult,
    rules_dir: str | os.PathLike[str] | Any | None = None,
    *,
    vocabulary: StageVocabulary | None = None,
) -> pd.DataFrame:
    """Each source's stage words: file, sheet, word, rows, stage, how, detail (most used first)."""
    from .bundle import load_rules_bundle
    from .normalize.config import load_rules
    from .normalize.stage_words import read_stage_word
    from .normalize.text import clean_text

    records = _records(source, rules_dir)
    empty = pd.DataFrame(
        {c: pd.Series(dtype="int64" if c == "rows" else "object") for c in WORDS_COLUMNS}
    )
    if "stage" not in records.columns or not len(records):
        return empty
    vocab = vocabulary or load_rules_bundle(rules_dir).stage_vocabulary
    rules = load_rules(rules_dir)
    frame = pd.DataFrame(
        {
            "file": _text_column(records, SOURCE_FILE),
            "sheet": _text_column(records, SOURCE_SHEET),
            "word": records["stage"].map(clean_text),
        }
    )
    frame = frame[frame["word"] != ""]
    if not len(frame):
        return empty
    counted = frame.groupby(["file", "sheet", "word"], sort=False).size().rename("rows")
    out = counted.reset_index()
    readings = {w: read_stage_word(w, vocab, rules) for w in out["word"].unique()}
    out["stage"] = out["word"].map(lambda w: readings[w].stage)
    out["how"] = out["word"].map(lambda w: readings[w].how)
    out["detail"] = out["word"].map(lambda w: _detail(readings[w].outcome))
    out = out.sort_values(["file", "sheet", "rows", "word"], ascending=[True, True, False, True])
    return out.reset_index(drop=True)[WORDS_COLUMNS]


def _detail(outcome: Any) -> str:
    issues = [*outcome.issues, *([outcome.failure] if outcome.failure else [])]
    return "; ".join(i.message for i in issues)


def _records(source: pd.DataFrame | IngestResult, rules_dir: Any) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    from .bundle import load_rules_bundle
    from .ingest import to_records

    return to_records(source.tables, load_rules_bundle(rules_dir).schema, source.files)


def _text_column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[name].map(cell_text)


# ----------------------------------------------------------------------------- review sheet


def stage_words_sheet(
    records: pd.DataFrame, findings: pd.DataFrame, model: StageModel, *, lang: str = "en"
) -> pd.DataFrame:
    """The rows of the "stage words" sheet: the words a person should decide, most used first.

    ``records`` are the run's normalised records (after inference), ``findings`` its findings:
    unknown and ambiguous words (normalize.unknown-stage), guesses and typos, each with the
    stage its rows' evidence suggests (:func:`migrate.stages.suggest_stage`), and its finding's
    message in ``lang``.
    """
    from .stages import STAGE_WORD, suggest_stage

    empty = pd.DataFrame(
        {c: pd.Series(dtype="int64" if c == "rows" else "object") for c in SHEET_COLUMNS}
    )
    if findings is None or not len(findings) or "rule" not in findings.columns:
        return empty
    how_of = {
        "normalize.unknown-stage": "unknown",
        "normalize.stage-guessed": "guess",
        "normalize.stage-typo": "typo",
    }
    hits = findings[findings["rule"].isin(how_of)]
    if not len(hits):
        return empty
    from .catalogue import load_catalogue

    catalogue = load_catalogue()
    rows = []
    words = _text_column(records, STAGE_WORD) if len(records) else pd.Series(dtype=object)
    for (rule, word), group in hits.groupby(["rule", "original"], sort=False):
        word = cell_text(word)
        how = how_of[str(rule)]
        message = cell_text(group["message"].iloc[0])
        if how == "unknown" and "several stages" in message:
            how = "ambiguous"
        if lang == "ja":  # the finding's own message as the Japanese report says it
            message = catalogue.message(str(rule), message, lang)
        read_as = cell_text(group["value"].iloc[0]) if "value" in group.columns else ""
        own = records[words == word] if len(records) and how in ("unknown", "ambiguous") else None
        suggested, why = suggest_stage(own, model) if own is not None and len(own) else ("", "")
        if own is not None and len(own) and "stage" in own.columns:
            stages = [cell_text(s) for s in own["stage"]]
            decided = sorted(set(stages) - {""})
            if decided:  # inference decided over the word (closed-deal evidence)
                read_as = ", ".join(decided)
                n = sum(1 for s in stages if s)
                if n < len(stages):  # the others stay without a stage: the word is still open
                    read_as += f" ({n} of {len(stages)} rows)"
                why = why or "decided by the row's won/lost evidence"
        rows.append(
            {
                "decision": "",
                "word": word,
                "rows": len(group),
                "files": "; ".join(dict.fromkeys(_text_column(group, "file"))),
                "read_as": read_as,
                "how": how,
                "suggested": suggested,
                "evidence": why,
                "message": message,
            }
        )
    out = pd.DataFrame(rows, columns=SHEET_COLUMNS)
    out = out.drop_duplicates("word", keep="first")
    return out.sort_values(["rows", "word"], ascending=[False, True], ignore_index=True)


def write_stage_words_sheet(
    sheet: pd.DataFrame, path: str | os.PathLike[str], model: StageModel, lang: str = "en"
) -> Path:
    """Add (or replace) the "stage words" sheet in the workbook at ``path`` (made if missing).

    The ``decision`` column has a drop-down of the stage keys; a person may also type a label
    or any word of a stage (:func:`read_stage_decisions` reads it through the vocabulary).
    """
    from openpyxl import Workbook, load_workbook

    from . import review_words as W
    from .review_sheet import lay_out_decision_sheet, save_atomically

    out = Path(path)
    if out.is_file():
        wb = load_workbook(out)
        if STAGE_WORDS_SHEET in wb.sheetnames:
            del wb[STAGE_WORDS_SHEET]
        ws = wb.create_sheet(STAGE_WORDS_SHEET)
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = STAGE_WORDS_SHEET
    choices: list[str] = list(model.keys)
    prompt = "the stage this word means (a key, a label or a word of the stage)"
    if lang == "ja":  # a stage's Japanese label is one of its words (read_stage_decisions)
        label = {s.key: s.label.get("ja") for s in model.stages}
        choices = [label[k] for k in model.keys]
        prompt = "この言葉が指すステージ（ステージ名・キー・ステージの言葉のどれでも可）"
        words = {
            "decision": lambda v: label.get(v, v),
            "suggested": lambda v: label.get(v, v),
            "how": lambda v: W.HOW_JA.get(v, v),
        }
        sheet = sheet.assign(
            **{c: sheet[c].map(f, na_action="ignore") for c, f in words.items() if c in sheet}
        )
    lay_out_decision_sheet(
        ws,
        SHEET_COLUMNS,
        sheet,
        choices=choices,
        prompt=prompt,
        lang=lang,
        freeze="C2",
        widths={
            "decision": 14,
            "rows": 8,
            "how": 11,
            "suggested": 13,
            "evidence": 40,
            "message": 60,
        },
    )
    return save_atomically(wb, out)


# ----------------------------------------------------------------------------- decisions


def read_stage_decisions(
    source: str | os.PathLike[str] | pd.DataFrame | Mapping[str, str],
    vocabulary: StageVocabulary | None = None,
) -> tuple[dict[str, str], list[str]]:
    """(word -> stage key, problems) from a review workbook's "stage words" sheet, a CSV with
    the columns word and decision (or stage), a YAML mapping word: stage, or a frame/mapping.

    A decision may be a stage key, a label or any word of a stage; an empty one is undecided;
    one no stage claims is a problem (named with its word), never a guess. The last decision
    on a word wins; two spellings of one word (済 and 済み, Won and WON) decided as different
    stages are a problem, and so is a word that cannot be compared (nothing but invisible
    characters): a decision is applied or named, never dropped.
    """
    from .normalize.stage_words import load_stage_vocabulary, word_key

    vocab = vocabulary or load_stage_vocabulary()
    pairs = _decision_pairs(source)
    decided: dict[str, str] = {}
    problems: list[str] = []
    spelled: dict[str, str] = {}  # word key -> the word as first decided
    for word, decision in pairs:
        word, decision = cell_text(word), cell_text(decision)
        if not word or not decision:
            continue
        key = word_key(word)
        if not key:
            problems.append(f"stage word {word!r}: no letter, digit or symbol to match it by")
            continue
        stage = decision if decision in vocab.keys else vocab.lookup(word_key(decision))
        if not stage:
            problems.append(
                f"stage word '{word}': decision '{decision}' names no stage "
                f"(use one of: {', '.join(vocab.keys)})"
            )
            continue
        first = spelled.setdefault(key, word)
        if first != word and decided.get(first, stage) != stage:
            problems.append(
                f"stage word '{word}': decided as {stage}, but '{first}' (the same word to "
                f"the stage rules) as {decided[first]}; decide them alike"
            )
            continue
        decided[word] = stage
    return decided, problems


def _decision_pairs(source: Any) -> list[tuple[object, object]]:
    if isinstance(source, Mapping):
        return list(source.items())
    if isinstance(source, pd.DataFrame):
        return _frame_pairs(source, "the decisions frame")
    p = Path(source)
    if not p.is_file():
        raise InputFileError(
            str(p),
            "stage decisions file not found",
            hint="pass review.xlsx, a CSV with word and decision, or a YAML mapping word: stage",
        )
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(p, read_only=True, data_only=True)
        except Exception as exc:  # a broken or non-Excel file is the user's to fix
            raise InputFileError(
                str(p), f"cannot read the workbook ({exc.__class__.__name__})"
            ) from None
        if STAGE_WORDS_SHEET not in wb.sheetnames:
            wb.close()
            return []
        rows = list(wb[STAGE_WORDS_SHEET].iter_rows(values_only=True))
        wb.close()
        if not rows:
            return []
        from .review_words import column_keys

        header = column_keys([cell_text(h) for h in rows[0]])
        return _frame_pairs(pd.DataFrame(rows[1:], columns=header), str(p))
    if suffix in (".yaml", ".yml"):
        import yaml

        try:
            doc = yaml.safe_load(p.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise InputFileError(
                str(p), f"cannot read the YAML ({exc.__class__.__name__})"
            ) from None
        doc = doc.get("stage_words", doc) if isinstance(doc, dict) else doc
        if not isinstance(doc, dict):
            raise InputFileError(
                str(p), "expected a mapping word: stage", hint="e.g. 'ロスト: lost'"
            )
        return list(doc.items())
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputFileError(
            str(p), f"cannot read the CSV ({exc.__class__.__name__})", hint="save it as UTF-8 CSV"
        ) from None
    return _frame_pairs(frame, str(p))


def _frame_pairs(frame: pd.DataFrame, where: str) -> list[tuple[object, object]]:
    frame = frame.rename(columns=lambda c: cell_text(c).casefold())
    column = "decision" if "decision" in frame.columns else "stage"
    if "word" not in frame.columns or column not in frame.columns:
        raise InputFileError(
            where,
            "missing column(s): word, decision",
            hint="the stage decisions need the columns word and decision (or stage)",
        )
    return list(zip(frame["word"], frame[column]))


def vocabulary_with_decisions(
    vocabulary: StageVocabulary, decisions: Mapping[str, str]
) -> StageVocabulary:
    """The vocabulary with each decided word listed under its stage (replacing its old reading)."""
    return vocabulary.with_words(dict(decisions))

"""The run context: one frozen object per run that every stage reads its settings from.

In: the rules bundle and the options of a run (target, ``--as-of``, ``--lang``, ``--mask-pii``,
...). Out: a :class:`RunContext` the pipeline builds once and passes down, like sqlfluff's
``FluffConfig``: normalisation, the stage rules, the export, the report and the CLI summary
all read the reference date, the language, the target, the rules, the masking and the fiscal
year from it, so no stage reads a rule file or an option of its own and two parts of one run
can never disagree about "today".

Some of it is only known once the data is read: the reference date comes from the data when
``--as-of`` is not given (the latest updated/created date, else the date a workbook was last
saved) and the language from the sources when ``--lang`` is not given. The pipeline therefore
starts with :meth:`RunContext.start` (the options as given) and, after normalisation,
continues with :meth:`RunContext.resolve`, which returns a new frozen context with both filled
in; every stage after that sees the resolved one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .bundle import Rules
    from .export.profile import TargetProfile
    from .stages import StageModel

Language = Literal["ja", "en"]

#: Where the reference date came from: ``--as-of``, the data, the day a sheet states above its
#: table (``stated:<file › sheet>``), a workbook's saved date (``saved:<file name>``), or
#: nowhere (the date-relative checks are skipped).
AS_OF_SOURCES = ("given", "data", "stated", "saved", "none")


@dataclass(frozen=True)
class RunContext:
    """Everything a run's stages read besides the data; immutable once built."""

    rules: Rules
    target: TargetProfile | None = None
    as_of: dt.date | None = None
    # given | data | data:won | stated:<file › sheet> | saved:<file> | none
    as_of_source: str = "none"
    lang: Language = "en"  # the language of messages, report.html and quality.xlsx
    lang_source: Literal["given", "sources"] = "sources"
    source_lang: Language = "en"  # the language most data rows are written in
    mask_pii: bool = False
    excel_friendly: bool = False
    quality_copy: Literal["auto", "full", "problems"] = "auto"  # what quality.xlsx copies
    history: str | None = None  # the check history (SQLite) whose trend the report shows
    # what makes and scores the duplicate candidates: default (numpy) or duckdb (SQL)
    engine: Literal["default", "duckdb"] = "default"
    resolved: bool = False  # as_of and lang decided (after normalisation)

    @classmethod
    def start(
        cls,
        rules: Rules,
        *,
        target: str | None = None,
        as_of: dt.date | None = None,
        lang: str | None = None,
        mask_pii: bool = False,
        excel_friendly: bool = False,
        quality_copy: str = "auto",
        history: str | os.PathLike[str] | None = None,
        engine: str = "default",
    ) -> RunContext:
        """The context of a run before any data is read: the options as the user gave them."""
        if engine not in ("default", "duckdb"):
            raise ValueError(f"engine must be default or duckdb, not {engine!r}")
        if lang is not None and lang not in ("ja", "en"):
            raise ValueError(f"lang must be 'ja' or 'en', not {lang!r}")
        if quality_copy not in ("auto", "full", "problems"):
            raise ValueError(f"quality_copy must be auto, full or problems, not {quality_copy!r}")
        return cls(
            rules=rules,
            target=rules.target(target) if target else None,
            as_of=as_of,
            as_of_source="given" if as_of is not None else "none",
            lang=lang or "en",  # type: ignore[arg-type]
            lang_source="given" if lang else "sources",
            mask_pii=mask_pii,
            excel_friendly=excel_friendly,
            quality_copy=quality_copy,  # type: ignore[arg-type]
            history=os.fspath(history) if history is not None else None,
            engine=engine,  # type: ignore[arg-type]
        )

    def resolve(self, *, as_of: dt.date | None, as_of_source: str, source_lang: str) -> RunContext:
        """The context with the reference date and the language decided from the data.

        A given ``--as-of`` / ``--lang`` always wins over what the data says."""
        if self.as_of_source == "given":
            as_of, as_of_source = self.as_of, "given"
        lang = self.lang if self.lang_source == "given" else source_lang
        return dataclasses.replace(
            self,
            as_of=as_of,
            as_of_source=as_of_source,
            lang=lang,  # type: ignore[arg-type]
            source_lang=source_lang,  # type: ignore[arg-type]
            resolved=True,
        )

    # --- what the stages read, named once ------------------------------------------------

    @property
    def stage_model(self) -> StageModel:
        return self.rules.stages

    @property
    def target_name(self) -> str | None:
        return self.target.name if self.target is not None else None

    @property
    def fiscal_year_start_month(self) -> int:
        """The first month of the fiscal year (normalize.yaml dates.fiscal_year_start_month)."""
        return int(self.rules.normalize.dates.fiscal_start)

    @property
    def stale_days(self) -> int:
        """Days without an update after which an open deal is stale (report.yaml)."""
        return int(self.rules.report.stale_days)

    @property
    def owners(self) -> dict[str, Any] | None:
        return dict(self.rules.owners) or None

    @property
    def rules_origin(self) -> str:
        """``shipped`` (the package's default rules) or ``custom:<folder name>``; never a full
        path, so report.json does not change with where the rules folder lies."""
        from .rules import DEFAULT_RULES_DIR

        here = self.rules.directory.resolve()
        return "shipped" if here == DEFAULT_RULES_DIR.resolve() else f"custom:{here.name}"

    def describe_as_of(self) -> str:
        """Where the reference date came from, in words (the run summary's line)."""
        if self.as_of is None:
            return (
                "reference date: none (no updated/created date, no saved date); "
                "date checks skipped: give --as-of"
            )
        where = {"given": "--as-of", "data": "the latest updated/created date in the data"}.get(
            self.as_of_source,
            f"the date {self.as_of_source.removeprefix('saved:')} was last saved",
        )
        if self.as_of_source == "data:won":
            where = "the latest close date of a won deal, later than every updated/created date"
        if self.as_of_source.startswith("stated:"):
            where = f"the date {self.as_of_source.removeprefix('stated:')} states above its table"
        return f"reference date: {self.as_of.isoformat()} ({where})"

    def to_json(self) -> dict[str, Any]:
        """The context as report.json records it (section ``context`` → ``run``)."""
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "as_of_source": self.as_of_source,
            "lang": self.lang,
            "lang_source": self.lang_source,
            "source_lang": self.source_lang,
            "target": self.target_name,
            "masked": self.mask_pii,
            "quality_copy": self.quality_copy,
            "history": os.path.basename(self.history) if self.history else None,
            "fiscal_year_start_month": self.fiscal_year_start_month,
            # the organisation's settings (--currency, --country, or the rule files')
            "currency": self.rules.normalize.amounts.default_currency,
            "country": self.rules.normalize.phones.default_region,
            "stale_days": self.stale_days,
            "rules": self.rules_origin,
        }


__all__ = ["AS_OF_SOURCES", "Language", "RunContext"]

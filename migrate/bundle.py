"""The rules bundle: every rule file of one rules directory, read and checked once.

A rules directory in (``--rules DIR``, $SFA_MIGRATE_RULES, the config file, else the rules
shipped with the package), one immutable :class:`Rules` out. Each section is parsed and
checked the first time it is asked for and kept: the canonical schema (columns.yaml), the
stage model and its vocabulary (stages.yaml), the normalise rules, the owners, the dedupe and
report settings, the ingest rules, the finding catalogue, and target profiles on demand.
:meth:`Rules.check` parses every section at once; the pipeline calls it before any work, so a
broken file stops the run there. Bundles are cached by the resolved directory and the
modification time and size of every rule file: an edited file gives a new bundle, repeated
calls cost a few ``stat`` calls. The loaders of the stage modules (``load_schema``,
``load_stage_model``, ``load_rules``, ``load_settings``, ...) are views on the bundle.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from .rules import DEFAULT_RULES_DIR, read_rule_doc, rules_dir

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .check.thresholds import QualityRules
    from .dedupe.settings import DedupeSettings
    from .export.profile import TargetProfile
    from .ingest.files import Limits
    from .ingest.layout import IngestRules
    from .normalize.config import LegalForm, NormalizeRules
    from .normalize.readings import ReadingRules
    from .normalize.stage_words import StageVocabulary
    from .report.settings import ReportRules
    from .schema import Schema
    from .stages import StageModel

#: The rule files of a rules directory, by the section that reads them.
RULE_FILES: dict[str, str] = {
    "schema": "columns.yaml",
    "stages": "stages.yaml",
    "normalize": "normalize.yaml",
    "owners": "owners.yaml",
    "dedupe": "dedupe.yaml",
    "report": "report.yaml",
    "ingest": "ingest.yaml",
    "catalogue": "findings.yaml",
    "quality": "quality.yaml",
    "readings": "readings.yaml",
}

Stamp = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, eq=False)
class Rules:
    """Every rule of one rules directory, each section read and checked once (immutable)."""

    directory: Path
    stamp: Stamp  # (file, mtime_ns, size) of every rule file when the bundle was made
    # the organisation's settings given on the command line, over the rule files' own
    # (normalize.yaml amounts.default_currency and the target's output.currency, dates.
    # fiscal_year_start_month, phones.default_region): see :meth:`with_settings`
    currency: str | None = None
    fiscal_year_start: int | None = None
    country: str | None = None

    @classmethod
    def load(cls, directory: str | os.PathLike[str] | None = None) -> Rules:
        """The bundle of ``directory`` (the active rules directory when None); cached."""
        return load_rules_bundle(directory)

    def __fspath__(self) -> str:
        # a bundle stands wherever a rules directory is expected: the stages handed one by the
        # pipeline get this very object back from their loaders (see load_rules_bundle)
        return str(self.directory)

    def with_settings(
        self,
        *,
        currency: str | None = None,
        fiscal_year_start: int | None = None,
        country: str | None = None,
    ) -> Rules:
        """This bundle with the organisation's settings of a run (``--currency``,
        ``--fiscal-year-start``, ``--country``) over what the rule files say; itself when none
        is given. A team of another country changes three words on the command line, not a
        copy of the rules."""
        if currency is None and fiscal_year_start is None and country is None:
            return self
        return dataclasses.replace(
            self,
            currency=currency if currency is not None else self.currency,
            fiscal_year_start=(
                fiscal_year_start if fiscal_year_start is not None else self.fiscal_year_start
            ),
            country=country if country is not None else self.country,
        )

    def path(self, name: str) -> Path:
        """Path of one rule file in this bundle's directory."""
        return self.directory / name

    def check(self) -> Rules:
        """Parse and check every section (a RuleFileError for the first broken file)."""
        for section in (
            "schema",
            "stages",
            "normalize",
            "owners",
            "dedupe",
            "report",
            "ingest",
            "catalogue",
            "quality",
            "readings",
        ):
            getattr(self, section)
        return self

    # ------------------------------------------------------------------------- sections

    @functools.cached_property
    def schema(self) -> Schema:
        """The canonical fields, header synonyms, ambiguous headers, abbreviations, keywords."""
        from .schema import parse_schema

        return parse_schema(str(self.path("columns.yaml")))

    @functools.cached_property
    def stages(self) -> StageModel:
        """The stage model of stages.yaml, checked against the schema's fields."""
        from .stages import parse_stage_model

        return parse_stage_model(str(self.path("stages.yaml")), frozenset(self.schema.names))

    @functools.cached_property
    def stage_vocabulary(self) -> StageVocabulary:
        """The stage words of stages.yaml (key, labels, synonyms -> stage key)."""
        from .normalize.stage_words import vocabulary_from

        return vocabulary_from(read_rule_doc(self.path("stages.yaml")).data)

    @functools.cached_property
    def stage_order(self) -> MappingProxyType[str, int]:
        """Stage key -> its ``order`` in stages.yaml (empty without the file)."""
        path = self.path("stages.yaml")
        if not path.is_file():
            return MappingProxyType({})
        doc = read_rule_doc(path).data
        stages = doc.get("stages") if isinstance(doc, dict) else None
        return MappingProxyType(
            {
                spec["key"]: spec["order"]
                for spec in (stages if isinstance(stages, list) else [])
                if isinstance(spec, dict)
                and isinstance(spec.get("key"), str)
                and isinstance(spec.get("order"), int)
            }
        )

    @functools.cached_property
    def normalize(self) -> NormalizeRules:
        """The normalise rules of normalize.yaml."""
        from .normalize.config import parse_normalize_rules

        rules = parse_normalize_rules(str(self.path("normalize.yaml")))
        if self.currency is not None:
            amounts = dataclasses.replace(rules.amounts, default_currency=self.currency)
            rules = dataclasses.replace(rules, amounts=amounts)
        if self.fiscal_year_start is not None:
            dates = dataclasses.replace(rules.dates, fiscal_start=self.fiscal_year_start)
            rules = dataclasses.replace(rules, dates=dates)
        if self.country is not None:
            phones = dataclasses.replace(rules.phones, default_region=self.country)
            first = self.country in rules.dates.month_first_countries
            order = "month-first" if first else "day-first"
            dates = dataclasses.replace(rules.dates, ambiguous_order=order)
            rules = dataclasses.replace(rules, phones=phones, dates=dates)
        return rules

    @property
    def legal_forms(self) -> tuple[LegalForm, ...]:
        """The legal forms (株式会社, Co., Ltd. ...) and their variants: the one list every
        stage uses (normalize.yaml ``companies.legal_forms``)."""
        return self.normalize.companies.legal_forms

    @functools.cached_property
    def legal_form_spellings(self) -> tuple[str, ...]:
        """Every spelling of every legal form (the forms and their variants), once each."""
        return tuple(dict.fromkeys(v for lf in self.legal_forms for v in (lf.form, *lf.variants)))

    @functools.cached_property
    def owners(self) -> MappingProxyType[str, str]:
        """Owner-name key -> SFA user e-mail from owners.yaml (empty without the file)."""
        path = self.path("owners.yaml")
        if not path.is_file():
            return MappingProxyType({})
        from .normalize.owners import parse_owners

        return MappingProxyType(dict(parse_owners(str(path), self.normalize)))

    @functools.cached_property
    def dedupe(self) -> DedupeSettings:
        """The dedupe settings of dedupe.yaml, with the spellings of :attr:`legal_forms`."""
        from .dedupe.settings import parse_settings, with_legal_forms

        # dedupe.yaml first, so that its own problems come first
        settings = parse_settings(str(self.path("dedupe.yaml")))
        settings = with_legal_forms(settings, self.legal_form_spellings)
        return dataclasses.replace(settings, readings=self.readings)

    @functools.cached_property
    def report(self) -> ReportRules:
        """The report settings of report.yaml."""
        from .report.settings import parse_report_rules

        return parse_report_rules(str(self.path("report.yaml")))

    @functools.cached_property
    def ingest(self) -> tuple[IngestRules, Limits]:
        """The ingest rules and file-size limits of ingest.yaml."""
        from .ingest import parse_ingest_rules

        return parse_ingest_rules(str(self.path("ingest.yaml")))

    @functools.cached_property
    def catalogue(self) -> Catalogue:
        """The finding catalogue: findings.yaml here, else the one shipped with the package."""
        from .catalogue import parse_catalogue

        path = self.path("findings.yaml")
        catalogue = parse_catalogue(str(path if path.is_file() else DEFAULT_RULES_DIR / path.name))
        labels = {s.key: s.label.ja for s in self.stages.stages if s.label.ja}
        return dataclasses.replace(catalogue, stage_labels=MappingProxyType(labels))

    @functools.cached_property
    def quality(self) -> QualityRules:
        """The thresholds of the quality check (quality.yaml here, else the shipped one:
        a rules copy made before the check existed keeps working)."""
        from .check.thresholds import parse_quality_rules

        path = self.path("quality.yaml")
        path = path if path.is_file() else DEFAULT_RULES_DIR / path.name
        return parse_quality_rules(str(path), self.schema.names)

    @functools.cached_property
    def readings(self) -> ReadingRules:
        """The reading dictionaries (loanwords, words, legal-form equivalents) of readings.yaml
        here, else the shipped one (a rules copy made before readings keeps working)."""
        from .normalize.readings import parse_reading_rules

        path = self.path("readings.yaml")
        return parse_reading_rules(str(path if path.is_file() else DEFAULT_RULES_DIR / path.name))

    def target(self, name_or_path: str) -> TargetProfile:
        """A target profile by name (targets/<name>.yaml here) or by path, read on demand."""
        from .export.profile import load_target

        profile = load_target(name_or_path, self.directory)
        if self.currency is None:
            return profile
        return dataclasses.replace(
            profile, output=dataclasses.replace(profile.output, currency=self.currency)
        )


def _stamp(folder: Path) -> Stamp:
    out = []
    for name in RULE_FILES.values():
        try:
            st = os.stat(folder / name)
        except OSError:
            out.append((name, 0, -1))
        else:
            out.append((name, st.st_mtime_ns, st.st_size))
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _bundle(folder: Path, stamp: Stamp) -> Rules:
    return Rules(folder, stamp)


def load_rules_bundle(directory: str | os.PathLike[str] | Rules | None = None) -> Rules:
    """The :class:`Rules` of a rules directory (the active one when None), cached.

    Given a bundle, return it: what the pipeline loaded once is what every stage reads.
    """
    if isinstance(directory, Rules):
        return directory
    folder = rules_dir(directory).resolve()
    return _bundle(folder, _stamp(folder))


def clear_cache() -> None:
    """Forget every bundle and parsed file (tests that count reads start from here)."""
    from . import rules

    _bundle.cache_clear()
    rules._read.cache_clear()


__all__ = ["RULE_FILES", "Rules", "clear_cache", "load_rules_bundle"]

"""The words that say a person opted out of e-mail (columns.yaml ``email_opt_out_values``), as
the export reads them: in, the run's schema; out, a frozen set of word lists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..findings import Finding
from ..schema import Schema
from .profile import TargetProfile


@dataclass(frozen=True)
class OptOutWords:
    """``words`` say it in either column; ``marks_out`` under an opt-out column (配信停止 ○);
    ``marks_refused`` under a consent column (メルマガ配信 ×)."""

    words: tuple[str, ...] = ()
    marks_out: tuple[str, ...] = ()
    marks_refused: tuple[str, ...] = ()

    @classmethod
    def of(cls, schema: Schema) -> OptOutWords:
        """The word lists of a loaded schema."""
        return cls(schema.opt_out_words, schema.opt_out_yes, schema.opt_out_no)

    @classmethod
    def defaults(cls) -> OptOutWords:
        """The word lists of the default rules (a caller that passes none: tests, notebooks)."""
        from ..schema import load_schema

        return cls.of(load_schema())


def opt_out_findings(sets: Mapping[str, pd.DataFrame], target: TargetProfile) -> list[Finding]:
    """``export.opt-out-not-carried`` (warning), one per person who opted out of e-mail where
    no file of the target carries it for their record set (contacts, leads): imported, they
    would look e-mailable (HubSpot: its import has no writable opt-out property; it takes an
    opt-out list, a separate import of the addresses)."""
    from .records import OPTED_OUT, finding_at

    carried = {f.records for f in target.files for c in f.columns if OPTED_OUT in c.sources}
    out: list[Finding] = []
    for records in ("contacts", "leads"):
        frame = sets.get(records)
        if frame is None or records in carried or OPTED_OUT not in frame.columns:
            continue
        # a person without an address cannot be e-mailed by mistake
        out_rows = frame[(frame[OPTED_OUT] == "true") & (frame.get("email", "") != "")]
        for row in out_rows.to_dict("records"):
            out.append(
                finding_at(
                    "export.opt-out-not-carried",
                    "warning",
                    row,
                    f"{row['email']} opted out of e-mail, "
                    f"and no {target.name} import file carries it: import the address as an "
                    "opt-out list, or it is e-mailable",
                    field="email",
                )
            )
    return out

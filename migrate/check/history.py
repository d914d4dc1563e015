"""The check's history: every run's metrics in one SQLite file (stdlib ``sqlite3``).

In: a path; out: a :class:`History` that lists the runs in the order they were checked and
appends a new one. A run is keyed by its sequence number (the order of the checks), its
reference date (the data's ``as_of``) and the fingerprint of its inputs (the bytes of the input
files and of the rule files). Each run also keeps the deals it saw (the crosswalk's deal id and
a label, per file and sheet; table ``deals``, added to older history files when opened), so the
next run can tell which of them are gone. The wall-clock time a check ran is recorded too (``recorded_at``),
for people reading the file; it is the one value the clock gives, and nothing the check prints
or writes depends on it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from .metrics import Metric

SCHEMA_VERSION = 1
DEFAULT_NAME = "quality-history.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at TEXT NOT NULL,
    as_of TEXT,
    fingerprint TEXT NOT NULL,
    inputs TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS metrics (
    seq INTEGER NOT NULL REFERENCES runs(seq),
    metric TEXT NOT NULL,
    file TEXT NOT NULL,
    sheet TEXT NOT NULL,
    value REAL,
    numerator INTEGER,
    denominator INTEGER,
    PRIMARY KEY (seq, metric, file, sheet)
);
CREATE TABLE IF NOT EXISTS deals (
    seq INTEGER NOT NULL REFERENCES runs(seq),
    file TEXT NOT NULL,
    sheet TEXT NOT NULL,
    deal TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (seq, file, sheet, deal)
);
"""


@dataclass(frozen=True)
class Run:
    """One recorded check: its place in the history, its inputs and its metrics."""

    seq: int
    as_of: str | None
    fingerprint: str
    status: str
    recorded_at: str = ""
    inputs: tuple[tuple[str, str], ...] = ()  # (file name, sha256)
    metrics: tuple[Metric, ...] = field(default=(), repr=False)

    def describe(self) -> str:
        """``run 3 (as of 2026-08-23)``: how the table names it."""
        return f"run {self.seq}" + (f" (as of {self.as_of})" if self.as_of else "")


class History:
    """The runs in one history file (created on first use)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path)
        except (OSError, sqlite3.Error) as exc:
            raise UserError(
                f"{self.path}: cannot open the history ({exc})",
                hint="give --history a file in a folder you can write to",
            ) from None
        try:
            con.executescript(_SCHEMA)
            got = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if got is None:
                con.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif got[0] != str(SCHEMA_VERSION):
                raise UserError(
                    f"{self.path}: a history of schema {got[0]}, this version reads "
                    f"{SCHEMA_VERSION}",
                    hint="start a new history with --history NEW_FILE",
                )
            yield con
            con.commit()
        except sqlite3.DatabaseError as exc:
            raise UserError(
                f"{self.path}: not a check history ({exc})",
                hint="give --history a new file name, or the file an earlier check wrote",
            ) from None
        finally:
            con.close()

    def runs(self, *, with_metrics: bool = True) -> list[Run]:
        """Every run, oldest first."""
        with self._db() as con:
            rows = con.execute(
                "SELECT seq, as_of, fingerprint, status, recorded_at, inputs FROM runs ORDER BY seq"
            ).fetchall()
            metrics: dict[int, list[Metric]] = {}
            if with_metrics:
                for seq, *m in con.execute(
                    "SELECT seq, metric, file, sheet, value, numerator, denominator FROM metrics"
                    " ORDER BY seq, rowid"
                ):
                    metrics.setdefault(seq, []).append(Metric(*m))
        return [
            Run(
                seq,
                as_of,
                fp,
                status,
                recorded_at,
                tuple((str(a), str(b)) for a, b in json.loads(inputs)),
                tuple(metrics.get(seq, ())),
            )
            for seq, as_of, fp, status, recorded_at, inputs in rows
        ]

    def deals(self, seq: int) -> list[tuple[str, str, str, str]]:
        """The deals run ``seq`` saw: (file, sheet, deal id, label); [] for a run recorded
        before the history kept them."""
        with self._db() as con:
            rows = con.execute(
                "SELECT file, sheet, deal, label FROM deals WHERE seq = ? ORDER BY rowid", (seq,)
            ).fetchall()
        return [(str(f), str(sh), str(d), str(lb)) for f, sh, d, lb in rows]

    def last(self) -> Run | None:
        """The latest run, with its metrics; None in a new history."""
        runs = self.runs()
        return runs[-1] if runs else None

    def last_of_other_inputs(self, fingerprint: str) -> Run | None:
        """The latest run of other inputs than ``fingerprint``, else the latest run: a check
        run again on the same files (a retried job) compares with the week before, not with
        itself, so a drop stays visible until the inputs change."""
        runs = self.runs()
        other = [r for r in runs if r.fingerprint != fingerprint]
        return other[-1] if other else (runs[-1] if runs else None)

    def append(
        self,
        *,
        as_of: str | None,
        fingerprint: str,
        inputs: list[tuple[str, str]],
        status: str,
        metrics: list[Metric],
        recorded_at: str,
        deals: Iterable[tuple[str, str, str, str]] = (),
    ) -> Run:
        """Record one run (and the deals it saw: file, sheet, deal id, label); its sequence
        number is one more than the last one's."""
        with self._db() as con:
            cur = con.execute(
                "INSERT INTO runs (recorded_at, as_of, fingerprint, inputs, status)"
                " VALUES (?, ?, ?, ?, ?)",
                (recorded_at, as_of, fingerprint, json.dumps(inputs, ensure_ascii=False), status),
            )
            seq = int(cur.lastrowid or 0)
            con.executemany(
                "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (seq, m.id, m.file, m.sheet, m.value, m.numerator, m.denominator)
                    for m in metrics
                ],
            )
            con.executemany(
                "INSERT OR IGNORE INTO deals VALUES (?, ?, ?, ?, ?)",
                [(seq, f, sh, d, lb) for f, sh, d, lb in deals],
            )
        return Run(
            seq,
            as_of,
            fingerprint,
            status,
            recorded_at,
            tuple((a, b) for a, b in inputs),
            tuple(metrics),
        )


__all__ = ["DEFAULT_NAME", "History", "Run"]

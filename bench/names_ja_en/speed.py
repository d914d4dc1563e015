"""Time of the reading links in dedupe per 1,000 company names (issue 16).

    .venv/bin/python bench/names_ja_en/speed.py 100000      # rows of bench/synth.py

In: synthetic tracker rows (bench/synth.py: Japanese and English names, katakana spellings,
rows repeated across trackers), made into company records as dedupe makes them
(:func:`migrate.dedupe.entities.company_records`). Out: seconds of
:func:`migrate.dedupe.reading_links.reading_links` in that call (a fresh reader, so no reading
is cached from an earlier call), per 1,000 rows and per 1,000 distinct names.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE.parent))


def main(argv: list[str]) -> int:
    import synth  # bench/synth.py

    from migrate.dedupe import entities, load_settings
    from migrate.dedupe import reading_links as rl

    n = int(argv[0]) if argv else 100_000
    records = synth.trackers(n).drop(columns=["truth_company", "truth_contact", "truth_deal"])
    settings = load_settings()
    rl._reader.cache_clear()
    rl._aligner.cache_clear()
    spent: list[float] = []
    made: list[tuple] = []

    def timed(*args: object) -> tuple:
        t0 = time.perf_counter()
        out = rl.reading_links(*args)  # type: ignore[arg-type]
        spent.append(time.perf_counter() - t0)
        made.append(out)
        return out

    entities.reading_links = timed  # type: ignore[assignment]
    entities.company_records(records, settings, None)
    s = spent[0]
    names = records["company_name"].astype(str)
    distinct = names[names != ""].nunique()
    pair, shared = made[0]
    print(
        f"{len(records)} rows, {distinct} distinct names, {len(pair)} company records: "
        f"{s:.1f} s, {s / len(records) * 1000:.3f} s per 1k rows, "
        f"{s / distinct * 1000:.3f} s per 1k names; {sum(map(bool, pair))} records paired, "
        f"{sum(map(bool, shared))} shared"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

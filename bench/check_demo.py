"""Three weekly runs of `sfa-migrate check`: quality improves, then slips, and the check fails.

Builds three weeks of files from sample_data/ into a folder and checks them in turn against the
same history (the shipped rules/quality.yaml):

- week 1: the old CRM export (旧CRM_エクスポート_2025.csv) has a dozen more deals parked under
  様子見, a word the stage model does not know (still under the 10% limit): passes;
- week 2: the team has cleaned them up (sample_data as it is): passes, the unknown share falls;
- week 3: the team stops filling amounts and starts typing its own stage words (温度感高,
  寝かせ中): required.amount and stages.unknown-words are breached, the check exits 1.

    python bench/check_demo.py [--out DIR]

Prints each week's table and exits 0 when the three exit codes are 0, 0, 1 as they should be.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from migrate.check import run_check  # noqa: E402
from migrate.check.render import render_text  # noqa: E402

CRM = "旧CRM_エクスポート_2025.csv"  # the old CRM's weekly export, in Shift_JIS (cp932)


def _edit_crm(src: Path, dst: Path, edit) -> None:
    with src.open(encoding="cp932", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    for i, row in enumerate(body):
        edit(i, row, col)
    with dst.open("w", encoding="cp932", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows([header, *body])


def build_weeks(folder: Path) -> list[Path]:
    """sample_data three times, the old CRM export edited for weeks 1 and 3."""
    weeks = []
    for n in (1, 2, 3):
        week = folder / f"week{n}"
        if week.exists():
            shutil.rmtree(week)
        shutil.copytree(
            ROOT / "sample_data", week, ignore=shutil.ignore_patterns("*.py", "truth", "*.md")
        )
        weeks.append(week)

    def parked(i: int, row: list[str], col: dict[str, int]) -> None:
        if row[col["フェーズ"]] in ("提案", "アポ獲得") and i % 5 == 0:
            row[col["フェーズ"]] = "様子見"

    def slipped(i: int, row: list[str], col: dict[str, int]) -> None:
        row[col["金額"]] = ""  # nobody fills the amount any more
        if row[col["フェーズ"]] in ("提案", "見積") and i % 3 == 0:
            row[col["フェーズ"]] = "温度感高"
        elif row[col["フェーズ"]] == "アポ獲得" and i % 3 == 0:
            row[col["フェーズ"]] = "寝かせ中"

    _edit_crm(ROOT / "sample_data" / CRM, weeks[0] / CRM, parked)
    _edit_crm(ROOT / "sample_data" / CRM, weeks[2] / CRM, slipped)
    return weeks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--out", type=Path, help="folder for the weeks and the history (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="sfa-migrate-check-demo-"))
    out.mkdir(parents=True, exist_ok=True)
    history = out / "quality-history.sqlite"
    history.unlink(missing_ok=True)
    codes = []
    for n, week in enumerate(build_weeks(out), start=1):
        result = run_check([str(week)], history=history)
        print(f"== week {n}: sfa-migrate check {week} --history {history}")
        print(render_text(result))
        codes.append(result.exit_code)
    print(f"exit codes: {codes} (expected [0, 0, 1]); history in {history}")
    return 0 if codes == [0, 0, 1] else 1


if __name__ == "__main__":
    sys.exit(main())

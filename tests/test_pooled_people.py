"""担当者 can mean our rep or the customer's contact: one reading per workbook, the values of every
sheet under that header pooled (a small sheet has too few names to tell)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from migrate import pipeline
from migrate.ingest import read_sources


def _book(path: Path, sizes: dict[str, int], reps=("山本", "吉田"), header="担当者") -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    n = 0
    for sheet, size in sizes.items():
        ws = wb.create_sheet(sheet)
        ws.append(["会社名", "案件名", "金額", "ステージ", header])
        for i in range(size):
            n += 1
            ws.append([f"株式会社テスト{n}", f"案件{n}", 100000 * n, "提案", reps[i % len(reps)]])
    wb.save(path)
    return path


def _fields(path: Path) -> dict[str, str | None]:
    return {
        t.sheet: next(m.field for m in t.columns if m.header == "担当者")
        for t in read_sources([str(path)]).tables
    }


def test_a_small_sheet_reads_the_header_as_the_big_sheets_do(tmp_path):
    book = _book(tmp_path / "a.xlsx", {"東日本": 12, "西日本": 10, "九州": 3})
    assert _fields(book) == {"東日本": "owner", "西日本": "owner", "九州": "owner"}


def test_alone_a_small_sheet_keeps_its_own_reading(tmp_path):
    # the sheet alone: too few names to tell, so the header's first reading (the contact)
    alone = _book(tmp_path / "b.xlsx", {"九州": 3})
    assert _fields(alone) == {"九州": "contact_name"}


def test_customer_people_stay_contacts_across_sheets(tmp_path):
    people = tuple(f"顧客{i} 太郎" for i in range(30))
    book = _book(tmp_path / "c.xlsx", {"A": 12, "B": 10, "C": 3}, reps=people)
    assert set(_fields(book).values()) == {"contact_name"}


def test_end_to_end_the_small_sheets_rep_is_the_deals_owner(tmp_path):
    book = _book(tmp_path / "a.xlsx", {"東日本": 12, "西日本": 10, "九州": 3})
    res = pipeline.run([str(book)], target="salesforce")
    rec = res.records
    kyushu = rec[rec["_source_sheet"] == "九州"]
    assert set(kyushu["owner"]) == {"山本", "吉田"}
    assert (kyushu["contact_name"].fillna("") == "").all()
    assert res.export.files["Contact.csv"].empty

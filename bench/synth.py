"""Synthetic tracker rows in the normalised shape, with the true company / contact / deal.

Companies (Japanese and English names, many sharing words, some one character apart) appear
in several trackers (East, West, last year's CRM export) under variant keys: the katakana
reading of a kanji name, a dropped or doubled character in a long English name. Each company
has contacts (e-mail at the company domain or a free-mail address) and deals; a deal shows up
in one to four rows over time with a later stage, a revised amount and close date. Some rows
are pasted twice. Deterministic for a given seed. The names and words are data:
trackerkit/vocab/synth.yaml.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from trackerkit import vocab  # bench/ is on the path of every caller of this module

_V = vocab.load(
    "synth",
    keys=["kana_of", "kanji_tail", "en_words", "en_tail", "surnames", "given", "roma_s", "roma_g"]
    + ["products", "deal_words", "stages", "owners", "trackers"],
)
KANA_OF: dict[str, str] = _V["kana_of"]
KANJI_HEAD = list(KANA_OF)
KANJI_TAIL, EN_WORDS, EN_TAIL = _V["kanji_tail"], _V["en_words"], _V["en_tail"]
SURNAMES, GIVEN, ROMA_S, ROMA_G = _V["surnames"], _V["given"], _V["roma_s"], _V["roma_g"]
PRODUCTS, DEAL_WORDS, STAGES, OWNERS = _V["products"], _V["deal_words"], _V["stages"], _V["owners"]
TRACKERS = [tuple(t) for t in _V["trackers"]]


def _company_name(rng: np.random.Generator, i: int) -> tuple[str, str, str]:
    """(display name, match key, an alternative key another tracker may use)."""
    kind = rng.random()
    if kind < 0.6:
        chars = [str(x) for x in rng.choice(KANJI_HEAD, size=2)]
        tail = str(rng.choice(KANJI_TAIL))
        suffix = str(i % 97) if rng.random() < 0.3 else ""
        key = f"{''.join(chars)}{tail}{suffix}"
        alt = "".join(KANA_OF[ch] for ch in chars) + tail + suffix if rng.random() < 0.3 else key
        return f"株式会社{key}", key, alt
    words = [str(w) for w in rng.choice(EN_WORDS, size=2, replace=False)] + [
        str(rng.choice(EN_TAIL))
    ]
    key = "".join(words) + (str(i % 53) if rng.random() < 0.3 else "")
    alt = key
    if rng.random() < 0.3 and len(key) > 10:
        j = int(rng.integers(3, len(key) - 3))
        alt = key[:j] + key[j + 1 :]
    return " ".join(w.title() for w in words) + " Inc.", key, alt


def trackers(n_rows: int, seed: int = 7) -> pd.DataFrame:
    """About ``n_rows`` tracker rows plus the columns truth_company / truth_contact / truth_deal."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    used: set[str] = set()
    n_companies = max(
        round(n_rows / 6.63), 1
    )  # 3 deals x 2.17 rows x 1.02 copies per company on average
    for c in range(n_companies):
        name, key, alt = _company_name(rng, c)
        while key in used or alt in used:  # different companies have different names
            name, key, alt = _company_name(rng, c)
        used.update((key, alt))
        domain = f"{key.encode('utf-8').hex()[:10]}{c}.co.jp" if not key.isascii() else f"{key}.com"
        phone = f"+813{rng.integers(10_000_000, 99_999_999)}"
        address = (
            f"東京都千代田区丸の内{rng.integers(1, 9)}-{rng.integers(1, 30)}-{rng.integers(1, 30)}"
        )
        contacts = []
        for p in range(int(rng.integers(1, 4))):
            s, g = int(rng.integers(len(SURNAMES))), int(rng.integers(len(GIVEN)))
            free = rng.random() < 0.1
            email = f"{ROMA_G[g]}.{ROMA_S[s]}{c}{p}@" + ("gmail.com" if free else domain)
            contacts.append((f"c{c}-{p}", SURNAMES[s], GIVEN[g], ROMA_S[s], ROMA_G[g], email))
        for d in range(int(rng.integers(1, 6))):
            deal_name = str(rng.choice(DEAL_WORDS))
            product = str(rng.choice(PRODUCTS))
            amount = float(rng.integers(10, 500)) * 10_000
            close = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 365)))
            contact = contacts[int(rng.integers(len(contacts)))]
            stage_i = int(rng.integers(0, 5))
            appearances = int(rng.choice([1, 1, 2, 2, 3, 4]))
            tracker_ids = rng.choice(len(TRACKERS), size=appearances, replace=False)
            for k, t in enumerate(sorted(tracker_ids)):
                file, sheet, order = TRACKERS[t]
                use_alt = t == 1 and alt != key
                romanised = t == 2
                row = {
                    "company_name": alt if use_alt else name,
                    "company_key": alt if use_alt else key,
                    "website_domain": domain if rng.random() < 0.4 else "",
                    "phone": phone if rng.random() < 0.7 else "",
                    "address": address if rng.random() < 0.5 else "",
                    "contact_name": f"{contact[4].title()} {contact[3].title()}"
                    if romanised
                    else f"{contact[1]} {contact[2]}",
                    "contact_last_name": contact[3].title() if romanised else contact[1],
                    "contact_first_name": contact[4].title() if romanised else contact[2],
                    "email": contact[5] if rng.random() < 0.85 else "",
                    "deal_name": deal_name if rng.random() < 0.9 else deal_name + " (追加)",
                    "record_id": f"{file[:1].upper()}-{c:05d}{d}" if t != 3 else "",
                    "product": product,
                    "amount": amount * (1 + 0.1 * k) if rng.random() < 0.5 else amount,
                    "close_date": (close + pd.Timedelta(days=30 * k)).strftime("%Y-%m-%d"),
                    "stage": STAGES[min(stage_i + k, 7)],
                    "owner": str(rng.choice(OWNERS)),
                    "updated_at": (
                        pd.Timestamp("2024-01-01")
                        + pd.Timedelta(days=int(10 * (k + 1) + rng.integers(0, 9)))
                    ).strftime("%Y-%m-%d"),
                    "_source_file": file,
                    "_source_sheet": sheet,
                    "_source_order": order,
                    "truth_company": c,
                    "truth_contact": contact[0],
                    "truth_deal": f"d{c}-{d}",
                }
                rows.append(row)
                if rng.random() < 0.02:  # pasted twice
                    rows.append(dict(row))
    df = pd.DataFrame(rows)
    df["email_domain"] = df["email"].str.split("@").str[-1].where(df["email"] != "", "")
    df["_source_row"] = df.groupby(["_source_file", "_source_sheet"]).cumcount() + 2
    df["_row_key"] = (
        df["_source_file"] + "|" + df["_source_sheet"] + "|" + df["_source_row"].astype(str)
    )
    df["_amount_unit"] = 1.0
    df["_currency_hint"] = ""
    for col in (
        "company_legal_form",
        "company_name_kana",
        "mobile_phone",
        "website",
        "postal_code",
        "notes",
        "industry",
        "currency",
        "created_at",
    ):
        df[col] = ""
    return df.reset_index(drop=True)

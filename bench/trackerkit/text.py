"""Text messes: full-width letters and digits, half-width kana, ASCII folding, plain numbers.

In goes a clean string (or number), out comes the spelling a person or an old system
produces: ２０２５／４／１ typed with the IME left on, ﾔﾏﾀﾞﾃﾞﾝｷ as bank transfers spell
it, 1200000 rather than 1.2E6.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

_FW = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_FW[" "] = "\u3000"


def zen(s: str) -> str:
    """ASCII -> full-width (digits, letters, punctuation, space)."""
    return "".join(_FW.get(ch, ch) for ch in s)


def zen_digits(s: str) -> str:
    """Only the digits -> full-width (２０２５/4/1 keeps its ASCII slashes)."""
    return "".join(_FW[ch] if ch.isdigit() else ch for ch in s)


_H2Z: dict[str, str] = {}
for _cp in range(0xFF61, 0xFFA0):
    _h = chr(_cp)
    _H2Z.setdefault(unicodedata.normalize("NFKC", _h), _h)
for _cp in range(0xFF66, 0xFF9E):
    for _mark in ("\uff9e", "\uff9f"):
        _z = unicodedata.normalize("NFKC", chr(_cp) + _mark)
        if len(_z) == 1:
            _H2Z.setdefault(_z, chr(_cp) + _mark)


def hankaku_kana(s: str) -> str:
    """Full-width katakana -> half-width (ヤマダ -> ﾔﾏﾀﾞ); other characters stay."""
    return "".join(_H2Z.get(ch, ch) if "\u30a0" <= ch <= "\u30ff" else ch for ch in s)


def ascii_fold(s: str) -> str:
    """A name as an e-mail local part: Müller -> mueller, de Vries -> devries."""
    s = s.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if ord(ch) < 128).replace(" ", "").replace("'", "").lower()


def num_str(d: object) -> str:
    """Canonical plain number: no separators, no trailing .0 (Decimal-exact)."""
    d = Decimal(str(d))
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def num_text(x: float) -> str:
    """A float as plain text: 1200000, 152.5."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))

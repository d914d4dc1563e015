"""Company names: a clean display name, a match key and the legal form.

In: one raw company cell ((株)山田電気, 山田電気㈱ 御中, ACME CORP., c/o Acme Inc. Attn: J. Smith).
Out: a :class:`CompanyName` whose ``display`` is the official form (Japanese abbreviations and
bank-transfer kana marks expanded in place: (株)山田電気 -> 株式会社山田電気, 山田電気㈱ ->
山田電気株式会社, ｶ)ﾔﾏﾀﾞﾃﾞﾝｷ -> 株式会社ヤマダデンキ, ﾔﾏﾀﾞﾃﾞﾝｷ(ﾕ -> ヤマダデンキ有限会社; Latin
abbreviations in their standard spelling: INC -> Inc., CO.,LTD -> Co., Ltd., SAS stays SAS, and
Corp. written out as Corporation), whose ``key``
is the form dedupe compares (NFKC, case-folded, legal forms, honorifics, the words of
``key_only_words`` (none by default: a holding company is not its operating company),
punctuation and spaces removed: 株式会社山田電気, (株)山田電気 and 山田電気 share it, 山田電機
does not), and ``legal_form``. Every word list comes from rules/normalize.yaml ``companies``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .base import Issue, Outcome, reformat
from .config import CompanyRules, NormalizeRules, load_rules
from .text import clean_text, is_cjk, is_placeholder

RULE = "normalize.company"
_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u3005"
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


@dataclass(frozen=True, slots=True)
class CompanyName:
    """A normalised company name."""

    display: str
    key: str
    legal_form: str = ""
    branch: str = ""  # the branch or department cut from the cell (大阪支店, 保健福祉部)


EMPTY = CompanyName("", "")


@dataclass(frozen=True)
class _Matchers:
    prefix: re.Pattern[str] | None
    suffix_ja: re.Pattern[str] | None
    suffix_latin: re.Pattern[str] | None
    middle_ja: re.Pattern[str] | None
    forms: dict[str, str]  # folded variant -> form
    honorific: re.Pattern[str] | None
    cut: re.Pattern[str] | None
    leading: re.Pattern[str] | None
    branch_tail: re.Pattern[str] | None
    branch_word: re.Pattern[str] | None
    # a Latin legal form, then a branch in English (Acme NL Ltd Tokyo Branch)
    branch_after_latin: re.Pattern[str] | None
    key_only_latin: re.Pattern[str] | None
    key_only_ja: re.Pattern[str] | None
    folds: dict[int, str]


def _alt(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def _latin_variant(variant: str) -> str:
    """Regex for a Latin legal-form spelling: dots, commas and spaces optional."""
    out = []
    for ch in variant:
        if ch == ".":
            out.append(r"\.?")
        elif ch == ",":
            out.append(",?")
        elif ch == " ":
            out.append(r"\s*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


_LAST: list[tuple[CompanyRules, _Matchers]] = []  # the rules seen last and their matchers


def _matchers_of(rules: CompanyRules) -> _Matchers:
    """:func:`_matchers`, without hashing the rules again when they are the object seen last
    (one column's values one after another: hashing the legal forms cost more than the cell)."""
    last = _LAST[0] if _LAST else None
    if last is not None and last[0] is rules:
        return last[1]
    m = _matchers(rules)
    _LAST[:] = [(rules, m)]
    return m


@lru_cache(maxsize=8)
def _matchers(rules: CompanyRules) -> _Matchers:
    ja: list[str] = []  # read before or after the name
    ja_before: list[str] = []  # カ): closes a bracket it did not open, so only before the name
    ja_after: list[str] = []  # (カ: opens a bracket it does not close, so only after the name
    latin: list[str] = []
    forms: dict[str, str] = {}
    for lf in rules.legal_forms:
        for v in {clean_text(x) for x in (lf.form, *lf.variants)}:
            forms[_form_key(v)] = lf.form
            if v.isascii():
                latin.append(v)
            elif v.endswith(")") and "(" not in v:
                ja_before.append(v)
            elif v.startswith("(") and ")" not in v:
                ja_after.append(v)
            else:
                ja.append(v)
    ja_alt = _alt([re.escape(v) for v in ja])
    before_alt = _alt([re.escape(v) for v in ja + ja_before])
    after_alt = _alt([re.escape(v) for v in ja + ja_after])
    latin_alt = _alt([_latin_variant(v) for v in latin])
    branch = _alt([re.escape(w) for w in rules.branch_words])
    branch_latin = _alt([re.escape(w) for w in rules.branch_words if w.isascii()])

    def comp(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
        return re.compile(pattern, flags) if pattern else None

    return _Matchers(
        prefix=comp(rf"^(?P<form>{before_alt})\s*(?P<name>.+)$") if before_alt else None,
        suffix_ja=comp(rf"^(?P<name>.+?)\s*(?P<form>{after_alt})$") if after_alt else None,
        suffix_latin=comp(rf"^(?P<name>.*?\S)(?P<sep>[\s,]+)(?P<form>{latin_alt})\s*$", re.I)
        if latin
        else None,
        middle_ja=comp(rf"^(?P<name>.+?)(?P<form>{ja_alt})\s*(?P<tail>.+)$") if ja else None,
        forms=forms,
        honorific=comp(rf"\s*(?:{_alt([re.escape(w) for w in rules.honorifics])})$")
        if rules.honorifics
        else None,
        cut=comp(
            rf"(?:^|(?<=[\s,(]))(?:{_alt([re.escape(w) for w in rules.cut_from])})(?![a-z])", re.I
        )
        if rules.cut_from
        else None,
        leading=comp(rf"^(?:{_alt([re.escape(w) for w in rules.leading])})\s*", re.I)
        if rules.leading
        else None,
        branch_tail=comp(rf"^(?P<name>.+?)(?:\s+|\s*\()(?P<tail>[^\s()]*(?:{branch}))\)?$", re.I)
        if branch
        else None,
        branch_word=comp(rf"(?:{branch})\)?$", re.I) if branch else None,
        branch_after_latin=comp(
            rf"^(?P<name>.*?\S[\s,]+(?:{latin_alt}))[\s,(]+"
            rf"(?P<tail>(?:[^\s()]+\s+){{0,3}}(?:{branch_latin}))\)?$",
            re.I,
        )
        if latin and branch_latin
        else None,
        key_only_latin=comp(
            rf"(?:\s+(?:{_alt([re.escape(w) for w in rules.key_only_words if w.isascii()])}))+$",
            re.I,
        )
        if any(w.isascii() for w in rules.key_only_words)
        else None,
        key_only_ja=comp(
            rf"(?:{_alt([re.escape(w) for w in rules.key_only_words if not w.isascii()])})+$"
        )
        if any(not w.isascii() for w in rules.key_only_words)
        else None,
        folds={ord(k): v for k, v in rules.key_folds if len(k) == 1},
    )


def is_legal_form(text: str, rules: NormalizeRules) -> bool:
    """``text`` is a legal form and nothing else (株式会社, (株), Inc.)."""
    return _form_key(clean_text(text)) in _matchers_of(rules.companies).forms


def names_company_by_form(word: str, rules: NormalizeRules) -> bool:
    """``word`` is a company named with its Japanese legal form at its start or end
    (株式会社山田製作所, 中村建設(株), ㈱中村建設), around a name of two characters or more."""
    m = _matchers_of(rules.companies)
    name, form, _, _ = _split_form(clean_text(word), m)
    return bool(form) and not form.isascii() and len(name) >= 2


def _form_key(text: str) -> str:
    return re.sub(r"[\s.,]", "", text).casefold()


def company_key(name: str, rules: NormalizeRules | None = None) -> str:
    """The match key of a company name (legal forms, clutter, punctuation and case removed)."""
    result = normalize_company(name, rules)
    return result.value.key


def normalize_company(value: object, rules: NormalizeRules | None = None) -> Outcome[CompanyName]:
    """Normalise one company cell into display name, match key and legal form."""
    rules = rules or load_rules()
    m = _matchers_of(rules.companies)
    text = clean_text(value)
    if not text:
        return Outcome(EMPTY)
    if is_placeholder(text, rules.placeholders):
        return Outcome(EMPTY, (placeholder_issue(text),))
    if text.casefold() in _private_persons(rules.companies.private_persons):
        return Outcome(EMPTY, (private_person_issue(text),))
    issues: list[Issue] = []
    written = text
    listed = [p.strip() for p in re.split(r"[、，]", text)]
    if len(listed) > 1 and all(names_company_by_form(p, rules) for p in listed):
        # end users listed in one cell (札幌運輸株式会社、旭川製麺株式会社: u25), each named with
        # its legal form: read like HubSpot's ';' list below
        text = ";".join(listed)
    if ";" in text:
        # several companies in one cell (HubSpot's Associated Company 'Hikari Retail K.K.;Hikari
        # Holdings'): the first is the record's company, not all of them run together
        parts = [p.strip() for p in text.split(";") if p.strip()]
        if len(parts) > 1:
            issues.append(
                Issue(
                    "normalize.company-several",
                    f"{len(parts)} companies in one cell ('{written}'): took the first, "
                    f"'{parts[0]}'",
                    parts[0],
                    "warning",
                )
            )
            text = parts[0]
        elif parts:
            text = parts[0]
    # a list separator left before the name (",㈱山田" pasted from a list) is no part of it
    s = text.lstrip(",、;:・ ") or text
    s = _without_trade_name_mark(s, rules.companies.trade_name_marks)
    s = re.sub(r"\(\s*(\S{1,3}?)\s*\)", r"(\1)", s)  # "( 株 )" -> "(株)"
    if m.leading and m.leading.match(s):
        s = m.leading.sub("", s, count=1)
    if m.cut:
        hit = m.cut.search(s)
        if hit and hit.start() > 0 and s[: hit.start()].strip(" ,("):
            removed = s[hit.start() :].strip()
            s = s[: hit.start()].rstrip(" ,(")
            issues.append(_issue("normalize.company-clutter-removed", f"removed '{removed}'"))
        elif hit:
            s = s[hit.end() :].lstrip(" :")
    s = _strip_honorifics(s, m)
    s, branch = _branch_after_form(s, m)
    if not branch and m.branch_after_latin:  # Acme NL Ltd Tokyo Branch
        hit = m.branch_after_latin.match(s)
        if hit:
            s, branch = hit["name"], hit["tail"]
    name, form, position, sep = _split_form(s, m)
    if not branch:
        name, branch = _branch_after_space(name, m)
    if branch:
        issues.append(
            _issue("normalize.company-branch-removed", f"removed the branch/department '{branch}'")
        )
    # 山田　電気 -> 山田電気; 個人事業主 田中一郎: the space before a person's name stays
    person = _private_person_prefix(name.strip(" ,"), rules.companies.private_persons)
    name = " ".join(person) if person else _CJK_SPACE_RE.sub("", name.strip(" ,"))
    if not name.isascii():  # か ﾞ -> か + U+3099 once the space is gone: compose to が again
        name = unicodedata.normalize("NFKC", name)
    if not name or is_placeholder(name, rules.placeholders) or _form_key(name) in m.forms:
        failure = Issue("normalize.invalid-company", f"'{text}' is not a company name")
        return Outcome(CompanyName(text, "", form), tuple(issues), failure)
    display = _compose(name, form, position, sep)
    key = _key(name, m) or _key(name, m, keep_group_words=True)
    result = CompanyName(display, key, form, branch)
    if display != text and not any(i.level == "cell" for i in issues):
        issues.append(reformat(RULE, display))
    return Outcome(result, tuple(issues))


_OPEN, _CLOSE = "(（【[［〔", ")）】]］〕"


def former_name(note: str, rules: CompanyRules) -> str:
    """The former name a note gives (旧：青葉電子工業株式会社, formerly Brightline Data Corp.),
    '' when the note opens with none of ``rules.former_marks``."""
    low = note.casefold()
    for mark in sorted(rules.former_marks, key=len, reverse=True):
        if low.startswith(mark.casefold()):
            return note[len(mark) :].strip(" 　:：,、")
    return ""


def split_note(value: object, rules: CompanyRules) -> tuple[str, str] | None:
    """(the name, the note) of a company cell that holds a note after the name, else None.

    The note is a bracketed part at the end of the cell (closed, or cut off before its
    bracket closes) that opens with one of ``rules.note_marks`` (旧社名, 注:, Note:), holds a
    ※, or is longer than ``rules.note_min_chars``; or the text from a ※ after the name. A
    branch in brackets (山田電気(東京支店)) or a legal form ((株)) is no note.
    """
    text = clean_text(value)
    if not text or not (rules.note_marks or rules.note_min_chars):
        return None
    for i, ch in enumerate(text):
        if ch not in _OPEN or len(text[:i].strip(" 　,、")) < 2:
            continue
        depth, end = 0, len(text)
        for j in range(i, len(text)):
            if text[j] in _OPEN:
                depth += 1
            elif text[j] in _CLOSE:
                depth -= 1
                if depth == 0:
                    end = j
                    break
        if end < len(text) - 1:  # the bracket closes before the end: part of the name
            continue
        inner = text[i + 1 : end].strip()
        opens = any(inner.startswith(m) for m in (*rules.note_marks, *rules.former_marks))
        long = bool(rules.note_min_chars) and len(inner) > rules.note_min_chars
        if inner and (opens or "※" in inner or long):
            return text[:i].rstrip(" 　,、"), inner
        break  # only the first bracket that runs to the end is looked at
    star = text.find("※")
    if star > 0 and len(text[:star].strip()) >= 2 and "※" in rules.note_marks:
        return text[:star].rstrip(" 　,、:：-"), text[star:].strip()
    return None


def _without_trade_name_mark(text: str, marks: tuple[str, ...]) -> str:
    """A company cell without the label of its trade name (屋号：あおぞら整骨院 -> あおぞら整骨院);
    the cell as it is when it opens with none, or holds nothing after it."""
    for mark in sorted(marks, key=len, reverse=True):
        if text.startswith(mark):
            rest = text[len(mark) :]
            if rest[:1] in (":", "：", " ", "　", "・", "=", "＝") and rest.strip(" 　:：・=＝"):
                return rest.strip(" 　:：・=＝")
    return text


def _private_person_prefix(name: str, words: tuple[str, ...]) -> tuple[str, str] | None:
    """(the private-person word, the person's name) of a name like 個人事業主 田中一郎 (a word
    of ``private_persons``, a space, then a name), else None."""
    for word in sorted(words, key=len, reverse=True):
        if name.startswith(word) and name[len(word) : len(word) + 1] in (" ", "　"):
            rest = " ".join(name[len(word) :].split())
            if rest:
                return word, rest
    return None


@lru_cache(maxsize=8)
def _private_persons(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(clean_text(w).casefold() for w in words)


def private_person_issue(text: str) -> Issue:
    """The issue for a company cell that says "a private person" (個人, Individual)."""
    return Issue(
        "normalize.company-private-person",
        f"'{text}' says a private person, not a company: no company",
        "",
        "info",
        "blanked",
        "mapping",
    )


def placeholder_issue(text: str) -> Issue:
    """The issue for a "no value" marker (未定, TBD, -) that was left empty."""
    return Issue(
        "normalize.placeholder-blanked",
        f"'{text}' means no value; left empty",
        "",
        "info",
        "blanked",
        "mapping",
    )


def _issue(rule: str, message: str) -> Issue:
    # No value of its own: the finding reports the display name the cell ends up with.
    return Issue(rule, message, "", "info", "changed")


def _strip_honorifics(s: str, m: _Matchers) -> str:
    if not m.honorific:
        return s
    while True:
        new = m.honorific.sub("", s).rstrip(" ,")
        if new == s or not new:
            return s
        s = new


def _branch_after_form(s: str, m: _Matchers) -> tuple[str, str]:
    """山田電気株式会社東京支店: a Japanese legal form ends the name, a branch word ends the rest."""
    if not (m.middle_ja and m.branch_word and m.branch_word.search(s)):
        return s, ""
    hit = m.middle_ja.match(s)
    if hit and m.branch_word.search(hit["tail"]):
        return s[: hit.end("form")], hit["tail"].strip("() ")
    return s, ""


def _branch_after_space(name: str, m: _Matchers) -> tuple[str, str]:
    """山田電気 東京支店 / 山田電気(東京支店): a Japanese branch set off by a space or bracket."""
    if not (m.branch_tail and m.branch_word and m.branch_word.search(name)):
        return name, ""
    hit = m.branch_tail.match(name)
    if hit and is_cjk(hit["tail"]) and len(hit["name"].strip(" (")) >= 2:
        return hit["name"].rstrip(" ("), hit["tail"].strip("() ")
    return name, ""


def _split_form(s: str, m: _Matchers) -> tuple[str, str, str, str]:
    """(name without the legal form, the form, where it was written, separator)."""
    if m.prefix:
        hit = m.prefix.match(s)
        if hit and hit["name"].strip():
            return hit["name"].strip(), m.forms[_form_key(hit["form"])], "prefix", ""
    if m.suffix_ja:
        hit = m.suffix_ja.match(s)
        if hit and hit["name"].strip():
            return hit["name"].strip(), m.forms[_form_key(hit["form"])], "suffix", ""
    if m.suffix_latin:
        hit = m.suffix_latin.match(s)
        if hit:
            form = m.forms.get(_form_key(hit["form"]), hit["form"])
            return hit["name"], form, "suffix", ", " if "," in hit["sep"] else " "
    return s, "", "", ""


def _compose(name: str, form: str, position: str, sep: str) -> str:
    """The display name: Japanese forms attach without a space (Sansan株式会社), Latin ones with one."""
    if not form:
        return name
    if not form.isascii():
        return f"{form}{name}" if position == "prefix" else f"{name}{form}"
    return f"{name}{sep or ' '}{form}"


def _key(name: str, m: _Matchers, *, keep_group_words: bool = False) -> str:
    s = name.translate(m.folds) if m.folds else name
    if not keep_group_words:
        if m.key_only_latin:
            s = m.key_only_latin.sub("", s)
        if m.key_only_ja:
            s = m.key_only_ja.sub("", s)
    s = s.casefold().replace("&", "and")
    return "".join(ch for ch in s if unicodedata.category(ch)[0] not in "PZSC")

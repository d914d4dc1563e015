"""Person names (contact names and sales reps): a clean display name, split into last and first.

In: one raw name cell (山田太郎様, 山田　太郎, 部長 山田太郎, Smith, John, Mr. John Smith,
YAMADA Taro, 山田・佐藤). Out: a :class:`PersonName`: the display name (honorifics, titles and
notes removed; Western "Last, First" reordered to "First Last"; a Japanese name written with a
separator gets one half-width space), and its ``last``/``first`` parts (Salesforce requires
LastName). A Japanese name written without a space is split with the common-surname list of
rules/normalize.yaml and reported as a guess; a name that cannot be split becomes the last name.

Two libraries do better than hand-written rules where installed (extra ``names``; measured in
bench/libraries): namedivider-python (its BasicNameDivider: kanji statistics shipped with the
package, no download) splits a kanji name whose surname is not in the list, and nameparser
splits Western names (particles such as de la, Jr./III, titles it knows). Without them the rules
above do it all. A katakana name written with a space is given-name first when it has sounds
Japanese names do not (エミリー チェン: the long vowel mark, small ァィゥェォ, ヴ).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from .base import Issue, Outcome, reformat
from .config import NormalizeRules, PeopleRules, load_rules
from .text import clean_text, is_cjk, is_placeholder

RULE = "normalize.person"
CASE = "normalize.name-case"
_KATAKANA_DOT_RE = re.compile(r"^[\u30a0-\u30ff]+(?:[・=][\u30a0-\u30ff]+)+$")
_MULTI_RE = re.compile(r"\s*(?:[、;/&\n]|\band\b|\s・\s)\s*")
_NOTE_RE = re.compile(r"^(?P<name>.*?\S)\s*[(\[](?P<note>[^()\[\]]*)[)\]]$")
_CAPS_RE = re.compile(r"^[A-Z][A-Z'\-]+$")
_LOWER_RE = re.compile(r"^[A-Z][a-z]")  # a capitalised given name: Taro
_CAP_RE = re.compile(r"(^|[-'’.,])([^\W\d_])")  # a word's first letter, also after - ' . ,
_KATAKANA_RE = re.compile(r"^[\u30a0-\u30ff]+$")
# Kana for sounds Japanese names do not have: a katakana name with one is a foreign name, given
# name first (エミリー チェン, ジェニファー ロペス); ヤマダ タロウ is a Japanese reading, surname first.
_FOREIGN_KANA_RE = re.compile(r"[ーァィゥェォヮヴ]")
_KANJI_START_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# an e-mail address written beside the name (Ms. Lee <lee@nitto.jp>, 中村 (nakamura@x.jp), a
# bare address after the name): the address is no part of the name
_ADDRESS_RE = re.compile(
    r"\s*(?:<\s*(?P<a>[^<>\s]+@[^<>\s]+?)\s*>|[(\[]\s*(?P<b>[^()\[\]\s]+@[^()\[\]\s]+?)\s*[)\]]"
    r"|(?P<c>(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+))\s*"
)


@dataclass(frozen=True, slots=True)
class PersonName:
    """A normalised person name."""

    display: str
    last: str = ""
    first: str = ""
    department: str = ""  # a department written in the cell (総務課 課長／山崎太郎: 総務課)
    title: str = ""  # a job title written in the cell (課長)


EMPTY = PersonName("")


@dataclass(frozen=True)
class _Matchers:
    prefix: re.Pattern[str] | None
    suffix: re.Pattern[str] | None
    title_lead: re.Pattern[str] | None
    title_tail: re.Pattern[str] | None
    titles: frozenset[str]
    name_suffixes: frozenset[str]


@lru_cache(maxsize=8)
def _matchers(rules: PeopleRules) -> _Matchers:
    def alt(words: tuple[str, ...]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    titles = alt(rules.titles)
    return _Matchers(
        prefix=re.compile(rf"^(?:{alt(rules.honorific_prefixes)})(?:\s+|(?<=\.))", re.I)
        if rules.honorific_prefixes
        else None,
        suffix=re.compile(rf"\s*(?:{alt(rules.honorific_suffixes)})$", re.I)
        if rules.honorific_suffixes
        else None,
        title_lead=re.compile(rf"^(?:{titles})\s+", re.I) if titles else None,
        title_tail=re.compile(rf"(?:,\s*|\s+|(?<=[^\x00-\x7f]))(?:{titles})$", re.I)
        if titles
        else None,
        titles=frozenset(t.casefold() for t in rules.titles),
        name_suffixes=frozenset(s.casefold() for s in rules.name_suffixes),
    )


def normalize_person(
    value: object,
    rules: NormalizeRules | None = None,
    *,
    split: bool = True,
    fix_upper: bool = False,
) -> Outcome[PersonName]:
    """Normalise one person-name cell; with ``split`` also into last and first name.

    A Latin name written all in lower case is capitalised (anna hughes -> Anna Hughes); with
    ``fix_upper`` (sales reps) one of two or more words written all in upper case too
    (TOM BECKER -> Tom Becker; a contact's YAMADA Taro or IBM stays as written).
    """
    rules = rules or load_rules()
    text = _one_line(value)
    if not text:
        return Outcome(EMPTY)
    if is_placeholder(text, rules.placeholders):
        from .companies import placeholder_issue

        return Outcome(EMPTY, (placeholder_issue(text),))
    m = _matchers(rules.people)
    issues: list[Issue] = []
    found: list[tuple[str, str]] = []  # ("department" | "title", text) taken out of the name
    s = _strip_addresses(text, issues)
    kept_issues = len(issues)
    s = _strip_title_tail(s, m, issues, found)
    s, others = _first_of_many(s, m, rules.people)
    if others:
        # 田中課長、佐藤部長: the title at the cell's end is the last person's, not the one kept
        del issues[kept_issues:], found[:]
        issues.append(
            Issue(
                "normalize.multiple-names",
                f"several names in one cell; kept the first, not {others}",
                severity="warning",
            )
        )
    s = _strip_decorations(s, m, issues, found)
    s = _strip_department(s, rules.people, m, issues, found)
    nobody = _names_nobody(text, s, m, rules.people)
    if nobody:
        if s.casefold() in m.titles:
            found.append(("title", s))
        elif _is_department(s, rules.people) or _DEPARTMENT_RE.match(f"{s} x"):
            found.append(("department", s))  # 営業部 御中; not 株式会社イチ 御中 (its company)
        department = " ".join(t for k, t in found if k == "department")
        title = " ".join(t for k, t in found if k == "title")
        issue = Issue(
            "normalize.not-a-person", f"'{text}' names no person ({nobody}): no contact name"
        )
        return Outcome(PersonName("", "", "", department, title), (*issues, issue))
    if is_placeholder(s, rules.placeholders):  # "?" left over from "?&"
        from .companies import placeholder_issue

        return Outcome(EMPTY, (*issues, placeholder_issue(s)))
    if not s:
        return Outcome(
            EMPTY, tuple(issues), Issue("normalize.invalid-person", f"'{text}' is not a name")
        )
    cased = fix_case(s, rules.people, upper=fix_upper)
    if cased != s:
        issues.append(
            Issue(CASE, "capitalised: the name was written all in one case", level="reformat")
        )
        s = cased
    display, last, first = _split(s, rules.people, m, issues) if split else (_display(s), "", "")
    # a part without a letter or a digit ('_' of '_ 0') is no name part: normalised again on
    # its own it would be dropped, so the split would not be the same twice
    last, first = (x if any(ch.isalnum() for ch in x) else "" for x in (last, first))
    if display != text and not any(i.level in ("cell", "reformat") for i in issues):
        issues.append(reformat(RULE, display))
    department = " ".join(t for k, t in found if k == "department")
    title = " ".join(t for k, t in found if k == "title")
    return Outcome(PersonName(display, last, first, department, title), tuple(issues))


def _is_title_note(note: str, titles: frozenset[str]) -> bool:
    """A bracketed note that is a job title or ends with one (課長, 営業課長, Sales Manager):
    Latin titles as whole words (VP, not the end of another word)."""
    return note in titles or any(
        note.endswith(t) and (not t.isascii() or note.endswith(" " + t)) for t in titles
    )


_TO_ORGANISATION_RE = re.compile(r"御中\s*$")


def _names_nobody(text: str, s: str, m: _Matchers, rules: PeopleRules) -> str:
    """Why a contact cell names no person ("" when it may): 営業部 御中 (御中 addresses an
    organisation, never a person), 社長 or 代表 alone (a job title), ご担当者 様 (a stand-in
    for whoever it is, rules people.addressee_words)."""
    if _TO_ORGANISATION_RE.search(text):
        return "御中 addresses a department or a company"
    if s.casefold() in m.titles:
        return "a job title alone"
    if s in rules.addressee_words:
        return "an addressee, not a name"
    return ""


def _one_line(value: object) -> str:
    """The cell as one line: a cell holding one person per line (山田 一郎⏎佐々木 二郎) lists
    them as ``、`` does, not as one long name."""
    text = clean_text(value, multiline=True)
    if "\n" not in text:
        return text
    return "、".join(line.strip() for line in text.split("\n") if line.strip())


def address_in_name(value: object) -> str:
    """The e-mail address written beside the first name of a cell ('' when none):
    ``Ms. Lee <lee@nitto.jp>`` gives ``lee@nitto.jp``."""
    if not isinstance(value, str) or "@" not in value:
        return ""
    first = [p for p in _MULTI_RE.split(_one_line(value)) if p.strip()][:1]
    hit = _ADDRESS_RE.search(first[0]) if first else None
    if not hit or not _ADDRESS_RE.sub(" ", first[0]).strip():
        return ""  # an address alone is no name with an address beside it
    return hit["a"] or hit["b"] or hit["c"]


def address_alone(value: object) -> str:
    """The e-mail address a contact cell holds and nothing else ('' otherwise):
    ``gavin@hooli.xyz``; the cell stays the contact's name (a name is all the row has), and the
    address is the row's e-mail too."""
    if not isinstance(value, str) or "@" not in value:
        return ""
    hit = _ADDRESS_RE.fullmatch(_one_line(value))
    return (hit["a"] or hit["b"] or hit["c"]) if hit else ""


def _strip_addresses(s: str, issues: list[Issue]) -> str:
    if "@" not in s:
        return s
    found = [h["a"] or h["b"] or h["c"] for h in _ADDRESS_RE.finditer(s)]
    rest = _ADDRESS_RE.sub(" ", s).strip()
    if not found or not rest.strip(" 、,;/"):
        return s  # an address and nothing else: not a name with an address beside it
    rest = re.sub(r"\s*、\s*", "、", rest).strip(" 、")
    issues.append(
        Issue(
            "normalize.email-in-name",
            f"removed the e-mail address {', '.join(repr(a) for a in found)} from the name",
            level="reformat",
        )
    )
    return rest


def fix_case(s: str, rules: PeopleRules, *, upper: bool = False) -> str:
    """A Latin name written all in lower case (or, with ``upper``, all in upper case) capitalised.

    Word by word, also after a hyphen or apostrophe (o'neil -> O'Neil, jean-luc -> Jean-Luc);
    the particles of rules/normalize.yaml stay lower case inside a name (van, de ...). Upper
    case is changed only in two or more words of two or more letters each (TOM BECKER, not IBM
    or R. BROOKS). Anything else, and any name with kana/kanji, digits or an @, is returned as is.
    """
    if is_cjk(s) or "@" in s or any(ch.isdigit() for ch in s) or not any(ch.isalpha() for ch in s):
        return s
    if s != s.lower():
        words = [w for w in re.split(r"[\s,]+", s) if w]
        if not (
            upper
            and s == s.upper()
            and len(words) >= 2
            and all(sum(ch.isalpha() for ch in w) >= 2 for w in words)
        ):
            return s
        s = s.lower()
    words = s.split(" ")
    out = []
    for i, w in enumerate(words):
        if 0 < i < len(words) - 1 and w.casefold() in rules.name_particles:
            out.append(w)
        else:
            out.append(_CAP_RE.sub(lambda h: h[1] + h[2].upper(), w))
    return " ".join(out)


def person_key(name: str) -> str:
    """Comparison form of a name: NFKC, case-folded, no spaces or dots."""
    key = re.sub(r"[\s.,・]", "", clean_text(name)).casefold()
    # "K ̧" (a cedilla NFKC turned into space + combining mark) composes once the space is gone
    return key if key.isascii() else unicodedata.normalize("NFKC", key)


def _strip_title_tail(
    s: str, m: _Matchers, issues: list[Issue], found: list[tuple[str, str]]
) -> str:
    # "John Smith, CEO" must lose its title before the comma is read as "Last, First".
    if m.title_tail:
        hit = m.title_tail.search(s)
        if hit and len(s[: hit.start()].strip(" ,")) >= 2:
            title = s[hit.start() :].strip(" ,")
            issues.append(_title_issue(title))
            found.append(("title", title))
            s = s[: hit.start()].strip(" ,")
    return s


# 高橋様・渡辺主任: a ・ after an honorific or a title joins two people (inside a name, ・ joins the
# parts of a foreign name written in katakana: ジョン・スミス)
_JOINED_RE = re.compile(r"(?<=[様殿氏長任役ん])・")


def _first_of_many(s: str, m: _Matchers, rules: PeopleRules) -> tuple[str, str]:
    parts = [p for p in _MULTI_RE.split(_JOINED_RE.sub("、", s)) if p.strip()]
    # 総務課 課長／山崎太郎: a part of nothing but a department and a title names nobody; it
    # goes with the name after it, which strips them
    while len(parts) > 1 and (
        _only_department_and_title(parts[0], m, rules)
        or _DEPARTMENT_RE.match(f"{parts[0].strip()} x")
        and parts[0].strip() not in rules.surnames
        and any(parts[1].strip().startswith(n) for n in rules.surnames)
    ):
        parts = [f"{parts[0].strip()} {parts[1].strip()}", *parts[2:]]
    first, others = (parts[0], parts[1:]) if parts else ("", [])
    commas = [p.strip() for p in first.split(",")]
    # One comma between two parts of a Western name is "Last, First"; anything else lists names
    # (also inside the first of several names: "0,あ;0" is "0", as "0,あ" alone is).
    if len(commas) > 2 or (len(commas) == 2 and _is_multiple_comma(commas)):
        first, others = commas[0], [*commas[1:], *others]
    return first.strip(), ", ".join(f"'{p.strip()}'" for p in others)


def _is_multiple_comma(parts: list[str]) -> bool:
    left, right = parts
    if not left or not right:
        return False
    if is_cjk(left) or is_cjk(right):
        return True
    return len(left.split()) > 1 and len(right.split()) > 1


def _strip_decorations(
    s: str, m: _Matchers, issues: list[Issue], found: list[tuple[str, str]]
) -> str:
    while True:  # 部長 山田太郎 様 (営業部): layer by layer; each pass shortens s or stops
        s = s.strip(" ,")  # "山田様," : a trailing comma must not hide the honorific
        before = s
        hit = _NOTE_RE.match(s)
        if hit:
            note = hit["note"].strip()
            if _is_title_note(note.casefold(), m.titles):  # 井上 様（営業課長）
                issues.append(_title_issue(note))
                found.append(("title", note))
            else:
                issues.append(
                    Issue("normalize.name-note-removed", f"removed '({hit['note']})' from the name")
                )
            s = hit["name"]
        if m.prefix:
            s = m.prefix.sub("", s).strip()
        if m.suffix:
            # "山田 - 様": the dash goes with the honorific; a dash of the name itself stays
            # ("Smith-, John" is John Smith- however often it is normalised).
            hit3 = m.suffix.search(s)
            if hit3:
                s = s[: hit3.start()].strip(" -") or s
        if m.title_lead:
            hit2 = m.title_lead.match(s)
            if hit2 and s[hit2.end() :].strip():
                issues.append(_title_issue(hit2.group().strip()))
                found.append(("title", hit2.group().strip()))
                s = s[hit2.end() :]
        s = _strip_title_tail(s, m, issues, found)
        if s == before:
            break
    return s.strip(" ,")


_DEPARTMENT_RE = re.compile(
    r"^(\S{2,}?(?:事業部|本部|部門|部|課|室|センター|グループ|チーム|支店|営業所|支社))\s+(\S.*)$"
)
# a department word no surname ends with (総務課, 人事グループ, 営業Dept.): 部 and 室 end
# surnames too (長谷部, 服部, 氷室), so a word ending with them is a department only when it
# holds kana or Latin letters (情報システム部) or four characters or more (経営企画部)
_SURE_DEPARTMENT_RE = re.compile(
    r"^\S+?(?:事業部|本部|部門|課|センター|グループ|チーム|支店|営業所|支社|dept\.?|department|division)$",
    re.I,
)


def _is_department(word: str, rules: PeopleRules) -> bool:
    """One word that names a department (総務課, 情報システム部), not a surname (長谷部)."""
    if word in rules.surnames:
        return False
    if _SURE_DEPARTMENT_RE.match(word):
        return True
    if not _DEPARTMENT_RE.match(f"{word} x"):
        return False
    return len(word) >= 4 or not all(is_cjk(ch) and not _KATAKANA_RE.match(ch) for ch in word)


def _only_department_and_title(part: str, m: _Matchers, rules: PeopleRules) -> bool:
    words = part.split()
    return bool(words) and all(w.casefold() in m.titles or _is_department(w, rules) for w in words)


def _strip_department(
    s: str, rules: PeopleRules, m: _Matchers, issues: list[Issue], found: list[tuple[str, str]]
) -> str:
    """物流部 田中 (a visit report's 面談者 物流部 田中課長), 情報システム部 システム課 鈴木, 総務課
    課長 山崎太郎: the departments (and titles between them) before a name are no part of it.
    A word that may be a surname as well (物流部: 服部 and 長谷部 end so too) goes only when what
    follows starts with a listed surname (長谷部 誠 and 服部 半蔵 stay whole)."""
    words = s.split()
    taken = 0
    while taken < len(words) - 1:
        w = words[taken]
        if w.casefold() in m.titles and taken:
            taken += 1
            continue
        if w in rules.surnames or not (
            _DEPARTMENT_RE.match(f"{w} x") or _SURE_DEPARTMENT_RE.match(w)
        ):
            break
        following = words[taken + 1 :]
        while following and following[0].casefold() in m.titles:
            following = following[1:]
        rest = " ".join(following)
        # 営業部 部長 髙橋: a title after it makes the word a department
        sure = _is_department(w, rules) or words[taken + 1].casefold() in m.titles
        if not sure and not any(
            rest.startswith(name) for name in rules.surnames if len(name) <= len(rest)
        ):
            break
        taken += 1
    if not taken:
        return s
    for w in words[:taken]:
        kind = "title" if w.casefold() in m.titles else "department"
        what = "job title" if kind == "title" else "department"
        issues.append(
            Issue("normalize.name-title-removed", f"removed the {what} '{w}' from the name")
        )
        found.append((kind, w))
    return " ".join(words[taken:])


def _title_issue(title: str) -> Issue:
    # No value of its own: the finding reports the name the cell ends up with.
    return Issue(
        "normalize.name-title-removed",
        f"removed the job title '{title}' from the name",
    )


def _display(s: str) -> str:
    if "," in s and not is_cjk(s):
        last, first = (p.strip() for p in s.split(",", 1))
        if last and first and len(last.split()) == 1:
            return f"{first} {last}"
    return s


def _split(s: str, rules: PeopleRules, m: _Matchers, issues: list[Issue]) -> tuple[str, str, str]:
    """(display, last, first)."""
    if is_cjk(s):
        if _KATAKANA_DOT_RE.match(s.replace(" ", "")):  # ジョン・スミス: a Western name in katakana
            parts = re.split(r"[・=]", s.replace(" ", ""))
            return s.replace(" ", ""), parts[-1], "・".join(parts[:-1])
        tokens = s.replace(",", " ").split()
        if len(tokens) >= 2:
            if all(_KATAKANA_RE.match(t) for t in tokens) and (
                any(_FOREIGN_KANA_RE.search(t) for t in tokens)
                or tokens[0] in rules.foreign_given_kana
            ):
                return " ".join(tokens), tokens[-1], " ".join(tokens[:-1])
            return " ".join(tokens), tokens[0], " ".join(tokens[1:])
        return s, *_split_unspaced(s, rules, issues)
    if "," in s:  # Smith, John -> John Smith
        last, first = (p.strip() for p in s.split(",", 1))
        if last and first:
            if len(last.split()) == 1:  # split as the display reads: the same on a re-run
                return _split(f"{first} {last}", rules, m, issues)
            # "Van Dyke, Dick" stays as written: "Dick Van Dyke" could not be split back.
            display = f"{last}, {first}"
            parsed = _parse_western(display, rules, m)
            if parsed:  # "Carter, Jr." is no "Last, First": nameparser knows the suffix
                title, last, first = parsed
            return display, last, first
        s = last or first
    tokens = s.split()
    if len(tokens) == 1:
        issues.append(_unsplit(s))
        return s, s, ""
    # A trailing Jr./III stays with the surname.
    if len(tokens) > 2 and tokens[-1].casefold() in m.name_suffixes:
        tokens = [*tokens[:-2], f"{tokens[-2]} {tokens[-1]}"]
    caps = [i for i, t in enumerate(tokens) if _CAPS_RE.match(t)]
    others_named = all(_LOWER_RE.search(t) for j, t in enumerate(tokens) if j not in caps)
    if len(caps) == 1 and len(tokens) >= 2 and others_named:  # YAMADA Taro
        i = caps[0]
        return s, tokens[i], " ".join(t for j, t in enumerate(tokens) if j != i)
    parsed = _parse_western(s, rules, m)
    if parsed:
        # A title nameparser knows and the rules do not (Sister, Rev., Capt.) stays in the
        # display name as written; the parts go without it.
        title, last, first = parsed
        return s, last, first
    return s, tokens[-1], " ".join(tokens[:-1])


@cache
def _name_parser() -> Any:
    """nameparser's HumanName when installed (extra ``names``), else None."""
    try:
        from nameparser import HumanName
    except ImportError:
        return None
    return HumanName


@cache
def _name_divider() -> Any:
    """namedivider's BasicNameDivider when installed (extra ``names``), else None.

    The basic divider reads the kanji statistics shipped inside the package; the GBDT divider
    would download a model at run time and is never used.
    """
    try:
        from namedivider import BasicNameDivider
    except ImportError:
        return None
    return BasicNameDivider()


def _parse_western(s: str, rules: PeopleRules, m: _Matchers) -> tuple[str, str, str] | None:
    """(title, last, first) of a Western name by nameparser; None without it.

    Middle names and initials go with the first name; a suffix of the rules' name_suffixes
    (Jr., III) stays with the surname, other post-nominals (CPA, Esq.) go. A title word that
    leaves no surname is a given name (King Hall, once Mr. is gone).
    """
    human_name = _name_parser()
    if human_name is None:
        return None
    try:
        h = human_name(s)
        title, first, middle, last, suffix = h.title, h.first, h.middle, h.last, h.suffix
    except Exception:  # a third-party parser: any failure falls back to the rules
        return None
    if title and not last:
        title, first, last = "", title, first
    if not last or not s.startswith(title):
        return None
    if title and len(s[len(title) :].split()) < 2:  # "Jr. Mr.": no name left beside the title
        return None
    kept = [x for x in re.split(r",\s*|\s+", suffix) if x and x.casefold() in m.name_suffixes]
    last = " ".join([last, *kept])
    first = " ".join(x for x in (first, middle) if x)
    return title, last, first


def _split_unspaced(s: str, rules: PeopleRules, issues: list[Issue]) -> tuple[str, str]:
    if s in rules.surnames:
        return s, ""
    for n in range(min(rules.max_surname, len(s) - 1), 0, -1):
        head, tail = s[:n], s[n:]
        if head in rules.surnames and 1 <= len(tail) <= 4:
            issues.append(_split_guess(s, head, tail, "using the common-surname list"))
            return head, tail
    # A surname the list lacks: namedivider's kanji statistics. Not for two characters (more
    # often a surname alone than a one-and-one name) nor for a name not starting with a kanji.
    divider = _name_divider() if len(s) >= 3 and _KANJI_START_RE.match(s) else None
    if divider is not None:
        try:
            divided = divider.divide_name(s)
            head, tail = divided.family, divided.given
        except Exception:  # a third-party splitter: any failure leaves the name unsplit
            head = tail = ""
        if head and tail and head + tail == s:
            issues.append(_split_guess(s, head, tail, "by namedivider (kanji statistics)"))
            return head, tail
    issues.append(_unsplit(s))
    return s, ""


def _split_guess(s: str, head: str, tail: str, how: str) -> Issue:
    return Issue(
        "normalize.name-split-guess", f"split '{s}' as {head} / {tail} {how}", f"{head} {tail}"
    )


def _unsplit(s: str) -> Issue:
    return Issue(
        "normalize.name-unsplit",
        f"could not split '{s}' into last and first name; used it as the last name",
        s,
    )


# Romanisations of one sound that people write interchangeably: Ōno / Ohno / Oono / Ono,
# Yūko / Yuuko / Yuko, Homma / Honma. Folded to one form before two readings are compared.
_FOLDS = (
    (re.compile(r"oh(?![aeiouy])"), "o"),
    (re.compile(r"(?:ou|oo)"), "o"),
    (re.compile(r"uu"), "u"),
    (re.compile(r"aa"), "a"),
    (re.compile(r"m(?=[bmp])"), "n"),
)
_NOT_LATIN = re.compile(r"[^a-z ]+")
_MACRONS = str.maketrans("āēīōūâêîôû", "aeiouaeiou")


def fold_romaji(s: str) -> str:
    """A romanised name in one spelling: lower case words, long vowels and ん before b/m/p folded."""
    s = unicodedata.normalize("NFKC", s).lower().translate(_MACRONS)
    s = _NOT_LATIN.sub("", s.replace("-", " ").replace(",", " "))
    for pattern, to in _FOLDS:
        s = pattern.sub(to, s)
    return " ".join(s.split())


@cache
def _romaniser() -> Any:
    """cutlet's Hepburn romaniser (MeCab with unidic-lite: names read as names) when installed
    (extra ``names``), else None: without it Japanese names get no reading."""
    try:
        import cutlet

        katsu = cutlet.Cutlet()
        katsu.use_foreign_spelling = False
        katsu.romaji("山田")  # the dictionary loads here, or fails here
    except Exception:  # noqa: BLE001 - a missing or broken dictionary means no readings
        return None
    return katsu


@lru_cache(maxsize=65536)
def name_reading(name: str) -> str:
    """A person name (or one part of it) as folded romaji words, to compare across scripts.

    石井 拓海 -> 'ishii takumi', Takumi Ishii -> 'takumi ishii', 遠藤 -> 'endo'. A Latin name is
    only folded; a Japanese one is read by cutlet (the engine migrate/normalize/readings.py
    prefers for company names; its dictionaries of company words are not for people), kana
    without it. '' when the name cannot be read (kanji without cutlet, a character it does not
    know).
    """
    s = name.strip()
    if not s:
        return ""
    if not is_cjk(unicodedata.normalize("NFKC", s)):
        return fold_romaji(s)
    katsu = _romaniser()
    if katsu is None:  # kana is read without a dictionary (the readings module's table)
        from .readings import kana_romaji

        kana = kana_romaji(s)
        return fold_romaji(kana) if kana else ""
    read = katsu.romaji(unicodedata.normalize("NFKC", s))
    if "?" in read or not read.strip():
        return ""
    return fold_romaji(read)

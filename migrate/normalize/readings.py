"""Readings: one company name in a common Latin form, whatever script it was written in.

In: a company name (富士フイルムホールディングス株式会社, FUJIFILM Holdings Corporation, ｶ)ﾐﾂﾁ) and the
reading rules (rules/readings.yaml). Out: its *reading*, lower-case Latin words without legal
forms: ``fujifilm holdings`` for both of those, ``mitsuchi`` for 株式会社ミツチ and Mitsuchi
Corporation. Two spellings of one company in two scripts then meet on their reading, which
dedupe compares like any other name.

How a Japanese name is read: legal forms (株式会社 ... and their kana) are removed; the words of
the dictionaries (``loanwords``: ホールディングス -> holdings; ``words``: 工業 -> industry, with
their English and romanised spellings) are taken whole; what is left is romanised by an engine
(cutlet with fugashi and unidic-lite, a morphological analyser with its dictionary; else
pykakasi; else kana only, a built-in table: a name with kanji then has no reading). English
names lose their legal forms (Co., Ltd., Corporation, K.K., Inc. ...) and have their words
mapped through the same dictionaries (Kogyo and Industries are one word). Both sides end in
one spelling of long vowels (Ohbayashi, Oobayashi, Ōbayashi -> obayashi), so that Hepburn's
variants agree.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..rules import Problems, load_rule_file

Engine = Literal["auto", "cutlet", "pykakasi", "kana"]
ENGINES: tuple[str, ...] = ("auto", "cutlet", "pykakasi", "kana")
_TOP_KEYS = (
    *("kind", "version", "engine", "min_length"),
    *("legal_forms", "foreign_forms", "loanwords", "words", "alternates", "optional"),
)


@dataclass(frozen=True)
class ReadingRules:
    """The reading dictionaries of rules/readings.yaml (frozen)."""

    engine: Engine = "auto"
    #: a reading shorter than this (letters) is no reading: too short to tell companies apart
    min_length: int = 3
    #: the Latin equivalents of the legal forms (Corporation, Co., Ltd., K.K., Inc. ...): the
    #: Japanese forms are those of rules/normalize.yaml companies.legal_forms
    legal_forms: tuple[str, ...] = ()
    #: foreign legal forms in katakana (ピーエルシー: plc), removed like the others
    foreign_forms: tuple[str, ...] = ()
    #: Japanese spelling -> English spellings, the first one the word of the reading
    loanwords: tuple[tuple[str, tuple[str, ...]], ...] = ()
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: other readings of kanji words the engine reads one way (大和: daiwa beside yamato)
    alternates: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Latin words either name may hold without the other (the, Japan, Company): an aligned
    #: reading skips them; a dictionary word whose first spelling is listed is optional too
    optional: tuple[str, ...] = ()

    @property
    def dictionary(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Loanwords and words together (one mechanism, two tables for the reader)."""
        return self.loanwords + self.words


# ----------------------------------------------------------------------------- rule file


def parse_reading_rules(path: str | os.PathLike[str]) -> ReadingRules:
    """Read and check rules/readings.yaml (every problem at once, file:line)."""
    doc, p = load_rule_file(path, "readings")
    p.keys(doc, "", _TOP_KEYS)
    engine = doc.get("engine", "auto")
    p.choice(engine, "engine", ENGINES)
    min_length = doc.get("min_length", 3)
    if p.type(min_length, "min_length", int, "a whole number") and min_length < 1:
        p.add("min_length", f"{min_length} is not allowed; at least 1")
    tables = {name: _table(doc.get(name), name, p) for name in ("loanwords", "words", "alternates")}
    optional = p.string_list(doc.get("optional"), "optional")
    for i, word in enumerate(optional):
        if not _latin_words(word) or is_japanese(word):
            p.add(f"optional[{i}]", f"{word!r:.60} is not a Latin word")
    latin = p.string_list(doc.get("legal_forms"), "legal_forms")
    for i, form in enumerate(latin):
        if not _latin_words(form) or is_japanese(form):
            p.add(
                f"legal_forms[{i}]",
                f"{form!r:.60} is not a Latin spelling (the Japanese forms are listed once, "
                "in normalize.yaml companies.legal_forms)",
            )
    foreign = p.string_list(doc.get("foreign_forms"), "foreign_forms")
    for i, form in enumerate(foreign):
        if not is_japanese(form):
            p.add(f"foreign_forms[{i}]", f"{form!r:.60} is not written in Japanese")
    seen: dict[str, str] = {}
    for name in ("loanwords", "words"):
        for ja, _ in tables[name]:
            if ja in seen:
                p.add(f"{name}.{ja}", f"already listed under {seen[ja]}")
            seen[ja] = name
    p.raise_if_any()
    return ReadingRules(
        engine=engine,
        min_length=min_length if isinstance(min_length, int) else 3,
        legal_forms=tuple(latin),
        foreign_forms=tuple(_nfkc(f) for f in foreign),
        loanwords=tables["loanwords"],
        words=tables["words"],
        alternates=tables["alternates"],
        optional=tuple(optional),
    )


def _table(value: Any, key: str, p: Problems) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A mapping Japanese spelling -> a list of Latin spellings (one string is a list of one)."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        p.add(
            key, f"expected a mapping (Japanese spelling: [English spellings]), got {value!r:.60}"
        )
        return ()
    out = []
    for ja, en in value.items():
        at = f"{key}.{ja}"
        spellings = p.string_list([en] if isinstance(en, str) else en, at)
        latin = [s for s in spellings if _latin_words(s)]
        if not isinstance(ja, str) or not ja.strip():
            p.add(at, f"{ja!r:.60} is not a Japanese spelling")
        elif not spellings:
            p.add(at, "needs at least one English spelling")
        elif len(latin) != len(spellings):
            bad = next(s for s in spellings if not _latin_words(s))
            p.add(at, f"{bad!r:.60} has no Latin letters")
        else:
            out.append((_nfkc(ja), tuple(spellings)))
    return tuple(out)


# ----------------------------------------------------------------------------- readings


_LATIN = re.compile(r"[a-z0-9]+")
# the runs of Latin letters and digits inside a Japanese name (read as written)
_LATIN_RUN = re.compile(r"([A-Za-z0-9&]+)")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u3005\u30fc]")
_KATAKANA = re.compile(r"^[ァ-ヺー]+$")
_KATA_RUN = re.compile(r"([ァ-ヺー]+)")
_KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3005]")
_SPACE = re.compile(r"[\s\u3000]+")
_DROP = re.compile(r"[\s\u3000・･.,，、。'\"’`()（）「」『』\[\]【】]+")
# one spelling of long vowels and of n before a labial, for both scripts:
# Ōbayashi / Oobayashi / Ohbayashi / Oubayashi -> obayashi, Shimbun / Shinbun -> shinbun,
# Shimadzu / Shimazu -> shimazu
_FOLDS = (
    (re.compile(r"[āâ]"), "a"),
    (re.compile(r"[īî]"), "i"),
    (re.compile(r"[ūû]"), "u"),
    (re.compile(r"[ēê]"), "e"),
    (re.compile(r"[ōô]"), "o"),
    (re.compile(r"o[uo]|oh(?![aeiou])"), "o"),
    (re.compile(r"uu"), "u"),
    (re.compile(r"ii"), "i"),
    (re.compile(r"aa"), "a"),
    (re.compile(r"ee"), "e"),
    (re.compile(r"m(?=[bpm])"), "n"),
    (re.compile(r"n'"), "n"),
    # づ written dzu in an old spelling (Shimadzu / 島津 read shimazu)
    (re.compile(r"dz(?=u)"), "z"),
)


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


_MACRONS = str.maketrans("āâīîūûēêōô", "aaiiuueeoo")


def _latin_words(s: str) -> list[str]:
    """The lower-case Latin words and numbers of a text, macrons off, & as and."""
    # ASCII (every romanisation the engines give, most Latin names) is its own NFKC form and
    # holds no macron: the two passes over each character are skipped (a third of the time)
    folded = s.lower() if s.isascii() else _nfkc(s).lower().translate(_MACRONS)
    return _LATIN.findall(folded.replace("&", " and "))


@functools.lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """One Latin word in the common spelling (long vowels, m before b/p/m)."""
    w = unicodedata.normalize("NFKC", word).lower()
    for pattern, repl in _FOLDS:
        w = pattern.sub(repl, w)
    # one number for English words (romaji never ends in s): Industries / Industry, Holdings
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def is_japanese(name: str) -> bool:
    """True when the name holds kana or kanji."""
    return bool(_JAPANESE.search(_nfkc(name)))


class Reader:
    """Reads company names with one set of rules and one engine (built once, reused)."""

    def __init__(self, rules: ReadingRules, ja_legal_forms: Iterable[str] = ()) -> None:
        self.rules = rules
        # one call per distinct chunk of text: names repeat their words (山田, 工業, 製作所)
        self.engines = tuple(functools.lru_cache(maxsize=65536)(e) for e in _engine(rules.engine))
        _READERS.add(self)
        forms = {_nfkc(f) for f in ja_legal_forms if is_japanese(f)}
        forms |= set(rules.foreign_forms)
        # a form is taken with its brackets: (カ) and ｶ) are the bank abbreviation, a bare カ
        # ends カンロ and テイカ
        # longest first, ties by the form itself: a set's order follows the process's hash seed
        self._ja_forms = sorted({_SPACE.sub("", f) for f in forms if f}, key=lambda f: (-len(f), f))
        self._ja_forms_any = tuple(self._ja_forms)  # str.startswith takes them all at once
        # a form's place in that order, and the lengths to cut a name's ends at to find them
        self._ja_form_at = {f: k for k, f in enumerate(self._ja_forms)}
        self._ja_form_lengths = sorted({len(f) for f in self._ja_forms})
        # dictionary words, longest Japanese spelling first; the reading's word is the first
        # English spelling, folded
        entries = sorted(rules.dictionary, key=lambda e: len(e[0]), reverse=True)
        self._ja_words = [(ja, " ".join(map(fold_word, _latin_words(en[0])))) for ja, en in entries]
        # kanji words anywhere; katakana words only at either end of a katakana run (below)
        kanji = [ja for ja, _ in self._ja_words if not _KATAKANA.match(ja)]
        self._ja_scan = re.compile("|".join(map(re.escape, kanji))) if kanji else None
        self._kata_words = [ja for ja, _ in self._ja_words if _KATAKANA.match(ja)]
        self._ja_word_of = dict(self._ja_words)
        self._canonical = frozenset(self._ja_word_of.values())
        # English side: a phrase of folded words -> the reading's word(s)
        phrases: dict[tuple[str, ...], str] = {}
        for ja, en in rules.dictionary:
            canon = self._ja_word_of[ja]
            for spelling in en:
                phrases.setdefault(tuple(map(fold_word, _latin_words(spelling))), canon)
        # the romanised Japanese word is an English spelling too (工業: kogyo)
        self._phrases = phrases
        self._max_phrase = max((len(k) for k in phrases), default=1)
        # the first words of the phrases: a word that is none of them starts no phrase
        self._phrase_heads = frozenset(k[0] for k in phrases)
        self._en_forms = sorted(
            {tuple(map(fold_word, _latin_words(f))) for f in rules.legal_forms},
            key=lambda f: (-len(f), f),
        )
        # a name that neither starts nor ends with a form's first or last word has none to drop
        self._en_form_first = frozenset(f[0] for f in self._en_forms if f)
        self._en_form_last = frozenset(f[-1] for f in self._en_forms if f)

    def words(self, name: str) -> tuple[str, ...]:
        """The words of the reading of one company name (empty when it cannot be read)."""
        return self._words(name, 0)

    def variants(self, name: str) -> tuple[tuple[str, ...], ...]:
        """Every reading of a name: a Japanese one by each romanisation of the engine (cutlet:
        loanwords in their English spelling, then in plain Hepburn), distinct, the first first."""
        s = _nfkc(name).strip()
        if not is_japanese(s):
            words = self.words(name)
            return (words,) if words else ()
        # the name is made ready once (its form, its cut into words and chunks), then read by
        # each engine: not once per engine through the cache of single readings (:meth:`_words`)
        found = (self._finish(tuple(self._read_japanese(s, v))) for v in range(len(self.engines)))
        return tuple(dict.fromkeys(w for w in found if w))

    def keys(self, name: str) -> tuple[str, ...]:
        """The keys of every reading of a name (:meth:`variants`)."""
        return self._keys(self.variants(name))

    def sounds(self, name: str) -> tuple[str, ...]:
        """The sound keys of every reading of a name."""
        return tuple(dict.fromkeys(self._sound(w) for w in self.variants(name)))

    def cores(self, name: str) -> tuple[str, ...]:
        """The cores of every reading of a name."""
        return tuple(dict.fromkeys(self._core(w) for w in self.variants(name)))

    def readings(self, name: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """:meth:`keys`, :meth:`cores` and :meth:`sounds` of a name, its readings read once."""
        found = self.variants(name)
        return (
            self._keys(found),
            tuple(dict.fromkeys(self._core(w) for w in found)),
            tuple(dict.fromkeys(self._sound(w) for w in found)),
        )

    def plain_keys(self, name: str) -> tuple[str, ...]:
        """A Japanese name's sound alone: romanised whole by each engine, its legal form dropped
        and no dictionary word translated (山田製作所: yamadaseisakusho, as an ERP writes it in
        kana, ヤマダセイサクショ; its reading is yamada manufacturing). Empty for a Latin name."""
        s = _nfkc(name).strip()
        if not s or not is_japanese(s):
            return ()
        compact = self._strip_ja_forms(s)
        found = (self._romanised(compact, v) for v in range(len(self.engines)))
        keys = ("".join(w).replace(" ", "") for w in found if w and "?" not in w)
        return tuple(dict.fromkeys(k for k in keys if len(k) >= self.rules.min_length))

    @staticmethod
    def _keys(found: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys("".join(w).replace(" ", "") for w in found))

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Reader per rules bundle
    def _words(self, name: str, variant: int) -> tuple[str, ...]:
        s = _nfkc(name).strip()
        if not s:
            return ()
        words = self._read_japanese(s, variant) if is_japanese(s) else self._read_latin(s)
        return self._finish(tuple(words))

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Reader per rules bundle
    def _finish(self, read: tuple[str, ...]) -> tuple[str, ...]:
        """Read words to the reading's words: phrases mapped, legal forms dropped, too short a
        reading none (once per distinct list of words: a Japanese name's romanisations mostly
        give the same words)."""
        words = [w for w in self._drop_forms(self._map_phrases(list(read))) if w]
        core = "".join(w for w in words if w not in self._canonical) or "".join(words)
        return tuple(words) if len(core.replace(" ", "")) >= self.rules.min_length else ()

    def read(self, name: str) -> str:
        """The reading of one company name, words apart ('' when it cannot be read)."""
        return " ".join(self.words(name))

    def key(self, name: str) -> str:
        """The reading without spaces: the form dedupe blocks and compares on."""
        return "".join(self.words(name)).replace(" ", "")

    def sound(self, name: str) -> str:
        """The key as sounds (:func:`sound_key`), the dictionary's words kept as words."""
        return self._sound(self.words(name))

    def _sound(self, words: tuple[str, ...]) -> str:
        out: list[str] = []
        run: list[str] = []
        for w in (*words, ""):
            if w and w not in self._canonical:
                run.append(w)
                continue
            if run:
                out.append(sound_key("".join(run)))
                run = []
            if w:
                out.append("[" + w.replace(" ", "") + "]")
        return "".join(out)

    def compatible(self, a: str, b: str) -> bool:
        """True unless both names hold dictionary words and neither's are all in the other's
        (古河機械金属 and FURUKAWA Co., Ltd.: yes; 江ノ島電鉄 and Konoshima Chemical: no)."""
        wa = {w for w in self.words(a) if w in self._canonical}
        wb = {w for w in self.words(b) if w in self._canonical}
        return not wa or not wb or wa <= wb or wb <= wa

    def core(self, name: str) -> str:
        """The key without the dictionary's words (Mitsui Fudosan: mitsui), else the key."""
        return self._core(self.words(name))

    def _core(self, words: tuple[str, ...]) -> str:
        return "".join(w for w in words if w not in self._canonical) or "".join(words).replace(
            " ", ""
        )

    # -- Japanese

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Reader per rules bundle
    def _strip_ja_forms(self, s: str) -> str:
        """The name without its Japanese legal forms at either end, punctuation dropped (once
        per name: every reading of it and its alignment start here)."""
        compact = _SPACE.sub("", s)
        changed = True
        while changed and compact:
            changed = False
            at_ends = compact.startswith(self._ja_forms_any) or compact.endswith(self._ja_forms_any)
            # the forms in their order (longest first), each taken off where the name starts or
            # ends with it; only the forms it starts or ends with are visited
            k = self._next_form(compact, 0) if at_ends else -1
            while k >= 0:
                form = self._ja_forms[k]
                if compact.startswith(form):
                    compact, changed = compact[len(form) :], True
                if compact.endswith(form):
                    compact, changed = compact[: -len(form)], True
                k = self._next_form(compact, k + 1)
            trimmed = compact.strip("・･.,，、。'\"’`-")
            changed = changed or trimmed != compact
            compact = trimmed
        return _DROP.sub("", compact)

    def _next_form(self, compact: str, start: int) -> int:
        """The first Japanese form from place ``start`` on that ``compact`` starts or ends with
        (-1: none)."""
        at = self._ja_form_at
        found = [
            k
            for n in self._ja_form_lengths
            if n <= len(compact)
            for k in (at.get(compact[:n], -1), at.get(compact[-n:], -1))
            if k >= start
        ]
        return min(found, default=-1)

    def _read_japanese(self, s: str, variant: int = 0) -> list[str]:
        words: list[str] = []
        for word, chunk in self._ja_plan(s):
            if chunk is None:
                words.append(word)
            else:
                words += self._romanise(chunk, variant)
        return words

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Reader per rules bundle
    def _ja_plan(self, s: str) -> tuple[tuple[str, str | None], ...]:
        """A Japanese name as its dictionary words ``(word, None)`` and the chunks between
        them to romanise ``("", chunk)``, in order: the same for every romanisation, so cut
        once per name."""
        compact = self._strip_ja_forms(s)
        plan: list[tuple[str, str | None]] = []
        for part in _KATA_RUN.split(compact):
            if _KATAKANA.match(part):
                head, middle, tail = self._peel(part)
                plan += [(self._ja_word_of[w], None) for w in head]
                if middle:
                    plan.append(("", middle))
                plan += [(self._ja_word_of[w], None) for w in tail]
                continue
            pos = 0
            for m in self._ja_scan.finditer(part) if self._ja_scan else ():
                plan.append(("", part[pos : m.start()]))
                plan.append((self._ja_word_of[m.group()], None))
                pos = m.end()
            plan.append(("", part[pos:]))
        return tuple(plan)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Reader per rules bundle
    def _peel(self, run: str) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
        """A katakana run as dictionary words at its ends and the rest between: ダイナムジャパン
        ホールディングス is ダイナム + japan + holdings; a word is taken only when it is the whole
        run or leaves at least three kana (プラネット is not プラ + net)."""
        head: list[str] = []
        tail: list[str] = []
        peeled = True
        while peeled and run:
            peeled = False
            for w in self._kata_words:  # longest first
                rest = len(run) - len(w)
                if run.endswith(w) and (rest == 0 or rest >= 3):
                    tail.insert(0, w)
                    run, peeled = run[:rest], True
                    break
                if run.startswith(w) and (rest == 0 or rest >= 3):
                    head.append(w)
                    run, peeled = run[len(w) :], True
                    break
        return tuple(head), run, tuple(tail)

    def _romanise(self, chunk: str, variant: int = 0) -> list[str]:
        return list(self._romanised(chunk, variant))

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Reader per rules bundle; chunks repeat
    def _romanised(self, chunk: str, variant: int) -> tuple[str, ...]:
        return tuple(self._romanise_chunk(chunk, variant))

    def _romanise_chunk(self, chunk: str, variant: int) -> list[str]:
        out: list[str] = []
        for part in _LATIN_RUN.split(chunk):
            if not part:
                continue
            if part.isascii():
                out += [fold_word(w) for w in _latin_words(part)]
                continue
            romaji = self.engines[variant](part)
            if romaji is None:  # the engine cannot read it (kanji without an analyser)
                return ["?"]
            out += [fold_word(w) for w in _latin_words(romaji)]
        return out

    # -- Latin

    def _read_latin(self, s: str) -> list[str]:
        return _latin_words(s)

    def _map_phrases(self, words: list[str]) -> list[str]:
        if "?" in words:
            return []
        out: list[str] = []
        i = 0
        while i < len(words):
            # a word that starts no phrase is mapped alone (the phrases tried only where one may
            # start)
            longest = self._max_phrase if fold_word(words[i]) in self._phrase_heads else 0
            for n in range(min(longest, len(words) - i), 0, -1):
                canon = self._phrases.get(tuple(map(fold_word, words[i : i + n])))
                if canon is not None:
                    out.append(canon)
                    i += n
                    break
            else:
                if words[i] in self._canonical:  # a dictionary word of a Japanese name
                    out.append(words[i])
                    i += 1
                    continue
                out.append(fold_word(words[i]))
                i += 1
        return out

    def _drop_forms(self, words: list[str]) -> list[str]:
        """English legal forms at either end (Co., Ltd.; Kabushiki Kaisha; the K.K.)."""
        changed = True
        while changed and words:
            changed = False
            first, last = _end_tokens(words)
            if first is None or (
                first not in self._en_form_first and last not in self._en_form_last
            ):
                break
            for form in self._en_forms:
                n = len(form)
                # a form ends (starts) the words only if its last (first) word is their last
                # (first) word: the others are not joined and split
                if (
                    len(words) > n
                    and form[-1] == last
                    and tuple(" ".join(words[-n:]).split()) == form
                ):
                    words, changed = words[:-n], True
                    first, last = _end_tokens(words)
                elif (
                    len(words) > n
                    and form[0] == first
                    and tuple(" ".join(words[:n]).split()) == form
                ):
                    words, changed = words[n:], True
                    first, last = _end_tokens(words)
        if words and words[0] == "the":
            words = words[1:]
        return words


def _end_tokens(words: list[str]) -> tuple[str | None, str | None]:
    """The first and last of ``" ".join(words).split()`` (None, None when there is none),
    without joining and splitting every word."""
    head = words[0].split(maxsplit=1) if words else []
    tail = words[-1].rsplit(maxsplit=1) if words else []
    if head and tail:
        return head[0], tail[-1]
    tokens = " ".join(words).split()
    return (tokens[0], tokens[-1]) if tokens else (None, None)


# ----------------------------------------------------------------------------- engines


def available_engine(name: str = "auto") -> str:
    """The engine ``name`` resolves to here: auto tries cutlet, then pykakasi, then kana."""
    order = ("cutlet", "pykakasi", "kana") if name == "auto" else (name,)
    for engine in order:
        if engine == "kana" or _importable(engine):
            return engine
    return "kana"


def _importable(engine: str) -> bool:
    import importlib.util

    try:
        if engine == "cutlet":
            return all(
                importlib.util.find_spec(m) is not None
                for m in ("cutlet", "fugashi", "unidic_lite")
            )
        return importlib.util.find_spec(engine) is not None
    except (ImportError, ValueError):
        return False


@functools.lru_cache(maxsize=4)
def _engine(name: str) -> Any:
    engine = available_engine(name)
    if engine == "cutlet":
        try:
            by_cutlet = _cutlet_engines()
        except Exception as exc:  # MeCab could not open its dictionary: memory, a broken install
            return _instead("cutlet", exc, "pykakasi" if _importable("pykakasi") else "kana")
        more = _engine("pykakasi") if name == "auto" and _importable("pykakasi") else ()
        return (*by_cutlet, *more)
    if engine == "pykakasi":
        try:
            import pykakasi

            kks = pykakasi.kakasi()
        except Exception as exc:  # its dictionary could not be loaded
            return _instead("pykakasi", exc, "kana")
        _quicker_kakasi(kks)

        def by_kakasi(text: str) -> str | None:
            return " ".join(x["hepburn"] for x in kks.convert(text))

        return (by_kakasi,)
    return (kana_romaji,)


# a word's romaji by cutlet and whether unidic gives it an English spelling, per (English
# spellings or not, the word's node as MeCab gave it)
_WORD_ROMAJI: dict[tuple[bool, str, str, bool, int], tuple[str, bool]] = {}
# texts cutlet read with English spellings none of whose words has one: their Hepburn is the same
_READ_ALIKE: dict[str, str] = {}


def _cutlet_engines() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """cutlet's two Hepburn romanisations: loanwords in unidic's English spelling (ハウス:
    house), and all in Hepburn (hausu).

    Quicker than cutlet alone, with the same letters. cutlet maps each word's kana to letters in
    Python, name by name, where a tracker's names repeat their words (山田, 物産, システム: 5,922
    distinct words in the 100k tracker's 12,954 texts to read): a word's romaji depends only on
    its node's surface, its dictionary features, whether MeCab knew it and its character class,
    so it is made once per such node (the words around it are still cutlet's: spaces, a small
    tsu before the next word). And the two romanisations differ only on words with an English
    spelling (94% of those texts have none): a text read the first way without one is not read
    again the second way."""
    import cutlet
    from cutlet.cutlet import has_foreign_lemma

    katsus = (cutlet.Cutlet("hepburn"), cutlet.Cutlet("hepburn"))
    katsus[1].use_foreign_spelling = False
    spelled = [False]  # a word of the text being read has an English spelling

    for katsu in katsus:
        stock, foreign = katsu.romaji_word, bool(katsu.use_foreign_spelling)

        def romaji_word(word: Any, stock: Any = stock, foreign: bool = foreign) -> str:
            node = (str(word.surface), str(word.feature_raw), bool(word.is_unk), word.char_type)
            key = (foreign, *node)
            got = _WORD_ROMAJI.get(key)
            if got is None:
                got = _WORD_ROMAJI[key] = (stock(word), bool(has_foreign_lemma(word)))
            spelled[0] = spelled[0] or got[1]
            return got[0]

        katsu.romaji_word = romaji_word  # cutlet's romaji_tokens calls it per word

    def english(text: str) -> str:
        spelled[0] = False
        romaji = str(katsus[0].romaji(text, capitalize=False))
        if not spelled[0]:
            _READ_ALIKE[text] = romaji
        return romaji

    def hepburn(text: str) -> str:
        # each engine's answers are cached by the reader: a text is asked for once each way
        romaji = _READ_ALIKE.pop(text, None)
        return romaji if romaji is not None else str(katsus[1].romaji(text, capitalize=False))

    return english, hepburn


def _quicker_kakasi(kks: Any) -> None:
    """pykakasi with the same results, quicker: its kanji lookup tests every dictionary word
    that starts with the kanji (thousands for 日 or 山) for each kanji of a name, where looking up
    the name's own prefixes, longest first, finds the same word (a prefix is one key of the
    table); and its cache of converted words holds 256, where a tracker has thousands. Uses
    pykakasi 2.x's insides: when they are not there, the stock converter stays."""
    try:
        from pykakasi.kanji import JConv
        from pykakasi.scripts import IConv

        inner = kks._kakasi
        jconv, iconv = inner._jconv, inner._iconv
        load, variants = jconv._kanwa.load, jconv._itaiji.convert
        stock_kanji, stock_words = JConv.convert.__wrapped__, IConv.convert.__wrapped__
    except Exception:  # noqa: BLE001 - another pykakasi: keep its own converter
        return
    lengths: dict[str, list[int]] = {}

    @functools.lru_cache(maxsize=65536)
    def convert(itext: str, btext: str) -> tuple[str, int]:
        text = variants(itext)
        if len(text) != len(itext):  # variation selectors: pykakasi counts them back in
            return stock_kanji(jconv, itext, btext)
        table = load(text[0])
        if table is None:
            return "", 0
        sizes = lengths.get(text[0])
        if sizes is None:
            sizes = lengths[text[0]] = sorted({len(k) for k in table}, reverse=True)
        for n in sizes:
            entries = table.get(text[:n]) if n <= len(text) else None
            # the first reading whose condition holds (the kana that follows, for okurigana)
            yomi = next((y for y, con in entries or () if con is None or btext in con), None)
            if yomi is not None:
                return yomi, n
        return "", 0

    jconv.convert = convert
    iconv.convert = functools.lru_cache(maxsize=65536)(functools.partial(stock_words, iconv))


def _instead(engine: str, exc: Exception, fallback: str) -> Any:
    """The engines of ``fallback``, with one warning line saying why (stderr, through logging):
    a reading engine that is installed but cannot start makes the run read Japanese names with
    less, not fail."""
    import logging

    why = next((ln.strip(" :") for ln in str(exc).splitlines() if ln.strip(" :")), "")
    logging.getLogger("sfa_migrate").warning(
        "warning: the %s reading engine could not start (%s%s); Japanese company names are "
        "read with %s instead, so fewer Japanese and English names of one company may be "
        "matched. Reinstall it (pip install 'sfa-migrate[readings]') or give the run more "
        "memory.",
        engine,
        type(exc).__name__,
        f": {why}" if why else "",
        "its built-in kana table" if fallback == "kana" else fallback,
    )
    return _engine(fallback)


_KANA = {
    **dict(zip("アイウエオ", ["a", "i", "u", "e", "o"])),
    **dict(zip("カキクケコ", ["ka", "ki", "ku", "ke", "ko"])),
    **dict(zip("ガギグゲゴ", ["ga", "gi", "gu", "ge", "go"])),
    **dict(zip("サシスセソ", ["sa", "shi", "su", "se", "so"])),
    **dict(zip("ザジズゼゾ", ["za", "ji", "zu", "ze", "zo"])),
    **dict(zip("タチツテト", ["ta", "chi", "tsu", "te", "to"])),
    **dict(zip("ダヂヅデド", ["da", "ji", "zu", "de", "do"])),
    **dict(zip("ナニヌネノ", ["na", "ni", "nu", "ne", "no"])),
    **dict(zip("ハヒフヘホ", ["ha", "hi", "fu", "he", "ho"])),
    **dict(zip("バビブベボ", ["ba", "bi", "bu", "be", "bo"])),
    **dict(zip("パピプペポ", ["pa", "pi", "pu", "pe", "po"])),
    **dict(zip("マミムメモ", ["ma", "mi", "mu", "me", "mo"])),
    **dict(zip("ヤユヨ", ["ya", "yu", "yo"])),
    **dict(zip("ラリルレロ", ["ra", "ri", "ru", "re", "ro"])),
    **dict(zip("ワヰヱヲン", ["wa", "i", "e", "o", "n"])),
    **dict(zip("ァィゥェォ", ["a", "i", "u", "e", "o"])),
    "ヴ": "vu",
}
_YOON = {"ャ": "a", "ュ": "u", "ョ": "o"}
_SMALL_VOWEL = {"ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}


def kana_romaji(text: str) -> str | None:
    """Hepburn romaji of kana (the built-in engine); None when the text holds kanji."""
    if _KANJI.search(text):
        return None
    k = _nfkc(text).translate({c: c + 0x60 for c in range(0x3041, 0x3097)})
    out: list[str] = []
    geminate = False
    for ch in k:
        if ch == "ッ":
            geminate = True
            continue
        if ch in _YOON and out and out[-1].endswith("i") and len(out[-1]) >= 2:
            base = out[-1][:-1]
            out[-1] = (base if base[-1] in "hj" else base + "y") + _YOON[ch]
            continue
        if ch in _SMALL_VOWEL and out and len(out[-1]) >= 2:
            out[-1] = out[-1][:-1] + _SMALL_VOWEL[ch]
            continue
        if ch == "ー":
            if out:
                out[-1] += out[-1][-1]
            continue
        syl = _KANA.get(ch)
        if syl is None:
            out.append(" ")
            continue
        if geminate and syl[0] not in "aeiou":
            syl = ("t" if syl.startswith("ch") else syl[0]) + syl
        geminate = False
        out.append(syl)
    return "".join(out)


# ----------------------------------------------------------------------------- matching


_SOUNDS = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "s"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"q"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"(?<=s)ch"), ""),
    (re.compile(r"tch"), "t"),
    (re.compile(r"ch"), "t"),
    (re.compile(r"c"), "k"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"ts"), "t"),
    (re.compile(r"(?<=[aeiou])r(?![aeiouy])"), ""),  # inter: インター (inta)
    (re.compile(r"g(?=[ei])"), "j"),
    (re.compile(r"l"), "r"),
    (re.compile(r"v"), "b"),
    (re.compile(r"[yhw]"), ""),
    (re.compile(r"(?<=.)[aeiou]+"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
)


@functools.lru_cache(maxsize=65536)  # a word's sound is asked for by every name that holds it
def sound_key(key: str) -> str:
    """A reading key as its consonants: スプリックス (supurikkusu) and SPRIX both sound ``sprks``.

    Katakana spells an English word with vowels between consonants and doubled stops, English
    spells it with c, x, l, ph: what is left after both are undone is the consonant frame. Loose
    by design: a level of its own, taken only when unique on both sides."""
    k = key
    for pattern, repl in _SOUNDS:
        k = pattern.sub(repl, k)
    return k


Keys = list[tuple[str, ...]]


def match_readings(
    left: Keys,
    right: Keys,
    *,
    left_core: Keys | None = None,
    right_core: Keys | None = None,
    left_sound: Keys | None = None,
    right_sound: Keys | None = None,
    close: float = 0.9,
    margin: float = 0.04,
    levels: tuple[str, ...] = ("same", "sound", "core", "aligned", "close", "close_sound"),
    min_sound: int = 4,
    compatible: Callable[[int, int], bool] | None = None,
    align: Callable[[set[int], set[int]], list[tuple[int, int]]] | None = None,
    acronym: Callable[[set[int], set[int]], list[tuple[int, int]]] | None = None,
) -> list[tuple[int, int, str]]:
    """Pairs (i, j, level) of two lists of names, each given by its reading keys
        (:meth:`Reader.keys`: one or more per name), that name one company on names alone.

        A cross-script match is medium evidence by itself, so a pair is made only when it is
        unique on both sides, level by level on what is still unpaired: ``same`` when a key is
        held by exactly one name on each side; ``sound`` when a sound key (:meth:`Reader.sounds`,
        at least ``min_sound`` consonants) is, ``core`` when a core is (the key without the
        dictionary's words: FURUKAWA Co., Ltd. and 古河機械金属 both ``furukawa``); ``close`` when the
        first keys are similar (rapidfuzz ratio at least ``close``), each is the other's best by
        ``margin``, and their cores are as close (Oki Electric Industry is not Okaya Electric
        Industries). ``compatible(i, j)`` (:meth:`Reader.compatible`) vets the ``core`` and ``close``
    pairs: 江ノ島電鉄 (railway) is not Konoshima Chemical. ``aligned`` pairs are those
    ``align(done_l, done_r)`` returns (:meth:`reading_align.Aligner.pairs`: every English word a
    reading or a translation of the Japanese words in order, 太平洋工業 / Pacific Industrial). Candidates come from equal keys and from the first and last three letters of
        a key (near-linear).
    """
    pairs: list[tuple[int, int, str]] = []
    done_l: set[int] = set()
    done_r: set[int] = set()
    given = {
        "same": (left, right),
        "sound": (left_sound, right_sound),
        "core": (left_core, right_core),
    }
    for level in levels:
        if level == "aligned":
            # word by word, each word read or translated (reading_align.Aligner.pairs)
            found = align(done_l, done_r) if align is not None else []
        elif level == "acronym":
            # NEC / 日本電気 (reading_align.Aligner.acronym_pairs): not a default level, an
            # acronym is a review pair (reading_links), never a merge by itself
            found = acronym(done_l, done_r) if acronym is not None else []
        elif level in ("close", "close_sound"):
            ll, rr = (left, right) if level == "close" else (left_sound, right_sound)
            if ll is None or rr is None:
                continue
            lk = [k[0] if k else "" for k in ll]
            rk = [k[0] if k else "" for k in rr]
            found = _close_pairs(lk, rk, done_l, done_r, close, margin)
            if level == "close" and left_core is not None and right_core is not None:
                found = [
                    (i, j)
                    for i, j in found
                    if left_core[i]
                    and right_core[j]
                    and _similarity(left_core[i][0], right_core[j][0]) >= close
                ]
        else:
            lks, rks = given[level]
            if lks is None or rks is None:
                continue
            found = _unique_pairs(lks, rks, done_l, done_r, 1 if level == "same" else min_sound)
        if level in ("core", "close", "close_sound") and compatible is not None:
            found = [(i, j) for i, j in found if compatible(i, j)]
        for i, j in found:
            pairs.append((i, j, level))
            done_l.add(i)
            done_r.add(j)
    return sorted(pairs)


def _unique_pairs(
    left: Keys, right: Keys, done_l: set[int], done_r: set[int], shortest: int
) -> list[tuple[int, int]]:
    """Keys held by exactly one name on each side (the names paired already left out)."""
    holders_r = _holders(right, shortest)
    # a left key the right side does not hold pairs nothing: only the shared ones are filed
    holders_l = _holders(left, shortest, among=holders_r)
    out = []
    used_l: set[int] = set()
    used_r: set[int] = set()
    for k, ii in holders_l.items():
        jj = holders_r.get(k, set())
        if len(ii) != 1 or len(jj) != 1:
            continue
        i, j = next(iter(ii)), next(iter(jj))
        if i in done_l or j in done_r or i in used_l or j in used_r:
            continue
        out.append((i, j))
        used_l.add(i)
        used_r.add(j)
    return out


def _holders(
    keys: Keys, shortest: int, among: Mapping[str, object] | None = None
) -> dict[str, set[int]]:
    """The names holding each key of at least ``shortest`` letters outside brackets (the
    dictionary's words in a sound key), only the keys of ``among`` when given."""
    out: dict[str, set[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            if among is not None and k not in among:
                continue
            if len(k if "[" not in k else _BRACKETED.sub("", k)) >= shortest:
                out.setdefault(k, set()).add(i)
    return out


_BRACKETED = re.compile(r"\[[^\]]*\]")


def _similarity(a: str, b: str) -> float:
    from rapidfuzz.distance import Indel

    return float(Indel.normalized_similarity(a, b))


# cells of one matrix of close-reading scores (8 bytes each): a block's keys are scored in parts
CLOSE_CELLS = 2_000_000


def _open_keys(keys: list[str], done: set[int], other: set[str]) -> dict[str, list[int]]:
    """The names still open for a close reading, by key (a key the other side holds is a
    ``same`` pair's business, not a close one's)."""
    out: dict[str, list[int]] = {}
    for n, k in enumerate(keys):
        if k and n not in done and k not in other:
            out.setdefault(k, []).append(n)
    return out


def _key_blocks(keys: Iterable[str]) -> dict[str, list[str]]:
    """Keys by their first and by their last three letters."""
    out: dict[str, list[str]] = {}
    for k in keys:
        for b in ("^" + k[:3], k[-3:] + "$"):
            out.setdefault(b, []).append(k)
    return out


def _close_pairs(
    left: list[str],
    right: list[str],
    done_l: set[int],
    done_r: set[int],
    close: float,
    margin: float,
) -> list[tuple[int, int]]:
    """Pairs (i, j) whose keys are close (Indel similarity at least ``close``), each the
    other's best by ``margin``. Candidates share their first or last three letters; the
    blocks grow with the names (1.7M pairs of names at 100k rows, a hundred times that at a
    million), so each block's *distinct* keys are scored as one matrix in C (rapidfuzz
    ``cdist``, float64: the floats of one call per pair), in parts of ``CLOSE_CELLS``."""
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    names_l = _open_keys(left, done_l, set(right))
    names_r = _open_keys(right, done_r, set(left))
    blocks_l = _key_blocks(names_l)
    cutoff = close - margin
    scores: dict[tuple[str, str], float] = {}
    for block, rk in _key_blocks(names_r).items():
        lk = blocks_l.get(block, [])
        step = max(CLOSE_CELLS // len(rk), 1)
        for at in range(0, len(lk), step):
            part = lk[at : at + step]
            m = process.cdist(
                part,
                rk,
                scorer=Indel.normalized_similarity,
                score_cutoff=cutoff,
                dtype=np.float64,
                workers=-1,
            )
            x, y = np.nonzero(m >= cutoff)
            for a, b, s in zip(x.tolist(), y.tolist(), m[x, y].tolist()):
                scores[(part[a], rk[b])] = s
    best_l: dict[int, list[tuple[float, int]]] = {}
    best_r: dict[int, list[tuple[float, int]]] = {}
    for (kl, kr), score in scores.items():
        for i in names_l[kl]:
            for j in names_r[kr]:
                best_l.setdefault(i, []).append((score, j))
                best_r.setdefault(j, []).append((score, i))
    out = []
    for i, scored in best_l.items():
        scored.sort(reverse=True)
        score, j = scored[0]
        if score < close or (len(scored) > 1 and scored[1][0] > score - margin):
            continue
        others = sorted(best_r[j], reverse=True)
        if others[0][1] != i or (len(others) > 1 and others[1][0] > score - margin):
            continue
        out.append((i, j))
    return sorted(out)


# ----------------------------------------------------------------------------- entry points

# every reader made, for :func:`clear_caches` (its engines' caches are its own)
_READERS: weakref.WeakSet[Reader] = weakref.WeakSet()


def clear_caches() -> None:
    """Let go of what reading names has cached: each name's words and readings, the engines'
    romanised chunks and words, the aligner's tokens
    (:func:`migrate.normalize.reading_align.clear_caches`).

    The readers themselves and their dictionaries stay. A run reads its names once, in the
    duplicates stage; at 1M rows these caches hold hundreds of MB (up to 65,536 entries each)
    that the rest of the stage can use instead. The caches only save time: reading again gives
    the same answers."""
    from .reading_align import clear_caches as clear_aligner

    for cached in (
        Reader._words,
        Reader._finish,
        Reader._strip_ja_forms,
        Reader._ja_plan,
        Reader._peel,
        Reader._romanised,
        fold_word,
        sound_key,
    ):
        cached.cache_clear()
    for reader in list(_READERS):
        for engine in reader.engines:
            engine.cache_clear()
    _WORD_ROMAJI.clear()
    _READ_ALIKE.clear()
    clear_aligner()


@functools.lru_cache(maxsize=8)
def reader_for(directory: str | None = None) -> Reader:
    """The :class:`Reader` of a rules directory (the active one when None), with its legal forms."""
    from ..bundle import load_rules_bundle

    bundle = load_rules_bundle(directory)
    return Reader(bundle.readings, bundle.legal_form_spellings)


def company_reading(name: str, directory: str | None = None) -> str:
    """The reading of one company name with the rules of ``directory``."""
    return reader_for(directory).read(name)


__all__ = [
    "ENGINES",
    "Reader",
    "ReadingRules",
    "available_engine",
    "clear_caches",
    "company_reading",
    "fold_word",
    "is_japanese",
    "kana_romaji",
    "match_readings",
    "parse_reading_rules",
    "reader_for",
    "sound_key",
]

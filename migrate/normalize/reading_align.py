"""Aligned readings: a Japanese company name word by word against an English one.

In: a Japanese name and an English name, read with the rules of rules/readings.yaml. Out:
whether every word of the English name is a reading or a translation of the Japanese words in
order (:meth:`Aligner.aligns`), and the pairs of two name lists that align one to one
(:meth:`Aligner.pairs`).

A key (:meth:`migrate.normalize.readings.Reader.keys`) holds one spelling per word; an English
name that translates one word and romanises the next (太平洋工業 / Pacific Industrial, 住友精化 /
Sumitomo Seika Chemicals) or reads a kanji another way (大和 yamato / Daiwa) has another. Here
the Japanese name is cut into words (morphemes by fugashi when installed; the dictionary words
whole, only where a morpheme starts and ends, so 新潟 is not 新 + 潟) and each word gets every
spelling it can have:

* a dictionary word (``words``, ``loanwords``): each of its spellings and its romanisation
  (工業: industry, industries, industrial, kogyo);
* a word read by the engine: each romanisation, the alternates of ``alternates`` (大和: daiwa)
  and, with pykakasi installed, its dictionary's readings of the word and of its kanji one by
  one (北興: hokuko, hokko), the second and later kanji also voiced (島: shima, jima);
* a Latin word: itself.

The English name, its legal forms removed, aligns when its letters are the spellings of the
Japanese words in order, one each, words of ``optional`` skipped on either side (the, Japan,
Company on the English side; 日本, 工業 on the Japanese side when the English name drops them).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .readings import (
    _KATA_RUN,
    _KATAKANA,
    _LATIN_RUN,
    Reader,
    _latin_words,
    _nfkc,
    fold_word,
    kana_romaji,
    sound_key,
)
from .readings import _SOUNDS as _SOUND_RULES

#: a kanji word read kanji by kanji has at most this many spellings (大 alone has eight readings)
MAX_FORMS = 256
#: a block of English names larger than this is too common a start to compare within (near-
#: linear on large trackers; the other levels still pair those names)
MAX_BLOCK = 300
#: candidates share the first this many letters of a spelling (or the sound of a first word)
START = 4
#: readings of one kanji tried (pykakasi lists the common ones first)
READINGS_PER_KANJI = 6
_KANA_ONLY = re.compile(r"^[ぁ-ゖァ-ヺー]+$")
_REMARK = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_KANJI = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\u3005]+$")
# a syllable before a voiceless one is doubled (北 hoku + 興 ko: hokko, 日 nichi + 特 toku: nittoku)
_GEMINATE = re.compile(r"(?:ku|ki|tsu|chi|tu|ti)$")
_VOICED = {"k": "g", "s": "z", "t": "d", "h": "b", "f": "b", "c": "j"}


# the Latin letters spelled in katakana (ＮＥＣ written エヌ・イー・シー), each with its spellings
_LETTERS = {
    "a": "エー エイ",
    "b": "ビー ビイ",
    "c": "シー シイ",
    "d": "ディー デー デイ ディ",
    "e": "イー イイ",
    "f": "エフ",
    "g": "ジー ジイ",
    "h": "エイチ エッチ エーチ",
    "i": "アイ",
    "j": "ジェイ ジェー",
    "k": "ケー ケイ",
    "l": "エル",
    "m": "エム",
    "n": "エヌ",
    "o": "オー",
    "p": "ピー ピイ",
    "q": "キュー",
    "r": "アール",
    "s": "エス",
    "t": "ティー テー テイ ティ",
    "u": "ユー",
    "v": "ブイ ヴィ ヴィー",
    "w": "ダブリュー ダブリュ",
    "x": "エックス",
    "y": "ワイ",
    "z": "ゼット ズィー",
}
_LETTER_OF = {kana: latin for latin, names in _LETTERS.items() for kana in names.split()}


def spelled_letters(kana: str) -> tuple[str, ...]:
    """The Latin letters a katakana word spells, every way (シイエムシイ: cmc), or none."""
    out: list[str] = []

    def walk(at: int, got: str) -> None:
        if len(out) >= 8:
            return
        if at == len(kana):
            out.append(got)
            return
        for n in (4, 3, 2):
            latin = _LETTER_OF.get(kana[at : at + n])
            if latin:
                walk(at + n, got + latin)

    walk(0, "")
    return tuple(w for w in dict.fromkeys(out) if len(w) >= 2)


@dataclass(frozen=True)
class Token:
    """One word of a Japanese name: its spellings (folded, without spaces)."""

    surface: str
    forms: frozenset[str]
    optional: bool = False
    #: the consonant frames of a word written in katakana (:func:`sound_key`): ファナック
    #: (fanakku) and FANUC are one word though no spelling of it is FANUC
    sounds: frozenset[str] = frozenset()
    #: a dictionary word (建設, 機械): an English name may leave it out (鹿島建設 / Kajima
    #: Corporation), at a cost, so that a name that keeps it wins
    generic: bool = False
    #: spellings read kanji by kanji (pykakasi): likely only when nothing better aligns
    weak: frozenset[str] = frozenset()


class Aligner:
    """Aligns Japanese names on English ones with the rules of one :class:`Reader`."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        rules = reader.rules
        self.optional = frozenset("".join(map(fold_word, _latin_words(w))) for w in rules.optional)
        self._forms: dict[str, frozenset[str]] = {}
        self._optional_ja: set[str] = set()
        for ja, spellings in rules.dictionary:
            forms = {"".join(map(fold_word, _latin_words(s))) for s in spellings}
            self._forms[ja] = frozenset(f for f in forms if f)
            if "".join(map(fold_word, _latin_words(spellings[0]))) in self.optional:
                self._optional_ja.add(ja)
        self._alternates = {
            ja: frozenset("".join(map(fold_word, _latin_words(s))) for s in spellings)
            for ja, spellings in rules.alternates
        }
        self._kanji_words = {ja for ja in self._forms if not _KATAKANA.match(ja)}
        mixed = sorted(
            (ja for ja in self._kanji_words if _KATA_RUN.search(ja)), key=len, reverse=True
        )
        self._mixed = re.compile("(" + "|".join(map(re.escape, mixed)) + ")") if mixed else None
        # the initials of every spelling of a dictionary word (不動産: r(eal) e(state), f(udosan))
        self._initials = {
            ja: frozenset(
                "".join(w[0] for w in _latin_words(sp)) for sp in spellings if _latin_words(sp)
            )
            for ja, spellings in rules.dictionary
        }
        # the English words of the trade (single-word spellings of ``words``: machinery,
        # cosmetics) an English name may add
        self._droppable = frozenset(
            f for ja, spellings in rules.words for sp in spellings
            if len(ws := _latin_words(sp)) == 1 and len(f := fold_word(ws[0])) >= 4
        ) - self.optional  # fmt: skip
        # the words of the trade (``words``) an English name may leave out; not the loanwords
        # (Holdings, Group: a holding company is not its operating company)
        self._words = {ja for ja, _ in rules.words}
        self._longest = max((len(w) for w in self._kanji_words), default=1)
        # an English spelling of a dictionary word -> every spelling of its entries (TECH in a
        # Japanese name is technology too)
        self._latin_forms: dict[str, set[str]] = {}
        for spelled in self._forms.values():
            for f in spelled:
                self._latin_forms.setdefault(f, set()).update(spelled)

    # -- the two sides

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Aligner per Reader
    def ja_tokens(self, name: str) -> tuple[Token, ...]:
        """The words of a Japanese name with their spellings (empty when it cannot be read)."""
        # a remark in brackets at the end (（定款上の商号 パーク２４株式会社）) is no part of the name
        name = _REMARK.sub("", _nfkc(name).strip()) or name
        compact = self.reader._strip_ja_forms(_nfkc(name).strip())
        tokens: list[Token] = []
        # dictionary words in two scripts first (製パン: baking), then the rest run by run
        pieces = self._mixed.split(compact) if self._mixed else [compact]
        for k, piece in enumerate(pieces):
            if k % 2:
                tokens.append(self._word(piece))
            else:
                tokens += self._run_tokens(piece)
        if any(not t.forms for t in tokens):
            return ()
        return tuple(tokens)

    def _run_tokens(self, compact: str) -> list[Token]:
        """The words of a name's katakana runs, Latin runs and kanji runs."""
        tokens: list[Token] = []
        for part in _KATA_RUN.split(compact):
            if not part:
                continue
            if _KATAKANA.match(part):
                head, middle, tail = self.reader._peel(part)
                tokens += [self._word(w) for w in head]
                if middle:
                    tokens.append(self._kana_word(middle))
                tokens += [self._word(w) for w in tail]
                continue
            for chunk in _LATIN_RUN.split(part):
                if not chunk:
                    continue
                if chunk.isascii():
                    for w in _latin_words(chunk):
                        f = fold_word(w)
                        spelled = {f} | self._latin_forms.get(f, set())
                        tokens.append(Token(w, frozenset(spelled), f in self.optional))
                else:
                    tokens += self._kanji_tokens(chunk)
        return tokens

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Aligner per Reader; words repeat
    def _kana_word(self, middle: str) -> Token:
        """A katakana word that is no dictionary word: its readings, the letters it may spell
        (シイエムシイ: cmc) and its sounds (once per word, not per name holding it)."""
        plain = self._plain(middle, kana=True)
        sounds = frozenset(_sound(f) for f in plain.forms)
        forms = plain.forms | set(spelled_letters(middle))
        return Token(middle, frozenset(forms), sounds=sounds)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Aligner per Reader; names repeat
    def en_words(self, name: str) -> tuple[str, ...]:
        """The folded words of a Latin name without its legal forms."""
        words = [fold_word(w) for w in _latin_words(_nfkc(name))]
        return tuple(w for w in self.reader._drop_forms(words) if w)

    def en_variants(self, name: str) -> list[tuple[tuple[str, ...], float]]:
        """The words of a Latin name and what reading them so costs: as written; in Japanese
        order when it says "X of Y" (The Bank of Fukuoka: fukuoka bank); its first two names
        the other way round (Sumitomo Mitsui / 三井住友, Watanabe Sato / 佐藤渡辺)."""
        words = self.en_words(name)
        if not words:
            return []
        out = [(words, 0.0)]
        if "of" in words[1:-1]:
            k = words.index("of")
            out.append((words[k + 1 :] + words[:k], 0.0))
        first, second = words[0], words[1] if len(words) > 1 else ""
        if min(len(first), len(second)) >= 3 and not {first, second} & self.optional:
            out.append(((second, first, *words[2:]), SWAP_COST))
        return out

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Aligner per Reader; words repeat
    def _word(self, ja: str) -> Token:
        forms = set(self._forms[ja])
        romaji = self._romaji(ja)
        forms |= romaji
        return Token(ja, frozenset(forms), ja in self._optional_ja, generic=ja in self._words)

    def _kanji_tokens(self, chunk: str) -> list[Token]:
        """Dictionary words where morphemes start and end; the morphemes between, one token."""
        cuts = self._cuts(chunk)
        out: list[Token] = []
        plain_from = 0
        pos = 0
        while pos < len(chunk):
            found = None
            if pos in cuts:
                for n in range(min(self._longest, len(chunk) - pos), 0, -1):
                    w = chunk[pos : pos + n]
                    if w in self._kanji_words and pos + n in cuts:
                        found = w
                        break
            if found is None:
                pos += 1
                continue
            if plain_from < pos:
                out.append(self._plain(chunk[plain_from:pos]))
            out.append(self._word(found))
            pos += len(found)
            plain_from = pos
        if plain_from < len(chunk):
            out.append(self._plain(chunk[plain_from:]))
        return out

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Aligner per Reader; chunks repeat
    def _cuts(self, chunk: str) -> frozenset[int]:
        """Where the morphemes of a chunk start and end (every position without an analyser)."""
        tagger = _tagger()
        if tagger is None:
            return frozenset(range(len(chunk) + 1))
        cuts = {0}
        at = 0
        for node in tagger(chunk):
            at += len(node.surface)
            cuts.add(at)
        return frozenset(cuts)

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Aligner per Reader; words repeat
    def _plain(self, text: str, kana: bool = False) -> Token:
        forms = set(self._romaji(text))
        forms |= self._alternates.get(text, frozenset())
        weak: frozenset[str] = frozenset()
        if not kana:
            whole, by_kanji = _kanwa_forms(text)
            forms |= whole
            weak = by_kanji - forms
            forms |= weak
        forms.discard("")
        # a word in kana is heard like katakana (りそな / Resona)
        sounds = frozenset(map(_sound, forms)) if _KANA_ONLY.match(text) else frozenset()
        return Token(text, frozenset(forms), sounds=sounds, weak=weak)

    def _romaji(self, text: str) -> set[str]:
        return set(self._romaji_forms(text))

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Aligner per Reader; words repeat
    def _romaji_forms(self, text: str) -> frozenset[str]:
        out = set()
        for engine in self.reader.engines:
            romaji = engine(text)
            if romaji:
                out.add("".join(map(fold_word, _latin_words(romaji))))
        tagger = _tagger()
        if tagger is not None:
            kana = "".join(str(n.feature.kana or n.surface) for n in tagger(text))
            romaji = kana_romaji(kana)
            if romaji:
                out.add("".join(map(fold_word, _latin_words(romaji))))
        return frozenset(out)

    # -- acronyms

    def acronym(self, en_name: str) -> str:
        """The acronym an English name is (NEC Corporation: nec; T.D.I. Co., Ltd.: tdi), or ''.

        An acronym is one word of two to five capitals, or two to five single letters, left
        when the legal forms are gone."""
        words = self.en_words(en_name)
        raw = set(re.findall(r"[A-Za-z]+", _nfkc(en_name)))
        if len(words) == 1 and 2 <= len(words[0]) <= 5 and words[0].upper() in raw:
            return words[0] if words[0] not in self._latin_forms else ""
        if 2 <= len(words) <= 5 and all(len(w) == 1 and w.isalpha() for w in words):
            return "".join(words)
        return ""

    def initials(self, ja_name: str) -> frozenset[str]:
        """The acronyms a Japanese name can have: an initial of a spelling of each word in order,
        optional words with or without theirs, then perhaps a C or K of its legal form (日本電気:
        ne, nec, nek, je ...)."""
        tokens = self.ja_tokens(ja_name)
        if not tokens or len(tokens) > 6:
            return frozenset()
        choices: list[set[str]] = []
        for t in tokens:
            first = {f[0] for f in t.forms}
            if t.surface in self._initials:
                first |= set(self._initials[t.surface])
            elif _KATAKANA.match(t.surface):
                first |= set(spelled_letters(t.surface))
            if t.optional:
                first.add("")
            choices.append(first)
        out: set[str] = set()
        for combo in itertools.islice(itertools.product(*choices), 4096):
            a = "".join(combo)
            if len(a) >= 2:
                out |= {a, a + "c", a + "k"}
        return frozenset(out)

    def acronym_pairs(
        self,
        ja: list[list[str]],
        en: list[list[str]],
        done_l: Iterable[int] = (),
        done_r: Iterable[int] = (),
    ) -> list[tuple[int, int]]:
        """Pairs of records whose English name is an acronym of the Japanese one (日本電気 / NEC),
        each the only one of the other on both sides."""
        skip_l, skip_r = set(done_l), set(done_r)
        holders: dict[str, set[int]] = {}
        for j, names in enumerate(en):
            if j not in skip_r:
                for a in filter(None, map(self.acronym, names)):
                    holders.setdefault(a, set()).add(j)
        if not holders:
            return []
        # every acronym match costs the same, so the clear best of both sides is the only one
        costs: dict[tuple[int, int], float] = {}
        for i, names in enumerate(ja):
            if i in skip_l:
                continue
            for name in names:
                for a in self.initials(name) & holders.keys():
                    costs.update(((i, j), 0.0) for j in holders[a])
        return _clear_best(costs)

    # -- comparing

    def aligns(self, ja_name: str, en_name: str) -> bool:
        """True when the English name reads or translates the Japanese one word by word."""
        return self.cost(ja_name, en_name) < _NO

    def cost(self, ja_name: str, en_name: str) -> float:
        """What aligning the two names costs (0: every word a spelling; inf: they do not)."""
        tokens = self.ja_tokens(ja_name)
        return min(
            (
                c + _cost(tokens, w, self.optional, self._droppable)
                for w, c in self.en_variants(en_name)
            ),
            default=_NO,
        )

    def starts(self, tokens: tuple[Token, ...], n: int = START) -> set[str]:
        """The first ``n`` letters the spellings of a name can start with (for blocking)."""
        out: set[str] = set()

        def walk(k: int, prefix: str) -> None:
            if len(prefix) >= n:
                out.add(prefix[:n])
                return
            if k == len(tokens):
                if prefix:
                    out.add(prefix)
                return
            for f in tokens[k].forms:
                walk(k + 1, prefix + f)
            if tokens[k].optional:
                walk(k + 1, prefix)

        walk(0, "")
        return out

    def en_starts(self, words: tuple[str, ...], n: int = START) -> set[str]:
        """The first ``n`` letters of an English name, with and without its optional words."""
        out = set()
        for k in range(len(words) + 1):
            rest = "".join(w for w in words[k:] if w not in self.optional) or ""
            if rest:
                out.add(rest[:n])
            if k < len(words) and words[k] not in self.optional:
                break
        full = "".join(words)
        if full:
            out.add(full[:n])
        return out

    def pairs(
        self,
        ja: list[list[str]],
        en: list[list[str]],
        done_l: Iterable[int] = (),
        done_r: Iterable[int] = (),
        review: list[tuple[int, int]] | None = None,
    ) -> list[tuple[int, int]]:
        """Pairs (i, j) of two lists of records (each a list of names) that align, each the
        only one of the other on both sides (the records in ``done_l`` / ``done_r`` left out).

        A pair whose alignment costs more than SURE_COST is no pair: it goes to ``review`` when
        a list is given (the names sound alike at best, ヤオコー / YOKOWO; when the true partner
        of either name is not in the run, such a pair is often the wrong one)."""
        skip_l, skip_r = set(done_l), set(done_r)
        blocks: dict[str, set[int]] = {}
        en_words: dict[int, list[tuple[tuple[str, ...], float]]] = {}
        for j, names in enumerate(en):
            if j in skip_r:
                continue
            en_words[j] = [w for n in names for w in self.en_variants(n)]
            for words, _ in en_words[j]:
                for s in self.en_starts(words):
                    if len(s) >= 3:
                        blocks.setdefault(s, set()).add(j)
                # a katakana word by its sound: the frames of the first English words
                for n in range(1, min(3, len(words)) + 1):
                    for frame in _frame(words[:n]):
                        blocks.setdefault("~" + frame, set()).add(j)
        costs: dict[tuple[int, int], float] = {}
        for i, names in enumerate(ja):
            if i in skip_l:
                continue
            for name in names:
                tokens = self.ja_tokens(name)
                if not tokens or _letters(tokens) < self.reader.rules.min_length:
                    continue
                keys = self.starts(tokens) | {"~" + f for f in tokens[0].sounds if len(f) >= 2}
                # most starts begin no English name: no empty set is made for each of them
                found = [b for s in keys if (b := blocks.get(s)) and len(b) <= MAX_BLOCK]
                cands = {j for b in found for j in b}
                for j in cands:
                    c = min(
                        (
                            extra + _cost(tokens, w, self.optional, self._droppable)
                            for w, extra in en_words[j]
                        ),
                        default=_NO,
                    )
                    if c < costs.get((i, j), _NO):
                        costs[(i, j)] = c
        best = _clear_best(costs)
        if review is not None:
            review.extend(p for p in best if costs[p] > SURE_COST + 1e-9)
        return [p for p in best if costs[p] <= SURE_COST + 1e-9]


def _clear_best(costs: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The pairs that are each name's cheapest by at least MARGIN on both sides."""
    by_l: dict[int, list[tuple[float, int]]] = {}
    by_r: dict[int, list[tuple[float, int]]] = {}
    for (i, j), c in costs.items():
        by_l.setdefault(i, []).append((c, j))
        by_r.setdefault(j, []).append((c, i))
    out = []
    for i, scored in by_l.items():
        scored.sort()
        c, j = scored[0]
        if len(scored) > 1 and scored[1][0] < c + MARGIN:
            continue
        others = sorted(by_r[j])
        if others[0][1] != i or (len(others) > 1 and others[1][0] < c + MARGIN):
            continue
        out.append((i, j))
    return sorted(out)


def _letters(tokens: tuple[Token, ...]) -> int:
    """The letters of the shortest spelling of the words that are not optional."""
    return sum(min(map(len, t.forms)) for t in tokens if not t.optional)


#: what a step of an alignment costs: a word skipped (optional), a katakana word matched by
#: its sound (plus how far its letters are from the English ones); a spelling costs nothing
SKIP_COST = 0.05
SOUND_COST = 0.2
DROP_COST = 0.3
SWAP_COST = 0.2
WEAK_COST = 0.1
#: how alike the letters of a katakana word and English ones are to match on two consonants
SHORT_LIKENESS = 0.6
#: a pair is taken when it costs this much less than the next best of either name
MARGIN = 0.1
#: a clear best pair costing more than this is only a review pair: mostly katakana heard as
#: English letters far apart (コメリ / KIMURA 0.7, オーベクス / OBIC 0.84); on the tune split,
#: with half the filers' partners absent, 9 of the 24 wrong aligned pairs cost more and 1 of
#: the 143 right ones (with every partner present: 6 of 433)
SURE_COST = 0.75
_NO = float("inf")


def _cost(
    tokens: tuple[Token, ...],
    words: tuple[str, ...],
    optional: frozenset[str],
    droppable: frozenset[str] = frozenset(),
) -> float:
    """The cheapest alignment of a Japanese name's words on an English name's (inf: none);
    an English word of ``droppable`` the Japanese name has not costs DROP_COST."""
    if not tokens or not words or all(t.optional for t in tokens):
        return _NO
    text, skip, extra, ends = _layout(words, optional, droppable)
    if len(skip) == len(words):
        return _NO
    memo: dict[tuple[int, int, int], float] = {}
    # ``d``: 1 once a Japanese word of the trade was left out, 2 once an English one was added;
    # never both in one alignment (中日本鋳工 is not Central Japan Railway)

    def go(k: int, pos: int, d: int) -> float:
        if (k, pos, d) in memo:
            return memo[(k, pos, d)]
        memo[(k, pos, d)] = _NO  # no cycles: every step moves k or pos on
        if k == len(tokens) and pos == len(text):
            memo[(k, pos, d)] = 0.0
            return 0.0
        best = _NO
        if pos in skip:
            best = min(best, SKIP_COST + go(k, skip[pos], d))
        if pos in extra and d != 1:  # Seibu Electric & Machinery / 西部電機: a word added
            best = min(best, DROP_COST + go(k, extra[pos], 2))
        if k < len(tokens):
            t = tokens[k]
            if t.optional:
                best = min(best, SKIP_COST + go(k + 1, pos, d))
            elif t.generic and k and d != 2:  # 鹿島建設 / Kajima: a word of the trade left out
                best = min(best, DROP_COST + go(k + 1, pos, 1))
            starting = _by_start(t.forms)
            for f in (
                *starting.get(text[pos : pos + 2], ()),
                *starting.get(text[pos : pos + 1], ()),
            ):
                if text.startswith(f, pos):
                    weak = WEAK_COST if f in t.weak else 0.0
                    best = min(best, weak + go(k + 1, pos + len(f), d))
            if t.sounds:  # a katakana word as the sound of English letters
                for q in _sound_ends(pos, ends):
                    heard = text[pos:q]
                    common = _frame((heard,)) & t.sounds
                    if not common or not any(_onset(f) == _onset(heard) for f in t.forms):
                        continue
                    like = _likeness(t.forms, heard)
                    # a frame of two consonants (テイカ / TAYCA: tk) only with letters alike
                    if max(map(len, common)) < 3 and like < SHORT_LIKENESS:
                        continue
                    rest = go(k + 1, q, d)
                    if rest < _NO:
                        best = min(best, SOUND_COST + (1 - like) + rest)
        memo[(k, pos, d)] = best
        return best

    return go(0, 0, 0)


@functools.lru_cache(maxsize=65536)
def _by_start(forms: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """A word's spellings by their first two letters (a kanji word read kanji by kanji has
    hundreds: only those that can start here are tried)."""
    out: dict[str, list[str]] = {}
    for f in forms:
        out.setdefault(f[:2], []).append(f)
    return {k: tuple(v) for k, v in out.items()}


@functools.lru_cache(maxsize=65536)
def _layout(
    words: tuple[str, ...], optional: frozenset[str], droppable: frozenset[str]
) -> tuple[str, dict[int, int], dict[int, int], list[int]]:
    """An English name's letters, where its optional words and its added words of the trade
    start and end, and where each word ends (once per name, not per candidate)."""
    skip: dict[int, int] = {}
    extra: dict[int, int] = {}
    ends: list[int] = []
    at = 0
    for k, w in enumerate(words):
        if w in optional:
            skip[at] = at + len(w)
        elif w in droppable and k:
            extra[at] = at + len(w)
        at += len(w)
        ends.append(at)
    return "".join(words), skip, extra, ends


def _sound_ends(pos: int, ends: list[int]) -> range | list[int]:
    """Where a katakana word read by its sound may end: at the end of one of the next three
    English words, or inside the first (オークネット / AUCNET: auc + net)."""
    nxt = [e for e in ends if e > pos][:3]
    if not nxt:
        return []
    return [*range(pos + 2, nxt[0]), *nxt]


_ONSETS = {"c": "k", "q": "k", "v": "b", "l": "r", "x": "z", "s": "z", "j": "g", "y": "a"}
_ONSETS |= {v: "a" for v in "aeiou"}


def _onset(word: str) -> str:
    """The first sound of a word, coarsely (Capcom / kapukon: k; Valqua / baruka: b)."""
    if word.startswith("ph"):
        return "f"
    if word[:2] in ("ce", "ci", "cy"):
        return "z"
    return _ONSETS.get(word[:1], word[:1])


def _likeness(forms: frozenset[str], word: str) -> float:
    from rapidfuzz.distance import Indel

    return max(float(Indel.normalized_similarity(f, word)) for f in forms)


@functools.lru_cache(maxsize=65536)
def _frame(words: tuple[str, ...]) -> frozenset[str]:
    """The consonant frames of English words: English r before a consonant is silent (inter:
    インター) or sounded (Parco: パルコ), m and n after the first sound are one (Capcom:
    カプコン), with and without a final s."""
    text = "".join(words).replace("tz", "ts")
    if text.startswith("x"):  # Xebio: ゼビオ
        text = "z" + text[1:]
    # a final s was taken for a plural (Aderans: aderan), katakana sounds it (アデランス); the
    # three chains of rules share their first substitutions, made once per text
    heads = (_substituted(t, _SHARED_RULES) for t in (text, text + "s"))
    return frozenset(_one_nasal(_substituted(h, rules)) for h in heads for rules in _ENGLISH_TAILS)


_SOUNDS_R = tuple(p for p in _SOUND_RULES if "r(?!" not in p[0].pattern)
# English g before e and i is hard as often as soft (Ringer: リンガー, Gecoss: ジェコス)
_SOUNDS_G = tuple(p for p in _SOUND_RULES if not p[0].pattern.startswith("g(?="))
_ENGLISH_RULES = (_SOUND_RULES, _SOUNDS_R, _SOUNDS_G)
# the rules every English chain starts with, and what each chain applies after them
_SHARED = next(
    (k for k, rules in enumerate(zip(*_ENGLISH_RULES)) if len(set(rules)) > 1),
    min(map(len, _ENGLISH_RULES)),
)
_SHARED_RULES = _SOUND_RULES[:_SHARED]
_ENGLISH_TAILS = tuple(rules[_SHARED:] for rules in _ENGLISH_RULES)


def _substituted(text: str, rules: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    for pattern, repl in rules:
        text = pattern.sub(repl, text)
    return text


def _sound(text: str) -> str:
    """A sound key (:func:`sound_key`) with m and n one consonant."""
    return _one_nasal(sound_key(text))


def _one_nasal(text: str) -> str:
    """A sound key's m and n as one consonant, a first vowel as a vowel (Hub / habu, Aeon /
    ion: h is silent, katakana and English vowels differ)."""
    return ("a" if text[:1] in "aeiou" else text[:1]) + text[1:].replace("m", "n")


# ----------------------------------------------------------------------------- engines


@functools.lru_cache(maxsize=1)
def _tagger() -> Any:
    """fugashi's tagger with unidic-lite, or None when the readings extra is not installed."""
    try:
        import fugashi

        return fugashi.Tagger()
    except Exception:  # noqa: BLE001 - not installed, or no dictionary: read without morphemes
        return None


@functools.lru_cache(maxsize=1)
def _kanwa() -> Any:
    try:
        from pykakasi.kanji import Kanwa  # pykakasi's dictionary: every reading of a word

        return Kanwa()
    except Exception:  # noqa: BLE001 - pykakasi missing or its layout changed: no alternates
        return None


@functools.lru_cache(maxsize=4096)
def _kanji_readings(word: str) -> tuple[str, ...]:
    """Every reading pykakasi's dictionary gives a word (hiragana), in its order."""
    kanwa = _kanwa()
    if kanwa is None:
        return ()
    try:
        table = kanwa.load(word[0]) or {}
        return tuple(dict.fromkeys(y for y, _ in table.get(word, ())))
    except Exception:  # noqa: BLE001 - an internal API: a change in it costs the alternates only
        return ()


@functools.lru_cache(maxsize=16384)
def _kanwa_forms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The readings of a kanji word: the dictionary's for the whole word, and (second) its
    kanji read one by one (doubled before a voiceless syllable, voiced after the first), at
    most MAX_FORMS."""
    if not _KANJI.match(text) or len(text) > 4:
        return frozenset(), frozenset()
    whole = frozenset(fold_word(f) for f in map(_romaji_of, _kanji_readings(text)) if f)
    out: set[str] = set()
    per_kanji = []
    for k, ch in enumerate(text):
        readings = [_romaji_of(y) for y in _kanji_readings(ch)[:READINGS_PER_KANJI]]
        if not readings:
            return whole, frozenset()
        if k:
            readings += [_VOICED[r[0]] + r[1:] for r in readings if r and r[0] in _VOICED]
        per_kanji.append(list(dict.fromkeys(r for r in readings if r)))
    for combo in itertools.islice(itertools.product(*per_kanji), MAX_FORMS):
        words = [combo[0]]
        for r in combo[1:]:
            more = [w + r for w in words]
            if r[0] in "kstpc":  # 北 hoku + 興 ko: hokko
                more += [_GEMINATE.sub("", w) + r[0] + r for w in words if _GEMINATE.search(w)]
            words = more
        out.update(words)
    return whole, frozenset(fold_word(f) for f in out if f) - whole


@functools.lru_cache(maxsize=65536)  # a kanji's readings are asked for by every word holding it
def _romaji_of(hiragana: str) -> str:
    return "".join(map(fold_word, _latin_words(kana_romaji(hiragana) or "")))


def clear_caches() -> None:
    """Let go of the aligner's cached tokens, words and kanji readings (per name, word and
    chunk); the tagger and the kanji dictionary stay."""
    for cached in (
        Aligner.ja_tokens,
        Aligner._kana_word,
        Aligner.en_words,
        Aligner._word,
        Aligner._cuts,
        Aligner._plain,
        Aligner._romaji_forms,
        _by_start,
        _layout,
        _frame,
        _kanji_readings,
        _kanwa_forms,
        _romaji_of,
    ):
        cached.cache_clear()


__all__ = ["MAX_BLOCK", "MAX_FORMS", "Aligner", "Token", "clear_caches", "spelled_letters"]

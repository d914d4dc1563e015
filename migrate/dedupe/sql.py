"""Blocking rules and comparison levels rendered as SQL: the same settings, another engine.

In: the blocking rules and comparisons of a :class:`~migrate.dedupe.settings.LinkSettings`
(dedupe.yaml). Out: SQL text over a small, fixed schema, so any SQL engine that joins and
groups can make the candidate pairs and their levels (DuckDB here, :mod:`.duckdb_engine`; the
same text is meant to run on Spark SQL, as Splink's does):

- ``col_<c>(rec BIGINT, value VARCHAR)``: one row per value of column ``c`` (a record with a
  tuple of values has several rows), empties left out;
- ``pairs(i BIGINT, l BIGINT, r BIGINT)``: the candidate pairs, ``l < r``, ``i`` their position;
- ``t<j>(rec, code)``, ``str<j>(code, s, ja)``: the values of comparison ``j`` as codes of
  distinct strings (``ja``: written in Japanese script), so every distinct value pair is
  scored once;
- ``score<j>(lo, hi, <test> DOUBLE ...)``: per distinct pair of different values, scores a Python function computed for the tests no
  SQL engine has (rapidfuzz's ratio, partial_ratio, token_*_ratio; jaro and jaro_winkler are
  also taken from rapidfuzz so both engines agree to the last digit);
- ``x<j>(rec, x DOUBLE)``: numbers and dates (days since 1970) of comparison ``j``;
- ``aux<j>(rec, ...)``: per record, the codes of the columns a ``same:`` or ``cross:`` level
  looks at.

Only standard SQL plus a few functions every engine has under some name (``left``, ``right``,
``regexp_replace``, ``regexp_split_to_array``, ``list_sort``, ``levenshtein``,
``damerau_levenshtein``): the names are in :data:`FUNCTIONS`, the one place a Spark dialect
would change.
"""

from __future__ import annotations

from .settings import DISTANCE_TESTS, SIMILARITY_TESTS, BlockingRule, Comparison, KeyPart

# Python's str.split() whitespace (tokens), and Python's \D (full-width digits are digits)
WHITESPACE = (
    r"[\t\n\x{0B}\f\r\x{1C}-\x{1F} \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}"
    r"\x{202F}\x{205F}\x{3000}]+"
)
NON_DIGIT = r"[^\p{Nd}]"
# the Japanese script of compare.script_of (kana, CJK ideographs, half-width kana)
JAPANESE = (
    r"[\x{3040}-\x{30FF}\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{FF66}-\x{FF9F}]"
)

# the SQL functions used, by role (DuckDB names; Spark: substring, split, array_sort, ...)
FUNCTIONS = {
    "split": "regexp_split_to_array",
    "sort": "list_sort",
    "join": "array_to_string",
    "levenshtein": "levenshtein",
    "damerau_levenshtein": "damerau_levenshtein",
}

#: tests scored outside SQL (vectorised rapidfuzz on the distinct value pairs)
PYTHON_TESTS = tuple(SIMILARITY_TESTS)
#: tests an SQL engine computes itself
SQL_DISTANCES = tuple(DISTANCE_TESTS)


def quote(text: str) -> str:
    """A string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def table_of(column: str) -> str:
    """The value table of a blocking column."""
    return ident(f"col_{column}")


def _tokens(expr: str) -> str:
    """The whitespace-separated words of a value (trimmed first, so no empty word but of '')."""
    trimmed = f"regexp_replace({expr}, {quote('^' + WHITESPACE + '|' + WHITESPACE + '$')}, '', 'g')"
    return f"{FUNCTIONS['split']}({trimmed}, {quote(WHITESPACE)})"


def part_sql(part: KeyPart) -> str:
    """SELECT rec, key: the keys one part of a blocking rule gives each record."""
    v = "value"
    t = part.transform
    if t == "prefix":
        key = f"left({v}, {int(part.length)})"
    elif t == "suffix":
        key = f"right({v}, {int(part.length)})"
    elif t == "digits":
        key = f"regexp_replace({v}, {quote(NON_DIGIT)}, '', 'g')"
    elif t == "tokens":
        key = f"unnest({_tokens(v)})"
    elif t == "first_token":
        key = f"{_tokens(v)}[1]"
    elif t == "last_token":
        key = f"{_tokens(v)}[-1]"
    elif t == "sorted_tokens":
        key = f"{FUNCTIONS['join']}({FUNCTIONS['sort']}({_tokens(v)}), ' ')"
    else:
        key = v
    inner = f"SELECT rec, {key} AS key FROM {table_of(part.column)}"
    return f"SELECT DISTINCT rec, key FROM ({inner}) WHERE key IS NOT NULL AND key <> ''"


def keys_sql(rule: BlockingRule) -> str:
    """SELECT rec, k0, k1, ...: every combination of a record's keys, one per part."""
    ctes = ", ".join(f"p{k} AS ({part_sql(part)})" for k, part in enumerate(rule.parts))
    cols = ", ".join(f"p{k}.key AS k{k}" for k in range(len(rule.parts)))
    joins = " ".join(f"JOIN p{k} USING (rec)" for k in range(1, len(rule.parts)))
    return f"WITH {ctes} SELECT p0.rec, {cols} FROM p0 {joins}"


def rule_pairs_sql(rule: BlockingRule, bit: int, max_block_size: int) -> str:
    """SELECT l, r, mask: the pairs of one rule, inside blocks of 2..max_block_size records."""
    ks = [f"k{k}" for k in range(len(rule.parts))]
    part = ", ".join(ks)
    on = " AND ".join(f"a.{k} = b.{k}" for k in ks)
    return (
        f"WITH keys AS ({keys_sql(rule)}), "
        f"sized AS (SELECT *, count(*) OVER (PARTITION BY {part}) AS n FROM keys) "
        f"SELECT a.rec AS l, b.rec AS r, CAST({1 << bit} AS BIGINT) AS mask "
        f"FROM sized a JOIN sized b ON {on} AND a.rec < b.rec "
        f"WHERE a.n <= {int(max_block_size)}"
    )


def candidates_sql(rule_sqls: list[str]) -> str:
    """The union of the rules' pairs, each pair once with the bit mask of its rules."""
    union = " UNION ALL ".join(f"({s})" for s in rule_sqls)
    return f"SELECT l, r, bit_or(mask) AS mask FROM ({union}) GROUP BY l, r ORDER BY l, r"


def skipped_sql(rule: BlockingRule, max_block_size: int) -> str:
    """SELECT k0.., size: the blocks too large to pair, first-seen first."""
    ks = ", ".join(f"k{k}" for k in range(len(rule.parts)))
    return (
        f"WITH keys AS ({keys_sql(rule)}) SELECT {ks}, count(*) AS size FROM keys "
        f"GROUP BY {ks} HAVING count(*) > {int(max_block_size)} ORDER BY min(rec), {ks}"
    )


def _domain(s: str) -> str:
    return f"CASE WHEN strpos({s}, '@') > 0 THEN regexp_extract({s}, '@([^@]*)$', 1) ELSE '' END"


def _prefix(s: str) -> str:
    return f"coalesce(regexp_extract({s}, {quote('^' + NON_DIGIT + '+')}), '')"


def _pair_test(j: int, test: str, k: int) -> str:
    """A same:/cross: level over aux<j> of both records (xa: left, xb: right)."""
    if test == "same":
        return f"(xa.s{k} = xb.s{k} AND xa.s{k} >= 0)"
    return f"((xa.ct{k} = xb.co{k} AND xa.ct{k} >= 0) OR (xb.ct{k} = xa.co{k} AND xb.ct{k} >= 0))"


def aux_args(comp: Comparison) -> tuple[list[str], list[str]]:
    """The columns a comparison's same: and cross: levels look at, in order."""
    same: list[str] = []
    cross: list[str] = []
    for lv in comp.levels:
        if lv.test == "same" and lv.arg not in same:
            same.append(str(lv.arg))
        elif lv.test == "cross" and lv.arg not in cross:
            cross.append(str(lv.arg))
    return same, cross


def _level_case(comp: Comparison, j: int, value_hit: list[str | None]) -> str:
    """CASE ... the first level a pair reaches, else len(levels); value_hit per level."""
    same, cross = aux_args(comp)
    whens = []
    for i, lv in enumerate(comp.levels):
        if lv.test == "same":
            cond = _pair_test(j, "same", same.index(str(lv.arg)))
        elif lv.test == "cross":
            cond = _pair_test(j, "cross", cross.index(str(lv.arg)))
        else:
            hit = value_hit[i]
            assert hit is not None
            cond = hit
        whens.append(f"WHEN {cond} THEN {i}")
    return f"CASE {' '.join(whens)} ELSE {len(comp.levels)} END"


def _aux_join(comp: Comparison, j: int, left: str, right: str) -> str:
    same, cross = aux_args(comp)
    if not same and not cross:
        return ""
    return f" JOIN aux{j} xa ON xa.rec = {left} JOIN aux{j} xb ON xb.rec = {right}"


TEXT_SQL_TESTS = ("exact", *PYTHON_TESTS, *SQL_DISTANCES, "same_domain", "same_prefix")
VALUE_SQL_TESTS = ("exact", "rel_diff", "abs_diff", "days")


def supported(comp: Comparison) -> bool:
    """True when every level of the comparison renders to SQL (else the default engine scores
    that comparison: a test added to compare.py works on both engines from the start)."""
    known = TEXT_SQL_TESTS if comp.kind == "text" else VALUE_SQL_TESTS
    if comp.cross_script_of or comp.when_differs:  # another column decides which pairs compare
        return False
    if comp.distinct_words or comp.distinct_numbers:  # per value, in Python (compare._stems)
        return False
    if any(lv.test == "one_matches" for lv in comp.levels):  # a Python regular expression
        return False
    return all(lv.test in known or lv.test in ("same", "cross") for lv in comp.levels)


def needs_scores(comp: Comparison) -> bool:
    """True when a level of the comparison uses a score computed outside SQL."""
    return any(lv.test in PYTHON_TESTS for lv in comp.levels)


def _pairs_of_values(comp: Comparison, j: int) -> str:
    """e(i, l, r, lo, hi): per pair, every two values it compares (codes, lo <= hi)."""
    script = (
        f" JOIN str{j} sa ON sa.code = a.code JOIN str{j} sb ON sb.code = b.code WHERE sa.ja = sb.ja"
        if comp.same_script_only
        else ""
    )
    return (
        f"SELECT p.i, p.l, p.r, least(a.code, b.code) AS lo, greatest(a.code, b.code) AS hi "
        f"FROM pairs p JOIN t{j} a ON a.rec = p.l JOIN t{j} b ON b.rec = p.r{script}"
    )


def text_levels_sql(comp: Comparison, j: int) -> str:
    """SELECT i, level: the best level any two values of a pair reach (text comparison).

    Pairs where a side is empty, or (same_script_only) no two values share a script, are
    absent: they have no evidence (-1). ``str<j>`` holds every distinct value once with its
    script (``ja``), so per-value work (script, domain, prefix) is done once per value.
    """
    value_hit: list[str | None] = []
    strings = False
    for lv in comp.levels:
        t = lv.test
        if t == "exact":
            value_hit.append("e.lo = e.hi")
        elif t in PYTHON_TESTS:
            value_hit.append(f"sc.{ident(t)} >= {float(lv.arg)!r} - 1e-9")
        elif t in SQL_DISTANCES:
            value_hit.append(f"{FUNCTIONS[t]}(va.s, vb.s) <= {int(lv.arg)}")
            strings = True
        elif t == "same_domain":
            value_hit.append(f"({_domain('va.s')} = {_domain('vb.s')} AND {_domain('va.s')} <> '')")
            strings = True
        elif t == "same_prefix":
            value_hit.append(f"({_prefix('va.s')} = {_prefix('vb.s')} AND {_prefix('va.s')} <> '')")
            strings = True
        else:
            value_hit.append(None)
    level = f"min({_level_case(comp, j, value_hit)})"
    if comp.agreement_only:  # after the best level of all value pairs is known
        level = f"CASE WHEN {level} = {len(comp.levels)} THEN -1 ELSE {level} END"
    joins = ""
    if strings:
        joins += f" JOIN str{j} va ON va.code = e.lo JOIN str{j} vb ON vb.code = e.hi"
    if needs_scores(comp):
        joins += f" LEFT JOIN score{j} sc ON sc.lo = e.lo AND sc.hi = e.hi"
    return (
        f"WITH e AS ({_pairs_of_values(comp, j)}) SELECT e.i, {level} AS level FROM e{joins}"
        f"{_aux_join(comp, j, 'e.l', 'e.r')} GROUP BY e.i"
    )


def value_pairs_sql(comp: Comparison, j: int) -> str:
    """SELECT lo, hi, a, b: the distinct pairs of different values, for the Python scores."""
    return (
        f"WITH u AS (SELECT DISTINCT lo, hi FROM ({_pairs_of_values(comp, j)}) WHERE lo <> hi) "
        f"SELECT u.lo, u.hi, sa.s AS a, sb.s AS b FROM u JOIN str{j} sa ON sa.code = u.lo "
        f"JOIN str{j} sb ON sb.code = u.hi ORDER BY u.lo, u.hi"
    )


def number_levels_sql(comp: Comparison, j: int) -> str:
    """SELECT i, level for a number or date comparison (both sides present)."""
    value_hit: list[str | None] = []
    for lv in comp.levels:
        t = lv.test
        if t == "exact":
            value_hit.append("abs(a.x - b.x) = 0")
        elif t == "rel_diff":
            value_hit.append(
                f"abs(a.x - b.x) <= {float(lv.arg)!r} * greatest(abs(a.x), abs(b.x)) + 1e-12"
            )
        elif t in ("abs_diff", "days"):
            value_hit.append(f"abs(a.x - b.x) <= {float(lv.arg)!r}")
        else:
            value_hit.append(None)
    level = _level_case(comp, j, value_hit)
    if comp.agreement_only:
        level = f"CASE WHEN ({level}) = {len(comp.levels)} THEN -1 ELSE ({level}) END"
    return (
        f"SELECT p.i, {level} AS level FROM pairs p JOIN x{j} a ON a.rec = p.l "
        f"JOIN x{j} b ON b.rec = p.r{_aux_join(comp, j, 'p.l', 'p.r')}"
    )

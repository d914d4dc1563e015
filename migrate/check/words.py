"""The words of the check's text, Markdown and JUnit outputs, in Japanese and English.

In: a key and a language (``ja`` or ``en``, ``--lang``: by default the sources' language, as for
``run`` and ``audit``). Out: the text, with its ``{}`` fields filled. Metric ids, file and
sheet names and the JSON keys are not translated: a script reads them whatever the language.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["ja", "en"]

#: key -> (ja, en)
WORDS: dict[str, tuple[str, str]] = {
    "h.metric": ("指標", "metric"),
    "h.where": ("対象", "where"),
    "h.value": ("値", "value"),
    "h.limit": ("基準", "limit"),
    "h.change": ("前回比", "change"),
    "h.status": ("判定", "status"),
    "s.pass": ("合格", "pass"),
    "s.warn": ("警告", "warn"),
    "s.fail": ("不合格", "fail"),
    "s.n/a": ("対象外", "n/a"),
    "op.drop": ("低下", "drop"),
    "op.rise": ("上昇", "rise"),
    "verdict.fail": (
        "品質チェック 不合格: 基準違反 {fail} 件、警告 {warn} 件、合格 {pass_} 件",
        "quality check FAILED: {fail} breached, {warn} warning(s), {pass_} held",
    ),
    "verdict.pass": (
        "品質チェック 合格: 基準違反 {fail} 件、警告 {warn} 件、合格 {pass_} 件",
        "quality check passed: {fail} breached, {warn} warning(s), {pass_} held",
    ),
    "run": ("実行 {seq}（基準日 {as_of}）", "run {seq} (as of {as_of})"),
    "run.unrecorded": ("記録しない実行（基準日 {as_of}）", "unrecorded run (as of {as_of})"),
    "inputs": ("入力 {fp}", "inputs {fp}"),
    "compared.baseline": ("比較対象: 保存された結果 {path}", "compared with the baseline {path}"),
    "compared.first": (
        "履歴の最初の実行: 前回比はありません",
        "first run in the history: no change to show",
    ),
    "compared.run": ("比較対象: {run}", "compared with {run}"),
    "same-inputs": ("（同じ入力）", " (same inputs)"),
    "moved.renamed": (
        "{new} を {old} と比較（日付・コピー表記以外は同じ名前）",
        "{new} compared with {old} (the same name but for its dates or copy marks)",
    ),
    "moved.unreadable": (
        "今回は読めず、比較対象の実行では読めたファイル: {file}（{why}）",
        "in this run but could not be read, read in the one compared with: {file}: {why}",
    ),
    "moved.gone": (
        "比較対象の実行にあり、今回はないファイル: {files}",
        "not in this run, in the one compared with: {files}",
    ),
    "moved.deals-gone": (
        "比較対象の実行以降、どのファイルにもなくなった案件（{n}）: {names}",
        "deals gone since the run compared with, in no file now ({n}): {names}",
    ),
    "moved.deals-unseen": (
        "比較対象の実行以降、ファイルが読めず確認できない案件（{n}）: {names}",
        "deals not seen since the run compared with, their file could not be read ({n}): {names}",
    ),
    "why.no-value": ("値なし", "no value"),
    "why.fewer": ("{counted}が {n} 未満", "fewer than {n} {counted}"),
    "why.no-earlier-run": ("比較する前回の実行なし", "no earlier run"),
    "why.no-target": (
        "--target なし: 取り込みのチェックは実行していません",
        "no --target: the import checks did not run",
    ),
    "why.not-read-before": (
        "比較対象の実行でも読めていません",
        "not read in the run compared with either",
    ),
    "why.no-deal-list": (
        "比較対象の実行は案件の一覧を残していません",
        "the compared run kept no list of deals",
    ),
    "why.no-compared-deals": ("比較対象の実行に案件がありません", "no deals in the compared run"),
    "why.not-judged": ("判定なし", "not judged"),
    "counted.required": ("{field} が必須のステージの行", "rows at the stages that require {field}"),
    "counted.stage-word": ("ステージの言葉がある行", "rows with a stage word"),
    "counted.known-stage": ("既知のステージの行", "rows with a known stage"),
    "counted.compared-deals": ("比較対象の実行の案件", "deals in the run compared with"),
    "counted.update-date": ("更新日のある進行中の案件", "open deals with an update date"),
    "counted.close-date": ("受注予定日のある進行中の案件", "open deals with a close date"),
    "counted.rows": ("行", "rows"),
    "pooled": (
        "全体（すべてのソースを合算。単独では {min_rows} 行未満が {n} 件）",
        "overall (every source pooled; {n} under {min_rows} alone)",
    ),
    "not-judged": ("{n} 件のソースは対象外: {why}", "{n} {sources} not judged: {why}"),
    "sources-worst": ("{n} 件のソース（最も悪い値: {where}）", "{n} sources (worst: {where})"),
    "fix.words": ("未知のステージ名: {words}", "unknown stage words: {words}"),
    "fix.word": ("「{word}」（{where}、{n} 行: {rows}）", "'{word}' ({where}, {n} rows: {rows})"),
    "fix.word-here": ("「{word}」（{n} 行: {rows}）", "'{word}' ({n} rows: {rows})"),
    "fix.more-words": ("ほか {n} 語", "{n} more"),
    "fix.worst": (
        "最も多いのは {where}（{data} 行中 {rejected} 行）",
        "most in {where} ({rejected} of {data} rows)",
    ),
    "fix.reasons": ("理由: {reasons}", "reasons: {reasons}"),
    "fix.reason": ("{reason}（{n} 件）", "{reason} ({n})"),
    "fix.note": ("対処: {note}", "to do: {note}"),
    "md.fix": ("直すこと", "What to fix"),
    "md.all": ("すべての基準", "Every threshold"),
    "junit.warning": ("警告: {detail}", "warning: {detail}"),
    "junit.not-judged": ("対象外（{why}）: {detail}", "not judged ({why}): {detail}"),
    "junit.detail": (
        "{metric} = {value}（{where}）、基準 {limit}、前回比 {change}",
        "{metric} = {value} ({where}); limit {limit}; change {change}",
    ),
    "failed.title": ("品質チェックを実行できませんでした", "quality check could not run"),
    "failed.body": (
        "終了コード {code}。このファイルは前回のチェック結果ではありません。前回の結果は履歴にあります。",
        "exit code {code}. This file is not an earlier check's result; the earlier runs are in the history.",
    ),
    "failed.interrupted": ("中断されました（Ctrl-C）", "interrupted (Ctrl-C)"),
}


def word(key: str, lang: str = "en", /, **fields: object) -> str:
    """The text of ``key`` in ``lang``, its ``{}`` fields filled from ``fields``."""
    ja, en = WORDS[key]
    text = ja if lang == "ja" else en
    return text.format(**fields) if fields else text


__all__ = ["WORDS", "Lang", "word"]

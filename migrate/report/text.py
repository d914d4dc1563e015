"""Words of the report in Japanese and English, and number/date formatting for people.

In: a language ("ja" | "en") and a key; out: the text. Field labels, rule
statuses and every heading of report.html live here, so the HTML and the workbook say the
same thing in the same words. What a finding id or a skip reason means comes from the
finding catalogue (rules/findings.yaml, :mod:`migrate.catalogue`), not from here.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import Catalogue, reason_detail, rule_in, split_reasons

Lang = str  # "ja" | "en"

FIELDS: dict[str, tuple[str, str]] = {
    "record_id": ("案件ID", "Record ID"),
    "company_name": ("会社名", "Company"),
    "company_name_kana": ("会社名カナ", "Company (kana)"),
    "department": ("部署", "Department"),
    "contact_name": ("担当者名", "Contact"),
    "contact_last_name": ("姓", "Last name"),
    "contact_first_name": ("名", "First name"),
    "contact_name_kana": ("フリガナ", "Contact (kana)"),
    "contact_title": ("役職", "Title"),
    "email": ("メール", "E-mail"),
    "phone": ("電話", "Phone"),
    "mobile_phone": ("携帯", "Mobile"),
    "deal_name": ("案件名", "Deal name"),
    "amount": ("金額", "Amount"),
    "currency": ("通貨", "Currency"),
    "stage": ("ステージ", "Stage"),
    "probability": ("確度", "Probability"),
    "close_date": ("受注予定日", "Close date"),
    "owner": ("営業担当", "Owner"),
    "lead_source": ("リードソース", "Lead source"),
    "lead_score": ("スコア", "Lead score"),
    "product": ("商品", "Product"),
    "created_at": ("作成日", "Created"),
    "updated_at": ("更新日", "Updated"),
    "next_action": ("次回アクション", "Next action"),
    "next_action_date": ("次回アクション日", "Next action date"),
    "lost_reason": ("失注理由", "Lost reason"),
    "industry": ("業種", "Industry"),
    "address": ("住所", "Address"),
    "postal_code": ("郵便番号", "Postal code"),
    "address_building": ("建物名", "Building"),
    "state": ("都道府県", "State"),
    "city": ("市区町村", "City"),
    "company_phone": ("代表電話", "Company phone"),
    "fax": ("FAX", "Fax"),
    "employees": ("従業員数", "Employees"),
    "annual_revenue": ("年間売上", "Annual revenue"),
    "website": ("URL", "Website"),
    "notes": ("備考", "Notes"),
}

WORDS: dict[str, tuple[str, str]] = {
    "title": ("データ品質レポート", "Data-quality report"),
    "subtitle": ("案件管理表 → SFA/CRM 移行", "Deal trackers → SFA/CRM migration"),
    "generated": ("基準日", "Reference date"),
    "today.data": ("データ中の最新の更新日・作成日", "latest updated/created date in the data"),
    "today.given": ("指定", "given"),
    "today.none": (
        "不明（更新日・作成日もブックの保存日もない。--as-of で指定してください）",
        "unknown (no updated/created dates, no saved date of a workbook; give --as-of)",
    ),
    "today.saved": ("ブックの最終保存日", "the date a workbook was last saved"),
    "today.stated": (
        "シートの表の上に書かれた日付（最終更新日など）",
        "the date a sheet states above its table (last updated ...)",
    ),
    "sources": ("読み込んだファイル", "Files read"),
    "print": ("印刷", "Print"),
    "masked": (
        "個人情報（メール・電話）はマスクしています",
        "E-mails and phone numbers are masked",
    ),
    "toc": ("目次", "Contents"),
    # sections
    "s.summary": ("概要", "At a glance"),
    "s.import": ("取り込めるか", "Can we import?"),
    "s.quality": ("データ品質", "Data quality"),
    "s.duplicates": ("重複", "Duplicates"),
    "s.funnel": ("パイプライン（ファネル）", "The pipeline (funnel)"),
    "s.checklist": ("運用チェックリスト", "Operating checklist"),
    "s.trend": ("品質の推移", "Quality over time"),
    "trend.intro": (
        "sfa-migrate check の履歴（--history）に記録された実行ごとの指標です。赤はしきい値を割った回です。",
        "The metrics of each run recorded in the sfa-migrate check history (--history); red runs breached a threshold.",
    ),
    "s.notes": ("集計ルール", "How the figures are computed"),
    "s.glossary": ("指摘の説明", "What the findings mean"),
    "g.intro": (
        "このレポートに出てくる指摘の意味と対処です。sfa-migrate explain ID でも表示できます"
        "（文言は rules/findings.yaml）。",
        "The meaning and fix of each finding in this report; sfa-migrate explain ID prints "
        "them too (texts in rules/findings.yaml).",
    ),
    "g.meaning": ("意味", "Meaning"),
    "g.fix": ("対処", "What to do"),
    # verdict
    "verdict.ready": ("取り込み可能", "Ready to import"),
    "verdict.attention": ("取り込み可能（要確認）", "Can import — check the points below"),
    "verdict.blocked": ("取り込み不可", "Cannot import yet"),
    "verdict.audit": (
        "監査のみ（インポートファイルは未作成）",
        "Audit only — no import files built",
    ),
    "why.not-validated": (
        "取り込み先の検証は行っていません（run --target で確認できます）",
        "Nothing was validated against a target SFA (run with --target to check)",
    ),
    "audit.target": ("なし（監査）", "none (audit)"),
    "why.files-failed": ("読み込めなかったファイルがあります", "Some files could not be read"),
    "why.rows-rejected": ("取り込めない行があります（除外）", "Some rows were rejected"),
    "why.deals-not-exported": (
        "金額のある案件が商談としてインポートされません（export.deal-not-exported）",
        "Deals with an amount are not imported as deals (export.deal-not-exported)",
    ),
    "why.error-findings": ("エラーの指摘があります", "There are error-level findings"),
    "why.validation-failed": (
        "インポートファイルの検証で除外された行があります",
        "Import-file validation rejected rows",
    ),
    "why.rows-unaccounted": ("行数が合いません（集計の不整合）", "Row counts do not reconcile"),
    "why.nothing-exported": ("取り込める行がありません", "No row could be exported"),
    # row statuses
    "in": ("読込行", "Rows in"),
    "data": ("データ行", "Data rows"),
    "exported": ("取込", "Exported"),
    "merged": ("統合", "Merged"),
    "rejected": ("除外", "Rejected"),
    "skipped": ("スキップ", "Skipped"),
    "blank": ("空行", "Blank"),
    "balanced": ("一致", "Adds up"),
    "total": ("合計", "Total"),
    "file": ("ファイル", "File"),
    "sheet": ("シート", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "field": ("項目", "Field"),
    "rule": ("ルール", "Rule"),
    "severity": ("重要度", "Severity"),
    "count": ("件数", "Count"),
    "rows": ("行数", "Rows"),
    "examples": ("例", "Examples"),
    "message": ("内容", "What is wrong"),
    "reason": ("理由", "Reason"),
    "hint": ("対処", "What to do"),
    "owner": ("担当者", "Owner"),
    "no-owner": ("（担当者なし）", "(no owner)"),
    "stage": ("ステージ", "Stage"),
    "amount": ("金額", "Amount"),
    "days": ("日数", "Days"),
    "error": ("エラー", "Error"),
    "warning": ("警告", "Warning"),
    "info": ("情報", "Info"),
    "na": ("この実行では利用できません", "Not available in this run"),
    "none-found": ("ありません", "None"),
    "csv": ("（CSV）", "(CSV)"),
    "one-table": ("（表 1 つ）", "(one table)"),
    # import section
    "imp.intro": (
        "読み込んだ全行の行き先です。読込行 = 取込 + 統合 + 除外 + スキップ（空行は別に数えます）。",
        "Where every row read went: rows in = exported + merged + rejected + skipped "
        "(blank rows are counted apart).",
    ),
    "imp.failed": ("読み込めなかったファイル", "Files that could not be read"),
    "imp.validation": ("インポートファイルの検証", "Validation of the import files"),
    "imp.rejections": ("除外の主な理由", "Top reasons for rejection"),
    "imp.checks": ("検証で失敗したチェック", "Failed import-file checks"),
    "imp.skipped-why": ("スキップの内訳", "Skipped rows by reason"),
    "imp.not-read": ("{n} 行を読んでいません", "{n} rows not read"),
    "imp.missing-required": ("必須項目が空の案件", "Deals without a value the target requires"),
    "imp.policy": ("対応（ターゲット設定）", "What is done (target profile)"),
    "imp.missing-required-note": (
        "reject は取り込まず rejects.csv へ、fiscal-quarter-end / fixed / first-stage は仮の値を入れて警告付きで取り込みます。"
        "rules/targets/*.yaml の policies で選べます。",
        "reject leaves the deal out (rejects.csv); fiscal-quarter-end, fixed and first-stage import it "
        "with a placeholder and a warning. Choose in the policies of rules/targets/*.yaml.",
    ),
    "imp.missing-required-formulas": (
        "{column} が空の案件のうち {n} 件は、計算結果が保存されていない数式のセルです（計算しないプログラムで"
        "保存されたブック）。まず Excel で開いて保存し直し、もう一度実行してください。",
        "{n} of the deals whose {column} is empty have a formula there without a saved value (the "
        "workbook was saved by a program that does not calculate): first open and save it in Excel "
        "so its formulas get values, then run again.",
    ),
    "expectations": ("チェック数", "Checks"),
    "passed": ("合格", "Passed"),
    "failed": ("不合格", "Failed"),
    "rows_out": ("出力行", "Rows out"),
    "status": ("状態", "Status"),
    "val.passed": ("合格", "passed"),
    "val.reported": ("指摘のみ", "reported only"),
    "val.rejected": ("行を除外", "rows rejected"),
    # quality section
    "q.completeness": ("項目の入力率（ファイル・シート別）", "Completeness by source"),
    "q.completeness-note": (
        "その列があるシートの行のうち、値が入っている割合。「—」はシートにその列がない。",
        "Share of rows with a value, among rows whose sheet has the column. "
        "'—' = the sheet has no such column.",
    ),
    "q.owner": ("担当者別の入力率（属人化）", "Completeness by owner (who leaves what empty)"),
    "q.owner-none": (
        "担当者の列がないため、担当者別には集計できません。",
        "No sheet has an owner column, so there is no per-owner picture.",
    ),
    "q.owner-omitted": ("ほか {n} 名は省略", "{n} more owners not shown"),
    "q.findings": ("指摘（テーマ別）", "Findings by theme"),
    "q.findings-note": (
        "重要なテーマから順に並べています（エラー、警告、件数の順）。指摘の ID を押すと、"
        "ページ末尾の説明（意味と対処）に移ります。メッセージと例は各セルの具体的な値です。",
        "Themes in order of importance (errors, then warnings, then counts). Click a finding's id "
        "for its meaning and fix at the end of the page. Messages and examples carry each cell's "
        "own values.",
    ),
    "q.theme": ("テーマ", "Theme"),
    "q.findings-chart": ("エラーと警告の数（テーマ別）", "Errors and warnings by theme"),
    "q.main": ("主な指摘（エラー・警告）", "Main findings (errors and warnings)"),
    "q.more-rules": ("ほか {n} 種類", "{n} more"),
    "q.info-rules": (
        "情報 {n} 種類・{m} 件（処理の記録。通常は対応不要）",
        "{n} kinds of info, {m} findings (a record of what was done; usually nothing to do)",
    ),
    "finding": ("指摘", "Finding"),
    "q.detail": ("詳細（セルの値）/ 例", "Details (the cell's values) / examples"),
    "q.by-source": ("指摘（ファイル・シート別）", "Findings by source"),
    "q.by-column": ("指摘（列別）", "Findings by column"),
    "q.unknown-stages": ("ステージモデルにないステージ名", "Stage words not in the stage model"),
    "q.unmapped": (
        "対応付けできなかった列（extra として保持）",
        "Headers not mapped (kept as extra columns)",
    ),
    "q.doubtful": (
        "推測で対応付けた列（確認してください）",
        "Headers mapped by guess (please confirm)",
    ),
    "q.word": ("ステージ名", "Word"),
    "q.header": ("見出し", "Header"),
    "q.method": ("方法", "Method"),
    "q.confidence": ("確からしさ", "Confidence"),
    "q.all": ("全体", "All rows"),
    # duplicates
    "d.intro": (
        "同じ会社・担当者・案件が複数行にあったものを1件にまとめました。",
        "Rows describing the same company, contact or deal were collapsed into one.",
    ),
    "d.entity": ("種類", "Entity"),
    "d.rows": ("元の行", "Source rows"),
    "d.entities": ("統合後", "After dedupe"),
    "d.collapsed": ("減少", "Collapsed"),
    "d.deal": ("案件", "Deals"),
    "d.company": ("会社", "Companies"),
    "d.contact": ("担当者", "Contacts"),
    "d.clusters": ("大きな重複グループ", "Largest duplicate clusters"),
    "d.survivor": ("残した行", "kept"),
    "d.clusters-note": (
        "同じ値の行はまとめて1行に表示しています。緑の行が統合後に残った行です。",
        "Rows with the same values are shown once; the green row is the one kept.",
    ),
    "d.cluster-caption": ("— {rows}行、{variants}通りの値", "— {rows} rows, {variants} variants"),
    "d.conflicts": (
        "値が食い違った項目（残す値を自動選択）",
        "Conflicting values settled by survivorship",
    ),
    "d.review": (
        "確認待ちのペア（自動では統合していません）",
        "Pairs waiting for review (not merged)",
    ),
    "d.pairs": ("ペア数", "Pairs"),
    "d.before-after": ("元の値 → 採用した値", "value → kept value"),
    # funnel
    "f.intro": (
        "取り込む案件（重複統合後）をステージモデル上に並べた姿です。",
        "Exported records (after dedupe) on the stage model.",
    ),
    "f.weighted": ("加重パイプライン", "Weighted pipeline"),
    "f.open": ("進行中", "Open"),
    "f.won": ("受注金額", "Won amount"),
    "f.win-rate": ("勝率", "Win rate"),
    "f.win-rate-note": ("受注 ÷（受注＋失注）", "won ÷ (won + lost)"),
    "f.stages": ("ステージ別の件数と金額", "Records and amount per stage"),
    "f.conversion": ("ステージ間の移行率", "Stage-to-stage conversion"),
    "f.reached-from": ("到達数", "Reached"),
    "f.reached-to": ("次へ進んだ数", "Went on"),
    "n-deals": ("{n}件", "{n} deals"),
    "f.rate": ("移行率", "Rate"),
    "f.no-stage": ("ステージ不明", "No stage"),
    "f.ages": ("ステージ滞留日数（最終更新からの日数）", "Stage age (days since last update)"),
    "f.median": ("中央値", "Median"),
    "f.mean": ("平均", "Mean"),
    "f.max": ("最大", "Max"),
    "f.movements": (
        "ステージの動き（同じ案件の複数スナップショット）",
        "Stage movement between snapshots of a deal",
    ),
    "f.backwards": ("後退・再開", "backwards / reopened"),
    "f.stale": (
        "更新漏れ（{n}日以上更新がない進行中案件）",
        "Stale open deals (not updated for {n}+ days)",
    ),
    "f.past-close": ("受注予定日を過ぎた進行中案件", "Open deals with a close date in the past"),
    "f.won-amount": ("受注案件のうち金額が入っている割合", "Won deals with an amount"),
    "f.lead-source": ("リードソースが入っている割合", "Records with a lead source"),
    "f.other-currency": (
        "{n} 行は {cur} 以外の通貨のため金額合計に含めていません",
        "{n} rows in currencies other than {cur} are left out of amount totals",
    ),
    "f.prob-note": (
        "確度は各行の値、なければステージ既定値",
        "record probability, else the stage default",
    ),
    "f.amount-count": ("金額あり", "With amount"),
    "f.default-prob": ("既定確度", "Default probability"),
    "deal": ("案件", "Deal"),
    "st.open": ("進行中", "open"),
    "st.won": ("受注", "won"),
    "st.lost": ("失注", "lost"),
    "days-unit": ("{n}日", "{n} d"),
    "f.median-days": ("中央値（日）", "Median days"),
    "f.stale-count": (
        "{n}件 / 更新日のある進行中案件 {m}件（{p}）",
        "{n} of {m} open deals with an update date ({p})",
    ),
    "f.past-count": (
        "{n}件 / 受注予定日のある進行中案件 {m}件（{p}）",
        "{n} of {m} open deals with a close date ({p})",
    ),
    "d.merged-rows": ("行を統合", "rows merged"),
    # a capped list or table: how many it leaves out and the file that lists them all
    "more-in": ("ほか {n} 件（すべて {where} にあります）", "and {n} more (all in {where})"),
    "more-in-json": ("ほか {n} 件は report.json にあります", "{n} more in report.json"),
    "empty": ("（空）", "(empty)"),
    "f.updated": ("最終更新", "Updated"),
    "f.overdue": ("超過日数", "Days overdue"),
    "f.path": ("推移", "Path"),
    "f.by-owner": ("担当者別", "By owner"),
    "f.of": ("{a} / {b}", "{a} of {b}"),
    # checklist
    "c.item": ("項目", "Item"),
    "c.evidence": ("根拠", "Evidence"),
    "c.thresholds": ("基準", "Thresholds"),
    "c.pass": ("OK", "Pass"),
    "c.warn": ("要改善", "Warn"),
    "c.fail": ("NG", "Fail"),
    "c.na": ("判定不可", "n/a"),
    "na.not-assessable": (
        "データからは判断できません（運用で確認）",
        "Not assessable from data (check in practice)",
    ),
    "na.no-column": ("該当する列がどのシートにもありません", "No sheet has this column"),
    "na.no-records": ("対象の行がありません", "No records"),
    "na.no-won-deals": ("受注案件がありません", "No won deals"),
    "na.no-lost-deals": ("失注案件がありません", "No lost deals"),
    "na.no-open-deals": ("進行中の案件がありません", "No open deals"),
    "na.no-today": (
        "基準日が決まりません（更新日・作成日がない）",
        "No reference date (no updated/created dates)",
    ),
    "na.no-updated-at": ("更新日の列がありません", "No updated-at dates"),
    "na.no-stages": ("ステージモデルが空です", "The stage model is empty"),
    "na.no-dedupe": ("重複判定はこの実行では行われていません", "Deduplication did not run"),
    "na.no-deal-ids": ("案件IDがありません（重複判定前）", "No deal ids (dedupe has not run)"),
    "na.no-snapshots": (
        "同じ案件の複数スナップショットはありません",
        "No deal appears in several snapshots",
    ),
    "na.no-owner-column": ("担当者の列がありません", "No owner column"),
    "m.stage_recognised": ("ステージが判別できた行", "records with a recognised stage"),
    "m.exit_conditions": ("移行条件がある進行中ステージ", "open stages with an exit condition"),
    "m.required_fields": (
        "必須項目のルールがある案件ステージ",
        "deal stages with a required-field rule",
    ),
    "m.lead_source": ("リードソースがある行", "records with a lead source"),
    "m.won_amount": ("金額がある受注案件", "won deals with an amount"),
    "m.fresh_updates": ("{n}日以内に更新された進行中案件", "open deals updated within {n} days"),
    "m.owner": ("担当者がある行", "records with an owner"),
    "m.close_dates": (
        "受注予定日が入っていて過ぎていない進行中案件",
        "open deals with a close date not in the past",
    ),
    "m.lost_reason": ("失注理由がある失注案件", "lost deals with a lost reason"),
    "m.next_action": ("次回アクションがある進行中案件", "open deals with a next action"),
    "m.unique_records": ("重複でない行", "rows that are not duplicates"),
    # notes
    "n.basis": (
        "ファネルの母数は取り込む行（重複統合で残った行）です。統合・除外された行は数えません。",
        "The funnel counts exported records (the rows that survived dedupe); merged and rejected rows are not counted.",
    ),
    "n.reached": (
        "「到達」は現在のステージの順番がそのステージ以上であること。失注は途中のステージが分からないため移行率から除きます。",
        "A record 'reached' a stage when its current stage's order is at least that stage's. "
        "Lost records are left out of conversion: their last open stage is not known.",
    ),
    "n.weighted": (
        "加重パイプライン = 進行中案件の 金額 × 確度 ÷ 100（確度がなければステージの既定確度）。",
        "Weighted pipeline = sum over open deals of amount × probability ÷ 100 (the stage's default "
        "probability when the record has none).",
    ),
    "n.today": (
        "日数は基準日から数えます。基準日は指定がなければデータ中の最新の更新日・作成日です（実行日の時計は使いません）。",
        "Days are counted to the reference date: the given date, else the latest updated/created date "
        "in the data (never the wall clock), so the same inputs give the same report.",
    ),
    "n.completeness": (
        "入力率は、その列があるシートの行に対する割合です（失注理由は失注案件、次回アクションは進行中案件だけが母数）。"
        "正規化で使えなかった値（不正なメール等）は空として数えます。",
        "Completeness is over rows whose sheet has the column (lost reason: lost deals only; next "
        "action: open deals only); values normalisation could not use (an invalid e-mail, an unknown "
        "stage) count as empty.",
    ),
    "n.fix": (
        "修正は quality.xlsx（修正リスト）で、元のファイルと同じ行番号・セルに色とコメントを付けています。",
        "Fix at the source with quality.xlsx: problem cells are coloured and commented at the same row "
        "and cell as in the source file.",
    ),
    "n.definition": ("定義", "Definition"),
    "n.exit": ("移行条件", "Exit condition"),
    "n.stage-model": ("ステージモデル", "Stage model"),
    "n.rules": (
        "しきい値は rules/report.yaml で変更できます。",
        "Thresholds are set in rules/report.yaml.",
    ),
}


ACTIONS: dict[str, tuple[str, str]] = {
    "changed": ("修正", "changed"),
    "kept": ("そのまま", "kept"),
    "blanked": ("空にした", "blanked"),
    "rejected": ("除外", "rejected"),
    "merged": ("統合", "merged"),
    "skipped": ("スキップ", "skipped"),
    "none": ("—", "—"),
}


def action_label(code: str, lang: Lang) -> str:
    pair = ACTIONS.get(code)
    return (pair[0] if lang == "ja" else pair[1]) if pair else code


def t(key: str, lang: Lang, **kw: Any) -> str:
    """The text for ``key`` in ``lang`` (the key itself when unknown), formatted with ``kw``."""
    pair = WORDS.get(key)
    text = (pair[0] if lang == "ja" else pair[1]) if pair else key
    return text.format(**kw) if kw else text


def field_label(name: str, lang: Lang) -> str:
    pair = FIELDS.get(name)
    return (pair[0] if lang == "ja" else pair[1]) if pair else name


def reason_text(reason: str, lang: Lang, catalogue: Catalogue) -> str:
    """A crosswalk or rejection reason for people, in ``lang`` where the catalogue has it.

    Each part (reasons are joined with "; ") that names a finding id (a bare code such as
    ``row.subtotal``, ``"...: CloseDate is required but empty [validate.required-missing]"`` or
    ``"normalize.amount-precision: ..."``) becomes the catalogue's title, followed by its
    specifics as written: the title is translated, the values are never re-worded.
    """
    out = []
    for part in split_reasons(reason):
        rule = rule_in(part)
        entry = catalogue.entry(rule) if rule else None
        if entry is None:
            if lang == "ja" and part.startswith(MERGED_INTO):
                part = "統合先 " + part.removeprefix(MERGED_INTO)
            out.append(part)
            continue
        detail = catalogue.message(rule, reason_detail(part), lang)
        title = entry.title.get(lang)
        out.append(f"{title} — {detail}" if detail and detail != rule else title)
    return "; ".join(out)


MERGED_INTO = "merged into "


# ------------------------------------------------------------------------------ numbers

SYMBOLS = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}


def num(x: Any) -> str:
    """12345 -> '12,345'; None -> '—'."""
    if x is None:
        return "—"
    f = float(x)
    return f"{f:,.0f}" if f.is_integer() or abs(f) >= 100 else f"{f:,.1f}"


def pct(x: float | None) -> str:
    """0.8734 -> '87%' (one decimal below 10% and above 99%, where it matters)."""
    if x is None:
        return "—"
    p = x * 100
    if p != round(p) and (p < 10 or 99 < p < 100):
        return f"{p:.1f}%"
    return f"{p:.0f}%"


def money(x: float | None, currency: str = "JPY") -> str:
    if x is None:
        return "—"
    sym = SYMBOLS.get(currency)
    return f"{sym}{x:,.0f}" if sym else f"{x:,.0f} {currency}"


def where(item: dict[str, Any], lang: Lang, column: str = "") -> str:
    """'file.xlsx › Sheet › row 5 › 金額' (ja: '5行目')."""
    parts = [item.get("file", "")]
    if item.get("sheet"):
        parts.append(item["sheet"])
    row = item.get("row") or 0
    if row:
        parts.append(f"{row}行目" if lang == "ja" else f"row {row}")
    if column:
        parts.append(column)
    return " › ".join(p for p in parts if p)

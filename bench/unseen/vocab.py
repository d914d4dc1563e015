"""Field vocabulary of the unseen trackers: stage words with the stage each one means.

Written from vendor documentation and Japanese B2B sales writing found with the search tool
(Salesforce's standard opportunity stages and forecast categories, HubSpot's default deal
pipeline, Dynamics 365 / Zoho / Salesforce Starter stage names, Japanese articles on 受注確度 /
ヨミ and inside-sales lead statuses), not from this tool's rules or the other generators.

Each word carries the stage of our model it means (lead, mql, sql, opportunity, proposal,
closing, won, lost), or "" when the word names no stage (on hold, pending), plus the other
stages a careful person could defend (``alt``). The stage metric counts an answer right when
it is the stage or one of its alternatives. Words that say a stage's exit condition is met
(アポ確定, 見積提出済, 内示, 発注書受領) name the next stage.
"""

from __future__ import annotations

from dataclasses import dataclass

STAGES = ("lead", "mql", "sql", "opportunity", "proposal", "closing", "won", "lost")
OPEN_DEAL_STAGES = ("opportunity", "proposal", "closing")


@dataclass(frozen=True)
class Word:
    text: str
    stage: str  # "" = names no stage
    alt: tuple[str, ...] = ()
    weight: float = 1.0


def W(text: str, stage: str, *alt: str, weight: float = 1.0) -> Word:
    return Word(text, stage, tuple(alt), weight)


# Salesforce's ten standard opportunity stages as a Japanese org shows them (the 確度 is the
# stage's default probability). Exported by the team that used the old CRM.
SFDC_JA = [
    (W("見込み", "opportunity", "sql"), 10),
    (W("選定", "opportunity", "sql"), 10),
    (W("ニーズ分析", "opportunity"), 20),
    (W("価値提案", "proposal", "opportunity"), 50),
    (W("意思決定者の特定", "proposal", "opportunity"), 60),
    (W("認識分析", "proposal"), 70),
    (W("提案/見積", "proposal"), 75),
    (W("交渉/レビュー", "closing"), 90),
    (W("成立", "won"), 100),
    (W("不成立", "lost"), 0),
]

# Salesforce Starter's sales stages as a Japanese user renamed them (見極め, 会議・説明, 提案,
# 交渉, 成約, 失注), used by a team that keeps its deals in a kintone 案件管理 app.
KINTONE = {
    "opportunity": [W("見極め", "opportunity", "sql"), W("会議・説明", "opportunity", "proposal")],
    "proposal": [W("提案", "proposal")],
    "closing": [W("交渉", "closing")],
    "won": [W("成約", "won")],
    "lost": [W("失注", "lost")],
    "": [W("保留", "")],
}
KINTONE_RANK = {
    "opportunity": "C",
    "proposal": "B",
    "closing": "A",
    "won": "A",
    "lost": "C",
    "": "C",
}

# A department tracker (ヨミ表): Japanese status words, exit-condition words, 〜済 / 〜待ち /
# 〜中 forms, katakana loanwords.
YOMI = {
    "opportunity": [
        W("アポ確定", "opportunity"),
        W("日程確定", "opportunity"),
        W("初回面談調整中", "opportunity", "sql"),
        W("ヒアリング中", "opportunity"),
        W("ディスカバリー", "opportunity"),
        W("課題整理中", "opportunity"),
    ],
    "proposal": [
        W("提案中", "proposal"),
        W("提案書作成中", "proposal"),
        W("デモ実施済", "proposal", "opportunity"),
        W("PoC中", "proposal", "opportunity"),
        W("見積作成中", "proposal"),
        W("プレゼン済み", "proposal"),
    ],
    "closing": [
        W("見積提出済", "closing"),
        W("見積回答待ち", "closing"),
        W("稟議中", "closing"),
        W("決裁待ち", "closing"),
        W("内示", "closing"),
        W("内示済み", "closing"),
        W("ネゴ中", "closing"),
        W("契約書送付済", "closing"),
        W("価格調整中", "closing"),
    ],
    "won": [
        W("発注書受領", "won"),
        W("受注", "won", weight=2),
        W("受注済み", "won"),
        W("契約締結済", "won"),
        W("注文書受領済", "won"),
    ],
    "lost": [
        W("ロスト", "lost", weight=2),
        W("失注", "lost"),
        W("失注（他社採用）", "lost"),
        W("見送り", "lost"),
        W("案件消滅", "lost"),
        W("不採用", "lost"),
    ],
    "": [W("ペンディング", ""), W("保留", ""), W("様子見", "")],
}

# An English-speaking team: HubSpot's default deal stages (the team came from HubSpot) mixed
# with pipeline slang. Forecast words in a stage column mean what the rep forecasts.
ENGLISH = {
    "opportunity": [
        W("Appointment Scheduled", "opportunity", "sql"),
        W("Qualified to Buy", "opportunity", "sql"),
        W("Discovery", "opportunity"),
        W("Engaging", "opportunity"),
        W("Demo", "opportunity", "proposal"),
        W("Upside", "opportunity", "proposal", weight=0.5),
    ],
    "proposal": [
        W("Presentation Scheduled", "proposal", "opportunity"),
        W("POC", "proposal", "opportunity"),
        W("Trial", "proposal", "opportunity"),
        W("Proposal", "proposal"),
        W("Best Case", "proposal", "closing", weight=0.5),
    ],
    "closing": [
        W("Decision Maker Bought-In", "closing", "proposal"),
        W("Contract Sent", "closing"),
        W("Verbal", "closing"),
        W("Commit", "closing"),
        W("Negotiation", "closing"),
    ],
    "won": [W("Closed Won", "won", weight=2), W("Won", "won"), W("Signed", "won")],
    "lost": [
        W("Closed Lost", "lost", weight=2),
        W("Disqualified", "lost"),
        W("Lost", "lost"),
    ],
    "": [W("On Hold", ""), W("Stalled", "")],
}

# Forecast category beside the stage (Salesforce's standard categories).
FORECAST = {
    "opportunity": ["Pipeline", "Upside"],
    "proposal": ["Best Case", "Pipeline"],
    "closing": ["Commit", "Best Case"],
    "won": ["Closed"],
    "lost": ["Omitted"],
    "": ["Omitted", "Pipeline"],
}

# Inside-sales lead statuses (person level until 商談化).
LEAD_STATUS = [
    W("新規", "lead", weight=1.5),
    W("未対応", "lead"),
    W("架電中", "lead"),
    W("不通", "lead"),
    W("接続済み", "lead", "mql"),
    W("資料送付済", "mql", "lead"),
    W("MQL判定済", "mql", weight=1.5),
    W("SQL判定済", "sql"),
    W("BANT確認済", "sql"),
    W("アポ確定", "opportunity", "sql", weight=1.5),
    W("商談化", "opportunity", weight=3),
    W("対象外", "lost"),
    W("ナーチャリング", "lead", "mql", weight=1.5),
]

# ヨミ rank with its legend sheet; stage -> rank
YOMI_RANK = {"opportunity": "C", "proposal": "B", "closing": "A", "won": "", "lost": "", "": "D"}
YOMI_LEGEND = [
    ("A", "受注確度80%以上（内示・稟議中）", 80),
    ("B", "50%前後（提案・見積段階）", 50),
    ("C", "20%前後（ニーズ確認済み）", 20),
    ("D", "10%未満（情報収集・保留）", 5),
]

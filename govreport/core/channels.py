"""Disclosure-channel taxonomy, the alias table that maps labels as written to canonical channels,
value qualifiers (余/多/约/近/以上) and units.

The taxonomy (described in ``docs/domain/channels.md``) has 14 categories and a residual ``other``. Aliases are
matched on simplified, width-normalised text; callers normalise traditional or garbled text first
(:mod:`govreport.readers.normalize`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    label: str  # Chinese display name
    order: int


CHANNELS: tuple[Channel, ...] = (
    Channel("website", "政府网站", 1),
    Channel("wechat", "微信公众号", 2),
    Channel("weibo", "政务微博", 3),
    Channel("short_video", "短视频平台", 4),
    Channel("news_app", "新闻客户端及平台账号", 5),
    Channel("new_media", "政务新媒体（未指明）", 6),
    Channel("gazette", "政府公报", 7),
    Channel("press_event", "新闻发布会及在线访谈", 8),
    Channel("mass_media", "新闻媒体", 9),
    Channel("notice_board", "公开栏", 10),
    Channel("electronic_screen", "电子显示屏", 11),
    Channel("access_point", "查阅点及线下活动", 12),
    Channel("service_platform", "便民服务平台", 13),
    Channel("messaging", "短信及群组", 14),
    Channel("other", "其他渠道", 15),
)
CHANNEL_IDS: frozenset[str] = frozenset(c.id for c in CHANNELS)
CHANNEL_BY_ID: dict[str, Channel] = {c.id: c for c in CHANNELS}

# Ordered: the first pattern that matches wins, so specific patterns come before generic ones.
_ALIASES: tuple[tuple[str, str], ...] = (
    ("wechat", r"微信公众号|公众号|政务微信|微信"),
    ("weibo", r"微博"),
    ("short_video", r"抖音|快手|视频号|短视频"),
    ("news_app", r"头条号|今日头条|客户端|政务APP|APP|新闻app"),
    ("new_media", r"新媒体"),
    ("gazette", r"公报"),
    ("press_event", r"新闻发布会|发布会|在线访谈|访谈|吹风会"),
    ("electronic_screen", r"电子显示屏|电子屏|显示屏|LED"),
    ("notice_board", r"公开栏|公示栏|宣传栏|公告栏|橱窗|海报|政务公开栏|公开墙"),
    ("service_platform", r"三务公开|便民服务平台|政务服务平台|服务平台|党务公开平台"),
    ("access_point", r"查阅点|查阅室|档案馆|图书馆|政务公开专区|服务大厅|服务中心|公开日|会议|传单|大讲堂"),
    ("messaging", r"短信|QQ|微信群|网格群|群组"),
    ("mass_media", r"新闻媒体|报纸|广播|电视|媒体"),
    (
        "website",
        r"网站|门户|官网|政务网|信息公开平台|信息公开专栏|公开专栏|公开目录|政务公开平台|集约化平台|网站平台|入口网站",
    ),
    ("other", r"其他方式|其他形式|其他渠道|线上及线下|线下"),
)
_ALIAS_RES = tuple((cid, re.compile(p, re.IGNORECASE)) for cid, p in _ALIASES)


def classify_channel(label: str) -> str | None:
    """Map a channel label as written (simplified Chinese) to a canonical channel id, or None."""
    for cid, rx in _ALIAS_RES:
        if rx.search(label):
            return cid
    return None


class Qualifier(StrEnum):
    """How exact a stated figure is. 余/多/以上 = at least; 近 = at most; 约 = about."""

    EXACT = ""
    MORE_THAN = "余"
    MANY = "多"
    ABOUT = "约"
    NEARLY = "近"
    OVER = "以上"

    @property
    def bound(self) -> str:
        """'exact', 'lower' (the true figure is ≥ value), 'upper' (≤ value) or 'approx'."""
        if self is Qualifier.EXACT:
            return "exact"
        if self in (Qualifier.MORE_THAN, Qualifier.MANY, Qualifier.OVER):
            return "lower"
        if self is Qualifier.NEARLY:
            return "upper"
        return "approx"

    def written(self, number: str, unit: str = "") -> str:
        """``number`` and ``unit`` with the qualifier where Chinese puts it: ``约300条``, ``近50条``,
        ``1000条以上``, ``300余条``, ``300多条``; an exact figure is ``number`` and ``unit`` alone."""
        if self in (Qualifier.ABOUT, Qualifier.NEARLY):
            return f"{self.value}{number}{unit}"
        if self is Qualifier.OVER:
            return f"{number}{unit}以上"
        return f"{number}{self.value}{unit}"


QUALIFIERS: frozenset[str] = frozenset(q.value for q in Qualifier)

#: Units seen for publication counts. Audience metrics (关注/订阅/访问量/人次) are not item counts.
ITEM_UNITS: frozenset[str] = frozenset({"条", "条次", "篇", "件", "个", "期", "场", "次", "宗", "份", "项"})
AUDIENCE_UNITS: frozenset[str] = frozenset({"人次", "万人次", "人", "万人", "次浏览"})
UNITS: frozenset[str] = ITEM_UNITS | AUDIENCE_UNITS


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label: str
    pattern: str


#: Content categories (栏目) of a 主动公开 breakdown: a second breakdown of the same total.
CATEGORIES: tuple[Category, ...] = (
    Category("news", "工作动态", r"动态|要闻|新闻"),
    Category("notices", "通知公告", r"通知|公告|公示"),
    Category("budget", "财政资金", r"预决算|三公|资金|财政"),
    Category("organisation", "机构人事", r"机构|职能|领导|人事|任免"),
    Category("plans", "规划计划", r"规划|计划|总结"),
    Category("policy_docs", "政策文件", r"政策文件|部门文件|规范性文件|法规|文件"),
    Category("interpretation", "政策解读", r"解读"),
    Category("proposals", "建议提案办理", r"建议|提案"),
    Category("disclosure_docs", "年报及指南", r"年报|年度报告|指南"),
    Category("enforcement", "许可处罚强制", r"许可|处罚|强制"),
    Category("sector", "重点领域信息", r"救助|养老|统计|疫情|重点领域"),
    Category("other", "其他信息", r"其他"),
)
CATEGORY_IDS: frozenset[str] = frozenset(c.id for c in CATEGORIES)
CATEGORY_BY_ID: dict[str, Category] = {c.id: c for c in CATEGORIES}


def classify_category(label: str) -> str | None:
    for c in CATEGORIES:
        if re.search(c.pattern, label):
            return c.id
    return None

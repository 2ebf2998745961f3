"""Normalising a published report's text before anything is read from it.

Mirror sites and old pages damage reports in predictable ways. :func:`normalize` undoes them in one pass
over the whole document (never character by character, never line by line), in this order:

1. **mirror garbling**: a character followed by its pinyin in parentheses (``據(jù)`` → ``據``). Only Latin
   text that is a valid pinyin syllable (one per preceding Han character) is removed, so legitimate
   parentheses such as ``（以下簡稱《條例》）``, ``（一）``, ``（傳真）`` or ``(APP)`` stay. Toneless syllables
   are removed only in documents that are visibly garbled (three or more toned annotations);
2. **traditional → simplified** with OpenCC ``t2s`` (one call for the whole document);
3. **width**: full-width Latin letters and digits become ASCII; ASCII punctuation written inside Chinese
   text becomes full-width (``,`` → ``，``, ``(传真)`` → ``（传真）``), parentheses converted in pairs;
4. **spam lines** of mirror sites (navigation, share buttons, copyright, "来源于网络"), dropped and kept aside;
   gambling spam spliced into a sentence (新葡京, 真人百家乐 …) is cut out of it, and mojibake runs
   (UTF-8 read as Latin-1, ``锟斤拷``, U+FFFD) are dropped: the rest of the text is read, and both are listed;
5. **whitespace**: zero-width characters, spaces next to Chinese characters, runs of spaces, blank lines.

Every step is a deletion or a same-length replacement, so each character of the result keeps the
offset of the character it came from (:attr:`Normalized.pos`): figures read from the normalised text
are traced back to the original file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

#: Han characters (BMP blocks; astral CJK extensions are rare in reports and are treated as text).
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Full-width and CJK punctuation, used as "Chinese context" for punctuation width.
CJK_PUNCT = (
    "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
)

_TONES = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿêĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙ",
    "aaaaeeeeiiiioooouuuuüüüünnnmeAAAAEEEEIIIIOOOOUUUU",
)
_COMBINING = re.compile("[\u0300-\u036f]")
_SYLLABLE = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|üan|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un|"
    r"ue|üe|ün|a|o|e|i|u|ü|v)|ng|hng|hm|m|n)"
)
_GARBLE = re.compile(rf"(?<=[{CJK}])[(（]([a-z\u00c0-\u024f\u0300-\u036f\u1e3f ]{{1,48}})[)）]")
_CJK_RUN_END = re.compile(rf"[{CJK}]+$")

_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
     "＠": "@", "＃": "#", "＆": "&", "＿": "_", "＋": "+", "＝": "=",
     "\u3000": " ", "\u00a0": " ", "\t": " ", "\r": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
     "\u200a": " ", "\u202f": " ", "\u205f": " ", "\f": " ", "\v": " "}
)
_FW_DOT = re.compile(r"(?<=\d)．(?=\d)")
_PUNCT_FW = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_PUNCT = re.compile(
    rf"(?<=[{CJK}{CJK_PUNCT}])[,:;!?]|[,;!?](?=[{CJK}])|(?<![0-9A-Za-z/]):(?=[{CJK}0-9])"
)
_PARENS = re.compile(r"[()]")
_HAS_CJK = re.compile(rf"[{CJK}]")

_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]+")
_SPACES = re.compile(rf"^ +| +$|(?<=[{CJK}{CJK_PUNCT}]) +| +(?=[{CJK}{CJK_PUNCT}])|(?<= ) +", re.MULTILINE)
_NEWLINES = re.compile(r"\A\n+|\n+\Z|(?<=\n)\n+")

#: Lines that mirror sites and page templates add around a report. Only short lines are tested.
_SPAM = re.compile(
    r"^(?:https?://|www\.)\S+$|上一篇|下一篇|返回顶部|返回首页|返回列表|打印本页|关闭窗口|【打印】|【关闭】|"
    r"分享到|扫一扫|手机扫码|版权所有|Copyright|©|免责声明|来源于网络|来自互联网|侵权|联系删除|转载请注明|"
    r"相关(?:文章|阅读|推荐|链接|新闻)[:：]?$|热门(?:文章|推荐|标签)|(?:阅读|浏览|点击)(?:次数|量)?[:：]\s*\d*$|"
    r"字号[:：]|【字体|大\s*中\s*小|责任编辑|网站地图|ICP备|公网安备|技术支持[:：]|当前位置[:：]|您(?:当前)?的位置|"
    r"(?:您|你)?(?:当前|现在)?所在(?:的)?位置|^\s*[>›»]|[>›»][^>›»\n]{1,24}[>›»]|"
    r"^首页\s*[>›»/]|^(?:来源|作者|发布时间|发布日期|发布机构|信息来源)[:：]",
    re.IGNORECASE,
)
_SPAM_MAX_LEN = 80

#: Gambling spam that hacked mirror pages splice into report text (whole lines, or words inside a
#: sentence). Only compounds that never occur in a disclosure report are listed (not 彩票 or 体育 alone).
_CASINO = re.compile(
    r"澳门新葡京|新葡京|葡京娱乐|娱乐(?:场|城|平台|官网|网址)|真人百家乐|百家乐|真人(?:视讯|娱乐|荷官)|"
    r"太阳城(?:娱乐|集团|官网)?|皇冠(?:体育|娱乐|足球|网址)|体育投注|(?:线上|网上|在线)棋牌|棋牌游戏|"
    r"注册(?:即)?送(?:彩金)?|彩金|博彩|赌场|赌博网站|威尼斯人|金沙(?:娱乐|官网|国际|赌场)|老虎机|电子游艺|捕鱼游戏|"
    r"时时彩|六合彩|北京赛车|幸运飞艇|[a-z0-9-]*bet[a-z0-9-]*\.(?:com|net|cc|vip)"
)
#: Mojibake: UTF-8 read as Latin-1/cp1252 (æ”¿åºœ…), replacement characters, and the classic GBK runs.
_MOJIBAKE = re.compile(
    "(?:[\u00c0-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122 ]{1,2}){3,}"
    "|(?:锟斤拷|烫烫烫|屯屯屯|\ufffd)+"
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised text and, for each of its characters, the offset of its origin in the input.

    ``pos`` has ``len(text) + 1`` entries; the last one is the input's length.
    """

    text: str
    pos: list[int]
    garbles: int = 0  # pinyin annotations removed
    traditional: bool = False  # OpenCC changed something
    removed_lines: tuple[str, ...] = ()  # spam lines dropped, as they read after normalisation
    removed_at: tuple[int, ...] = ()  # input offset of each dropped line
    spam_words: tuple[str, ...] = ()  # gambling spam removed from inside lines
    damaged: tuple[str, ...] = ()  # mojibake runs removed (the rest of the text is read)

    def origin_span(self, start: int, end: int) -> tuple[int, int]:
        """The input span a normalised span ``[start, end)`` came from."""
        if end <= start:
            return self.pos[start], self.pos[start]
        return self.pos[start], self.pos[end - 1] + 1


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """OpenCC t2s on a whole text (one call)."""
    return _t2s().convert(text)


def _delete(text: str, pos: list[int], spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Remove sorted, non-overlapping ``spans`` from ``text``, keeping the origin map in step."""
    if not spans:
        return text, pos
    parts: list[str] = []
    new_pos: list[int] = []
    last = 0
    for a, b in spans:
        parts.append(text[last:a])
        new_pos.extend(pos[last:a])
        last = b
    parts.append(text[last:])
    new_pos.extend(pos[last:])
    return "".join(parts), new_pos


@lru_cache(maxsize=4096)
def _pinyin_annotation(content: str) -> tuple[int, bool]:
    """(number of pinyin syllables, has tone marks) of a parenthesised Latin text; (0, False) if not pinyin."""
    plain = _COMBINING.sub("", content.translate(_TONES))
    syllables = plain.split()
    if not syllables or not all(_SYLLABLE.fullmatch(s) for s in syllables):
        return 0, False
    return len(syllables), plain != content


def _garble_spans(text: str) -> list[tuple[int, int]]:
    toned: list[tuple[int, int]] = []
    toneless: list[tuple[int, int]] = []
    for m in _GARBLE.finditer(text):
        n, has_tone = _pinyin_annotation(m.group(1))
        if n == 0:
            continue
        if n > 1:  # one syllable per Han character: the n characters before must all be Han
            run = _CJK_RUN_END.search(text, max(0, m.start() - n), m.start())
            if run is None or run.end() - run.start() < n:
                continue
        (toned if has_tone else toneless).append(m.span())
    if len(toned) >= 3:
        return sorted(toned + toneless)
    return toned


def _punct_width(text: str) -> str:
    """ASCII punctuation inside Chinese text → full width (same length)."""
    chars: list[str] | None = None
    for m in _PUNCT.finditer(text):
        if chars is None:
            chars = list(text)
        chars[m.start()] = _PUNCT_FW[m.group()]
    # parentheses: convert a matched pair when its content or its outside neighbours are Chinese
    stack: list[int] = []
    for m in _PARENS.finditer(text):
        i = m.start()
        if m.group() == "(":
            stack.append(i)
            continue
        if not stack:
            continue
        j = stack.pop()
        before = text[j - 1] if j > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if _HAS_CJK.search(text, j + 1, i) or _HAS_CJK.match(before) or _HAS_CJK.match(after):
            if chars is None:
                chars = list(text)
            chars[j], chars[i] = "（", "）"
    return text if chars is None else "".join(chars)


def normalize(text: str, *, drop_spam: bool = True) -> Normalized:
    """Normalise a whole document (see the module docstring). ``text`` should use ``\\n`` line ends."""
    pos = list(range(len(text) + 1))
    # 1. mirror garbling
    spans = _garble_spans(text) if "(" in text or "（" in text else []
    text, pos = _delete(text, pos, spans)
    # 2. traditional → simplified, whole document
    simplified = to_simplified(text)
    traditional = simplified != text
    if len(simplified) != len(text):
        simplified, pos = _t2s_by_line(text, pos)
    text = simplified
    # 3. width
    text = text.translate(_WIDTH)
    if "．" in text:
        text = _FW_DOT.sub(".", text)
    text = _punct_width(text)
    # 4. spam lines, gambling spam inside lines, mojibake runs
    removed: list[str] = []
    removed_at: list[int] = []
    words: list[str] = []
    damaged: list[str] = []
    if drop_spam:
        spam_spans: list[tuple[int, int]] = []
        casino = _CASINO.search(text) is not None
        start = 0
        for line in text.split("\n"):
            end = start + len(line)
            stripped = line.strip()
            hits = list(_CASINO.finditer(line)) if casino else []
            spam_len = sum(m.end() - m.start() for m in hits)
            if stripped and ((len(stripped) <= _SPAM_MAX_LEN and _SPAM.search(stripped)) or (hits and (
                    2 * spam_len >= len(stripped) or not _HAS_CJK.search(_CASINO.sub("", stripped))))):
                removed.append(stripped)
                removed_at.append(pos[start])
                spam_spans.append((start, min(end + 1, len(text))))
            else:
                for m in hits:
                    words.append(m.group())
                    spam_spans.append((start + m.start(), start + m.end()))
            start = end + 1
        for m in _MOJIBAKE.finditer(text):
            damaged.append(m.group())
            spam_spans.append(m.span())
        text, pos = _delete(text, pos, _merge(sorted(spam_spans)))
    # 5. whitespace
    text, pos = _delete(text, pos, [m.span() for m in _ZERO_WIDTH.finditer(text)])
    text, pos = _delete(text, pos, _merge(m.span() for m in _SPACES.finditer(text)))
    text, pos = _delete(text, pos, [m.span() for m in _NEWLINES.finditer(text)])
    return Normalized(text, pos, len(spans), traditional, tuple(removed), tuple(removed_at), tuple(words),
                      tuple(damaged))


def _merge(spans) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if a == b:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _t2s_by_line(text: str, pos: list[int]) -> tuple[str, list[int]]:
    """Fallback when OpenCC changed the document's length: convert line by line and map each changed line
    to its first character's origin."""
    out: list[str] = []
    new_pos: list[int] = []
    start = 0
    lines = text.split("\n")
    for n, line in enumerate(lines):
        conv = to_simplified(line)
        if len(conv) == len(line):
            new_pos.extend(pos[start:start + len(line)])
        else:
            new_pos.extend([pos[start]] * len(conv))
        out.append(conv)
        start += len(line)
        if n < len(lines) - 1:
            new_pos.append(pos[start])
            start += 1
    new_pos.append(pos[len(text)])
    return "\n".join(out), new_pos

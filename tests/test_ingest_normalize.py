"""Normalisation (garbling, OpenCC, width, spam lines, whitespace), encodings and the origin map."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from govreport.core.errors import EncodingError
from govreport.readers.detect import decode
from govreport.readers.labels import label_key
from govreport.readers.normalize import normalize
from tests.fixtures.ingest import variants


@pytest.mark.parametrize(("raw", "want"), [
    # the seed's own forms: garbled characters inside legitimate parentheses
    ("根據(jù)《中華人民共和國(guó)政府信息公開(kāi)條例》(以下簡(jiǎn)稱《條例》)",
     "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）"),
    ("(一)加強(qiáng)組織領(lǐng)導(dǎo)", "（一）加强组织领导"),
    ("電話:0478—5212471(傳真)", "电话：0478—5212471（传真）"),
    # several syllables after several characters, full-width parentheses
    ("政府(zhèng fǔ)網站", "政府网站"),
    ("公開（gōng kāi）", "公开"),
    # Latin text that is not pinyin stays
    ("通過APP(APP)發布", "通过APP（APP）发布"),
    ("網址(www.example.cn)", "网址（www.example.cn）"),
    # toneless syllables are only removed in a visibly garbled document
    ("我們(men)的", "我们（men）的"),
    ("國(guó)家(jiā)標(biāo)準(zhǔn)們(men)", "国家标准们"),
    # width and whitespace
    ("ＡＢＣ１２３，第１．５万", "ABC123，第1.5万"),
    ("主动公开　政务信息 418 条", "主动公开政务信息418条"),
    ("规范化,法制化;要求:如下", "规范化，法制化；要求：如下"),
    ("1,234条 10:30", "1,234条10:30"),
])
def test_normalize(raw: str, want: str) -> None:
    assert normalize(raw).text == want


def test_spam_lines_are_dropped_and_kept_aside() -> None:
    raw = "当前位置：首页 > 政务公开\n正文第一段。\n上一篇：某通知\n浏览次数：1024\nhttp://www.example.cn/a\n【打印本页】【关闭窗口】\n正文第二段。\n"
    n = normalize(raw)
    assert n.text == "正文第一段。\n正文第二段。"
    assert n.removed_lines == ("当前位置：首页 > 政务公开", "上一篇：某通知", "浏览次数：1024",
                               "http://www.example.cn/a", "【打印本页】【关闭窗口】")


def test_long_lines_are_never_spam() -> None:
    line = "本站" + "按照要求及时公开各类政府信息" * 8 + "。"
    assert normalize(line).text == line


def test_blank_lines_between_paragraphs_keep_the_paragraphs_apart() -> None:
    assert normalize("标题\n\n\n第一段。\n  \n第二段。\n\n").text == "标题\n第一段。\n第二段。"


def test_origin_map_points_into_the_input() -> None:
    raw = "本年度(dù)共計(jì)主動(dòng)公開(kāi)信息 418 條"
    n = normalize(raw)
    assert n.text == "本年度共计主动公开信息418条"
    i = n.text.index("418")
    a, b = n.origin_span(i, i + 3)
    assert raw[a:b] == "418"
    j = n.text.index("主动")
    a, b = n.origin_span(j, j + 2)
    assert raw[a:b] == "主動"
    a, b = n.origin_span(j, j + 4)  # a span keeps the annotations inside it
    assert raw[a:b] == "主動(dòng)公開"


_ALPHABET = "主动公开政府信息条网站微信公众号发布关注据国门户栏规范性文件报告年度统计数据机关单位" \
            "办理结果申请复议诉讼维持纠正总计其他一二三四五六七八九十，。、；：“”（）0123456789 \n"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=200))
def test_garbled_traditional_copy_normalises_to_the_same_text(text: str) -> None:
    # OpenCC's s2t → t2s is not an identity for every string (布复 → 佈覆 → 布覆): the property is about the
    # normaliser, so only texts that OpenCC itself round-trips are used.
    assume(opencc.OpenCC("t2s").convert(variants.traditional(text)) == text)
    clean = normalize(text)
    assert normalize(variants.traditional(text)).text == clean.text
    garbled = variants.garbled(text)
    n = normalize(garbled)
    assert n.text == clean.text
    # every character of the result maps to a character of the input, in order
    assert len(n.pos) == len(n.text) + 1
    assert all(0 <= p < len(garbled) for p in n.pos[:-1])
    assert n.pos == sorted(n.pos)
    for i, ch in enumerate(n.text):
        if ch.isdigit():
            assert garbled[n.pos[i]] == ch


@pytest.mark.parametrize(("label", "key"), [
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开"),
    ("3.危及“三安全一稳定”", "危及三安全一稳定"),
    ("本年收费金额（单位：万元）", "本年收费金额"),
    ("本年增/减", "本年增减"),
    ("一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量"),
])
def test_label_key(label: str, key: str) -> None:
    assert label_key(label) == key


# ------------------------------------------------------------------------------------- encodings

_SAMPLE = "本報告所列數據的統計期限為2021年1月1日至2021年12月31日。全年主動公開政府信息320餘條，其中網站210條。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "cp950"])
def test_encodings_are_detected(encoding: str) -> None:
    text, enc = decode(_SAMPLE.encode(encoding))
    assert text.lstrip("\ufeff") == _SAMPLE
    assert enc in {"utf-8": ("utf-8",), "utf-8-sig": ("utf-8-sig",), "gbk": ("gb18030",),
                   "gb18030": ("gb18030",), "big5": ("cp950",), "cp950": ("cp950",)}[encoding]


def test_short_simplified_gbk_text_is_not_mistaken_for_big5() -> None:
    s = "主动公开政府信息418条。"
    assert decode(s.encode("gbk"))[0] == s


def test_declared_html_charset_wins() -> None:
    html = '<html><head><meta charset="big5"></head><body><p>政府資訊公開</p></body></html>'
    text, enc = decode(html.encode("cp950"))
    assert enc == "cp950" and "政府資訊公開" in text


def test_crlf_line_ends_become_newlines() -> None:
    assert decode("一\r\n二\r三".encode())[0] == "一\n二\n三"


def test_undecodable_bytes_name_the_file() -> None:
    with pytest.raises(EncodingError) as exc:
        decode(b"\x81\x30\xff\xfe\x00\xa0" * 3 + b"\xff", file="bad.txt")
    assert "bad.txt" in str(exc.value)

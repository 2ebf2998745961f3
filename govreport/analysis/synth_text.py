"""The narratives of synthetic reports: Markdown with the six national section headings, stating the
report's own figures (so that the text checks find them consistent), clearly labelled as made up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from govreport.analysis.synth_vocab import (
    C_TOT,
    CHANNEL_SLOTS,
    FNONE,
    R_CF,
    R_CO,
    R_GRANTED,
    R_NEW,
    R_PARTIAL,
    R_TOTAL,
    S_ITEM,
)
from govreport.core.values import format_value

if TYPE_CHECKING:  # pragma: no cover
    from govreport.analysis.synth_gen import Generator


def narrative(g: Generator, r: int) -> str:
    """Report ``r``'s narrative in Markdown: the six national section headings, its own figures in the text."""
    a = int(g.r_agency[r])
    year = int(g.r_year[r])
    name = g.names[a]
    t3 = g.t3[r]
    new, co, handled, cf = (int(t3[x, C_TOT]) for x in (R_NEW, R_CO, R_TOTAL, R_CF))
    granted, partial = int(t3[R_GRANTED, C_TOT]), int(t3[R_PARTIAL, C_TOT])
    review, direct, after = (int(g.t4[r, i, 4]) for i in range(3))
    period = "" if g.no_period[r] else f"本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
    cut = f"主动公开数据统计至{year}年12月{int(g.cutoff_day[r])}日。" if g.cutoff[r] else ""
    pro = ""
    if g.p_states_total[r]:
        q = "余" if g.p_qual[r] else ""
        pro = f"全年主动公开政府信息{int(g.p_total[r])}{q}条。"
        slots = np.flatnonzero(g.c_present[r])
        if len(slots):
            parts = [f"通过{g.channel_label(a, int(s))}公开{int(g.c_vals[r, s])}"
                     f"{q if S_ITEM[s] else ''}{CHANNEL_SLOTS[s][1]}" for s in slots]
            pro += "其中" + "，".join(parts) + "。"
    intro = (f"本报告根据《中华人民共和国政府信息公开条例》编制。{name}为合成示例机关，本报告全部内容均为"
             f"软件生成的合成数据，不是真实的政府信息公开工作年度报告。{period}")
    if new == 0 and co == 0:
        apps = f"{year}年，本机关未收到政府信息公开申请，无上年结转申请。"
    else:
        apps = (f"{year}年，本机关新收政府信息公开申请{new}件，上年结转{co}件，办结{handled}件，"
                f"其中予以公开{granted}件，部分公开{partial}件，结转下年度继续办理{cf}件。")
    if review + direct + after == 0:
        lit = "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    else:
        lit = f"本年度因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{direct + after}件。"
    tables = g.fmt[r] != FNONE
    table_ref = "具体数据见下表。" if tables else ""
    fee = ""
    if g.fee_present[r]:
        notices, billed, collected = (float(x) for x in g.fee[r, 0])
        fee = "本年度未收取信息处理费。" if notices == 0 else (
            f"本年度发出收费通知{int(notices)}件，应收信息处理费{format_value(billed, 0)}元，"
            f"实收{format_value(collected, 0)}元。")
    sections = (
        ("", intro),
        ("一、总体情况", "\n\n".join([
            f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开工作。{cut}",
            f"### （一）主动公开\n\n{pro or '围绕重点领域及时主动公开政府信息。'}",
            "### （二）依申请公开\n\n规范依申请公开办理流程，按时答复申请人。",
            "### （三）政府信息管理\n\n落实公开前保密审查制度，动态更新政府信息公开目录。",
            "### （四）政府信息公开平台建设\n\n加强政府网站和政务新媒体管理，及时更新信息公开专栏。",
            "### （五）监督保障\n\n将政务公开工作纳入年度考核，开展业务培训。",
        ])),
        ("二、主动公开政府信息情况", f"{pro}{table_ref}" or "本年度主动公开情况见正文。"),
        ("三、收到和处理政府信息公开申请情况", f"{apps}{table_ref}"),
        ("四、政府信息公开行政复议、行政诉讼情况", f"{lit}{table_ref}"),
        ("五、存在的主要问题及改进情况",
         "一是公开内容的及时性有待提高；二是政策解读形式较为单一。下一步将完善发布审核机制，丰富解读形式。"),
        ("六、其他需要报告的事项", fee or "无其他需要报告的事项。"),
    )
    out = []
    for heading, body in sections:
        out.append(f"## {heading}\n\n{body.strip()}\n" if heading else body.strip() + "\n")
    return "\n".join(out)

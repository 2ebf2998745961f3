"""The agency of a published report: matched by name against known agencies (an existing dataset's
``agencies.csv``) or derived from the name the report gives (kind, level and superior from the name's region
part; id = region + agency type in pinyin when pypinyin is installed, else a stable hash)."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from govreport.core.ids import AGENCY_ID_MAX, check_agency_arg, is_agency_id
from govreport.core.model import Agency, AgencyKind, Level
from govreport.readers.text import Findings


def unidentified_agency(file: str, name: str | None = None) -> Agency:
    """The stand-in agency of a report whose agency could not be identified: named after the file."""
    stem = Path(file).name
    digest = hashlib.blake2b(file.encode("utf-8"), digest_size=4).hexdigest()
    label = f"未识别机关（{stem}）" if not name else f"{name}（未能确定机关层级，{stem}）"
    return Agency(id=f"unidentified-{digest}", name=label, kind=AgencyKind.OTHER, level=Level.COUNTY)


_UNIT = re.compile(
    r"(?:自治区|自治州|自治县|自治旗|特别行政区|省|市|州|盟|地区|县|旗|区|镇|乡|苏木|街道)"
    r"(?!场|政|容|域|划|村|镇|直)"  # 市场监督管理局, 区域, 乡村振兴局 … are not region names
)
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_DEPARTMENT = re.compile(r"(?:局|委员会|委|办公室|办公厅|办|厅|署|部)$")


def split_region(name: str) -> tuple[str, str]:
    """``巴彦淖尔市五原县民政局`` → (``巴彦淖尔市五原县``, ``民政局``). Region '' when none is named."""
    last = None
    for m in _UNIT.finditer(name):
        if m.end() < len(name):
            last = m
    if last is None:
        return "", name
    return name[:last.end()], name[last.end():]


def derive_agency(name: str) -> tuple[Agency | None, list[str]]:
    """An Agency for a name not in the dataset: kind, level and superior from the name (with the doubts)."""
    doubts: list[str] = []
    region, rest = split_region(name)
    units = [m.group() for m in _UNIT.finditer(region)]
    last = units[-1] if units else ""
    level: Level | None
    if name.startswith(("国家", "国务院", "中华人民共和国")):
        level = Level.NATIONAL
    elif last in ("省", "自治区", "特别行政区") or region in _MUNICIPALITIES:
        level = Level.PROVINCE
    elif last in ("市", "州", "自治州", "盟", "地区"):
        level = Level.PREFECTURE
        if last == "市" and len(units) == 1:
            doubts.append(f"“{region}”也可能是县级市，机关层级按地级记录，请核对")
    elif last in ("县", "自治县", "旗", "自治旗", "区"):
        level = Level.COUNTY
    elif last in ("镇", "乡", "苏木", "街道"):
        level = Level.TOWNSHIP
    else:
        return None, ["无法从机关名称判断其层级"]
    if level is Level.TOWNSHIP or re.search(r"管委会|管理委员会|中心|院|所|站|队$", rest):
        kind = AgencyKind.OTHER
    elif rest.endswith("人民政府") or rest == "政府":
        kind = AgencyKind.GOVERNMENT
    elif _DEPARTMENT.search(rest):
        kind = AgencyKind.DEPARTMENT
    else:
        kind = AgencyKind.OTHER
        doubts.append("无法从机关名称判断机关类别，按“其他”记录")
    superior = ""
    if kind is AgencyKind.DEPARTMENT and region:
        superior = f"{region}人民政府"
    elif len(units) >= 2:
        parent = region[:_parent_end(region)]
        superior = f"{parent}人民政府" if parent else ""
    return Agency(id=agency_slug(region, rest), name=name, kind=kind, level=level, superior=superior,
                  short_name=name), doubts


def _parent_end(region: str) -> int:
    """End of the second-to-last region unit (the parent region)."""
    ends = [m.end() for m in _UNIT.finditer(region)]
    return ends[-2] if len(ends) >= 2 else 0


@lru_cache(maxsize=1024)
def agency_slug(region: str, rest: str) -> str:
    """A readable ASCII id: pinyin of the region and the agency type (``wuyuanxian-minzhengju``)."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # pragma: no cover - depends on the environment
        digest = hashlib.blake2b((region + rest).encode("utf-8"), digest_size=5).hexdigest()
        return f"agency-{digest}"

    def py(s: str) -> str:
        return re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(s)).lower())

    parts = [p for p in (py(region), py(rest)) if p]
    slug = "-".join(parts) or "agency"
    if not is_agency_id(slug):  # too long (or, improbably, a reserved name): keep it unique with a hash
        digest = hashlib.blake2b((region + rest).encode("utf-8"), digest_size=4).hexdigest()
        slug = f"{slug[:AGENCY_ID_MAX - 9].rstrip('-')}-{digest}"
    return slug


def resolve_agency(name: str | None, contact: dict[str, str], given: str | None, known: tuple[Agency, ...],
                   f: Findings) -> tuple[Agency | None, str]:
    by_key: dict[str, Agency] = {}
    for a in known:
        by_key.setdefault(a.id, a)
        by_key.setdefault(a.name, a)
        if a.short_name:
            by_key.setdefault(a.short_name, a)
    agency: Agency | None = None
    how = "none"
    if given:
        if given in by_key:
            agency, how = by_key[given], "given"
        elif is_agency_id(check_agency_arg(given)):
            if name is None:
                f.miss("机关名称", "报告中读不出机关名称，--agency 给的是编号，数据集中没有这个编号")
                return None, "none"
            derived, doubts = derive_agency(name)
            if derived is None:
                f.miss("机关层级", doubts[0])
                return None, "none"
            agency, how = replace(derived, id=given), "given"
            f.warnings.extend(doubts)
        else:
            derived, doubts = derive_agency(given)
            if derived is None:
                f.miss("机关层级", doubts[0])
                return None, "none"
            agency, how = derived, "given"
            f.warnings.extend(doubts)
        if name and agency.name != name:
            f.warnings.append(f"报告中的机关名称“{name}”与 --agency 指定的“{agency.name}”不同，按 --agency 记录")
    elif name is None:
        f.miss("机关名称", "标题、落款和联系方式中都没有可确定的机关名称")
        return None, "none"
    elif name in by_key:
        agency, how = by_key[name], "dataset"
    elif (near := _near_name(name, known)) is not None:
        agency, how = near, "dataset"
        f.warnings.append(f"报告中的机关名称“{name}”按数据集中的“{near.name}”（{near.id}）记录")
    else:
        derived, doubts = derive_agency(name)
        if derived is None:
            f.miss("机关层级", f"“{name}”：{doubts[0]}")
            return None, "none"
        agency, how = derived, "derived"
        f.warnings.extend(doubts)
    # contact block: fill what the agency record lacks; report differences
    updates = {}
    for key, value in contact.items():
        current = getattr(agency, key)
        if not current:
            updates[key] = value
        elif current != value:
            f.warnings.append(f"报告中的{_FIELD_LABELS[key]}“{value}”与数据集中的“{current}”不同，保留数据集中的值")
    if updates:
        agency = replace(agency, **updates)
    return agency, how


def _near_name(name: str, known: tuple[Agency, ...]) -> Agency | None:
    """The one known agency whose name the read name ends with (or is the end of): 巴彦淖尔市五原县民政局."""
    hits = {a.id: a for a in known if len(a.name) >= 4 and len(name) >= 4
            and (name.endswith(a.name) or a.name.endswith(name))}
    return next(iter(hits.values())) if len(hits) == 1 else None


_FIELD_LABELS = {"office": "编制机构", "address": "地址", "postcode": "邮编", "phone": "电话", "fax": "传真",
                 "email": "电子邮箱"}


def known_agencies(root: str | os.PathLike[str] | None) -> tuple[Agency, ...]:
    """The agencies of a dataset directory (empty when there is none)."""
    if root is None:
        return ()
    path = Path(root) / "agencies.csv"
    if not path.exists():
        return ()
    from govreport.core import schema as layout
    from govreport.store.csvstore import read_file
    from govreport.store.frames import agency_from_row

    frame = read_file(path, layout.AGENCIES)
    return tuple(agency_from_row(row) for _, row in frame.iterrows())

"""Encoding detection for published reports: UTF-8, GBK/GB18030 and Big5 (CP950).

:func:`govreport.store.textfile.decode_bytes` decides BOMs and strict UTF-8. Published pages add two cases
it does not cover well: an HTML page that declares its charset, and short texts where GB18030 and Big5
both decode without error (GB18030 decodes almost any byte string). Here the declared charset is tried
first; when several Chinese encodings decode, the one whose result has the larger share of common
Chinese characters (simplified or traditional) wins.
"""

from __future__ import annotations

import re
from functools import cache

from govreport.store.textfile import decode_bytes

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "big5": "cp950", "big5-hkscs": "big5hkscs", "cp950": "cp950", "x-big5": "cp950",
    "utf-8": "utf-8", "utf8": "utf-8",
}
_CANDIDATES = ("gb18030", "cp950", "big5hkscs")

# The ~500 most frequent characters of Chinese government prose, simplified; traditional forms added
# at first use through OpenCC.
_COMMON_SIMPLIFIED = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
    "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质"
    "气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活"
    "设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则"
    "任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美"
    "再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元"
    "况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委"
    "素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江"
    "型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严申请依主动公开政务网站"
    "微信博栏息告督障监评诉讼复审纠维办结转涉络媒县镇乡街道财预决算"
)


@cache
def _common() -> frozenset[str]:
    import opencc

    traditional = opencc.OpenCC("s2t").convert(_COMMON_SIMPLIFIED)
    return frozenset(_COMMON_SIMPLIFIED) | frozenset(traditional)


def _score(text: str) -> float:
    common = _common()
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 0.0
    return sum(c in common for c in han) / len(han)


def declared_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB, as a Python codec name (None if none)."""
    m = _META.search(raw[:4096])
    if not m:
        return None
    return _ALIASES.get(m.group(1).decode("ascii", "replace").lower())


def decode(raw: bytes, *, file: str = "<input>") -> tuple[str, str]:
    """Decode a published report. Returns ``(text, encoding)``; line ends become ``\\n``.

    Raises :class:`~govreport.core.errors.EncodingError` (naming the file and the first bad byte) when no
    supported encoding decodes it.
    """
    text, enc = _decode(raw, file)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, enc


def _decode(raw: bytes, file: str) -> tuple[str, str]:
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(raw, file=file)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(raw)
    if declared and declared != "utf-8":
        try:
            return raw.decode(declared), declared
        except UnicodeDecodeError:
            pass
    decoded: list[tuple[float, str, str]] = []
    for enc in _CANDIDATES:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        decoded.append((_score(text), enc, text))
    if not decoded:
        return decode_bytes(raw, file=file)  # raises EncodingError naming the first bad byte
    decoded.sort(key=lambda t: -t[0])  # stable: gb18030 wins ties
    _, enc, text = decoded[0]
    return text, enc


# ------------------------------------------------------------------------------ binary formats

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office files (.doc, .xls, .wps)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # .docx, .xlsx and other zip files
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"BM", "BMP"),
)
_ARCHIVES = (
    (b"Rar!\x1a\x07", "RAR"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
)
_SAVE_AS = "用 Word 或 WPS 打开后“另存为” .docx 或 PDF，再读取另存的文件"


def sniff(raw: bytes, file: str = "<input>") -> str:
    """The format of a file from its content (never its name): ``pdf``, ``docx`` or ``text`` (text and HTML).

    Raises :class:`~govreport.core.errors.DataError` with a Chinese message and the fix for formats that are not
    read: legacy Word/WPS (.doc/.wps), spreadsheets (.xls/.xlsx), presentations, OFD, RTF, images,
    archives and other binary files.
    """
    from govreport.core.errors import DataError

    try:
        return _sniff(raw)
    except DataError as exc:
        exc.file = file
        raise


def _sniff(raw: bytes) -> str:
    head = raw[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if raw.startswith(ZIP_MAGIC):
        return _zip_kind(raw)
    if raw.startswith(OLE_MAGIC):
        _refuse_ole(raw)
    for magic, name in _IMAGES:
        if raw.startswith(magic) and (name != "BMP" or (len(raw) > 26 and raw[6:10] == b"\x00\x00\x00\x00")):
            raise _refusal(f"这是一个 {name} 图片文件，不是文字报告；本工具不做文字识别（OCR）",
                           "向机关索取带文字层的 PDF、Word（.docx）或网页版本的年度报告", "image")
    if raw.startswith(b"RIFF") and raw[8:12] == b"WEBP":
        raise _refusal("这是一个 WebP 图片文件，不是文字报告；本工具不做文字识别（OCR）",
                       "向机关索取带文字层的 PDF、Word（.docx）或网页版本的年度报告", "image")
    for magic, name in _ARCHIVES:
        if raw.startswith(magic):
            raise _refusal(f"这是一个 {name} 压缩包，不是报告本身", "先解压，再逐个读取其中的报告文件", "archive")
    if len(raw) > 262 and raw[257:262] == b"ustar":
        raise _refusal("这是一个 tar 归档文件，不是报告本身", "先解开归档，再逐个读取其中的报告文件", "archive")
    if raw.lstrip()[:5] == b"{\\rtf":
        raise _refusal("这是 RTF 格式的文档，不能直接读取", _SAVE_AS, "rtf")
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refusal("这不是文本、网页、PDF 或 Word（.docx）文件（内容是二进制数据）",
                       "把报告另存为 PDF、Word（.docx）、网页（.html）或纯文本（.txt）后再读取", "binary")
    return "text"


def _zip_kind(raw: bytes) -> str:
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _refusal("这是一个损坏或不完整的压缩格式文件（Word .docx 也是这种格式），无法打开",
                       "重新下载该文件；若是 Word 文档，用 Word 或 WPS 打开后重新另存为 .docx 或 PDF",
                       "damaged-zip") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        raise _refusal("这是 Excel 表格文件（.xlsx），不是年度报告正文",
                       "读取机关发布的报告（PDF、Word .docx 或网页）；填报数据请用 govreport import 导入模板",
                       "spreadsheet")
    if "ppt/presentation.xml" in names:
        raise _refusal("这是 PowerPoint 演示文稿（.pptx），不是年度报告", "把报告另存为 PDF 后再读取", "presentation")
    if "OFD.xml" in names:
        raise _refusal("这是 OFD 版式文件，不能直接读取", "用 OFD 阅读器或 WPS 把它另存为 PDF 后再读取", "ofd")
    raise _refusal("这是一个 zip 压缩包，不是报告本身", "先解压，再逐个读取其中的报告文件", "archive")


def _refuse_ole(raw: bytes) -> None:
    """Legacy Office (OLE compound file): the stream names in its directory say which program wrote it."""
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in raw

    if has("Workbook") or has("Book"):
        raise _refusal("这是旧版 Excel 表格文件（.xls），不是年度报告正文",
                       "读取机关发布的报告（PDF、Word .docx 或网页）；填报数据请用 govreport import 导入模板",
                       "spreadsheet")
    if has("PowerPoint Document"):
        raise _refusal("这是旧版 PowerPoint 演示文稿（.ppt），不是年度报告", "把报告另存为 PDF 后再读取",
                       "presentation")
    raise _refusal("这是旧版 Word 或 WPS 文档（.doc/.wps），不能直接读取", _SAVE_AS, "legacy-doc")


def _refusal(message: str, hint: str, code: str):
    from govreport.core.errors import DataError

    return DataError(message, hint=hint, code=f"unreadable-{code}")

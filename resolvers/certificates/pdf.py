"""The PDF of a record certificate, with reportlab: Chinese text in the CID font STSong-Light that
reportlab ships (a standard Adobe Asian font: no font file to install), so the text renders in
every PDF reader and can be extracted (pypdf, pdftotext)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=20, leading=28, alignment=1)
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
_NOTE = ParagraphStyle("note", fontName=FONT, fontSize=9, leading=14, wordWrap="CJK")


@dataclass(frozen=True)
class CertificateText:
    """What the certificate says, as it is printed."""

    number: str
    name: str
    id_type: str
    id_number: str  # masked
    volunteer_number: str
    period_start: dt.date
    period_end: dt.date
    total_hours: float
    credit_hours: float
    honour_hours: float
    service_count: int
    service_content: str
    issuer: str
    head: str
    contact: str
    phone: str
    handler: str
    issued_on: dt.date
    code: str


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _hours(value: float) -> str:
    return f"{value:g}"


def render(text: CertificateText) -> bytes:
    """The certificate as a one-page A4 PDF."""
    rows = [
        ("证明编号", text.number),
        ("姓名", text.name),
        ("证件类型", text.id_type),
        ("证件号码", text.id_number),
        ("志愿者编号", text.volunteer_number),
        ("服务时间段", f"{_date(text.period_start)}至{_date(text.period_end)}"),
        ("服务时长", f"{_hours(text.total_hours)}小时（信用时长{_hours(text.credit_hours)}小时，"
                     f"荣誉时长{_hours(text.honour_hours)}小时）"),
        ("服务内容", f"{text.service_content}（共{text.service_count}次）"),
        ("出具单位", text.issuer),
        ("负责人", text.head or "—"),
        ("联系人", text.contact or "—"),
        ("联系电话", text.phone or "—"),
        ("经办人", text.handler),
        ("出具日期", _date(text.issued_on)),
        ("验证码", text.code),
    ]
    table = Table([[Paragraph(escape(label), _BODY), Paragraph(escape(value), _BODY)] for label, value in rows],
                  colWidths=[32 * mm, 128 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#444444"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    statement = (f"兹证明{escape(text.name)}同志于{_date(text.period_start)}至{_date(text.period_end)}"
                 f"期间参加志愿服务，服务时长共计{_hours(text.total_hours)}小时。特此证明。")
    note = ("本证明依据《志愿服务记录与证明出具办法》由记录志愿服务信息的单位免费出具，"
            "服务时长为实际提供志愿服务的时间，不含往返交通时间。可凭验证码在平台核验本证明的真伪（certificateVerify）。")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=f"志愿服务记录证明 {text.number}", author=text.issuer,
                                 leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm, bottomMargin=25 * mm)
    document.build([Paragraph("志愿服务记录证明", _TITLE), Spacer(1, 8 * mm), Paragraph(statement, _BODY),
                    Spacer(1, 6 * mm), table, Spacer(1, 8 * mm), Paragraph(note, _NOTE)])
    return buffer.getvalue()

"""A bulletin (通报) of a region and period: the dashboard's figures, the ranking of lower bureaus and
the overdue rectifications, written as PDF (reportlab, with a Chinese TrueType font installed from a
Debian package, embedded in the file) and as a spreadsheet (openpyxl)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from brightkitchen.core.exports import safe_row
from brightkitchen.core.scoping import AnyUser
from brightkitchen.core.templatetags.bk import figure
from brightkitchen.dashboards.indicators import Indicator
from brightkitchen.dashboards.selectors import Dashboard, EvaluationRow, evaluation
from brightkitchen.rectifications.models import RectificationNotice
from brightkitchen.schools.metrics import Ratio
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.selectors import CanteenFilters, canteens_for

OVERDUE_LISTED = 50
FONT_NAME = "BulletinCJK"


class FontMissing(Exception):
    """The Chinese font for PDF bulletins is not installed (scripts/bootstrap-system installs it)."""


@dataclass
class OverdueNotice:
    canteen: str
    problem: str
    issued_on: datetime.date
    deadline: datetime.date
    days_overdue: int
    escalated: bool


@dataclass
class Bulletin:
    title: str
    region_name: str
    period_label: str
    generated_at: datetime.datetime
    board: Dashboard
    ranking: list[EvaluationRow]
    overdue: list[OverdueNotice]

    @property
    def filename(self) -> str:
        code = self.board.region.code if self.board.region else "all"
        return f"bulletin-{code}-{self.board.period.key}"


def value(ratio: Ratio, indicator: Indicator) -> str:
    """As the dashboard pages show it (the `figure` template filter)."""
    return figure(ratio, indicator.is_count)


def bulletin(user: AnyUser, board: Dashboard) -> Bulletin:
    region_name = board.region.full_name if board.region else _("All regions")
    end = board.period.end
    notices = (
        RectificationNotice.objects.visible_to(user)
        .filter(canteen__in=_canteens_of(user, board).values("pk"))
        .filter(Q(issued_on__lte=end, deadline__lt=end) & ~Q(closed_at__date__lte=end))
        .select_related("canteen", "canteen__school__organisation")
        .order_by("deadline", "id")[:OVERDUE_LISTED]
    )
    overdue = [
        OverdueNotice(
            canteen=f"{n.canteen.school.organisation.name} · {n.canteen.name}",
            problem=n.problem_text,
            issued_on=n.issued_on,
            deadline=n.deadline,
            days_overdue=(end - n.deadline).days,
            escalated=n.escalated_at is not None,
        )
        for n in notices
    ]
    title = _("Bulletin on the supervision of school canteens, %(region)s, %(period)s") % {
        "region": region_name,
        "period": board.period.label,
    }
    return Bulletin(
        title=title,
        region_name=str(region_name),
        period_label=board.period.label,
        generated_at=timezone.localtime(),
        board=board,
        ranking=evaluation(board),
        overdue=overdue,
    )


def _canteens_of(user: AnyUser, board: Dashboard) -> QuerySet[Canteen]:
    return canteens_for(user, CanteenFilters(region=board.region.code if board.region else ""))


def _tables(b: Bulletin) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, header, rows) of every table, shared by the PDF and the spreadsheet."""
    board = b.board
    tables = []
    first = _("Canteen") if board.rows_are_canteens else _("Region")
    for group, indicators in board.groups():
        if not indicators:
            continue
        header = [first, *(str(i.label) for i in indicators)]
        rows = [[_("Total"), *(value(board.totals[i.key], i) for i in indicators)]]
        if not board.rows_are_canteens:
            rows += [[row.name, *(value(row.figures[i.key], i) for i in indicators)] for row in board.rows]
        tables.append((str(group.label), header, rows))
    if board.rows_are_canteens:
        header = [
            _("Canteen"),
            _("Risk grade"),
            _("Dynamic grade"),
            _("Notices issued"),
            _("Open notices"),
            _("Overdue"),
            _("Open alerts"),
        ]
        rows = [
            [
                row.name,
                "".join(row.risk),
                f"{row.dynamic_grade} ({_('Out of date')})"
                if row.dynamic_grade_stale
                else row.dynamic_grade or "—",
                *(str(row.figures[k].done) for k in ("notices_issued", "open_notices", "overdue_notices")),
                str(row.figures["open_alerts"].done),
            ]
            for row in board.rows
        ]
        tables.append((_("Canteens"), header, rows))
    if b.ranking:
        header = [
            _("Rank"),
            _("Region"),
            _("Platform usage"),
            _("Patrol completion"),
            _("Rectification rate"),
            _("Rectified on time"),
            _("Score"),
        ]
        rows = [
            [str(r.rank), r.name, *(figure(x) for x in r.rates), "—" if r.score is None else f"{r.score:.1f}"]
            for r in b.ranking
        ]
        tables.append((_("Evaluation of lower bureaus"), header, rows))
    risk_header = [_("Risk grade"), *board.risk.keys()]
    tables.append((_("Risk grades"), risk_header, [[_("Canteens"), *(str(n) for n in board.risk.values())]]))
    overdue_header = [
        _("Canteen"),
        _("Problem"),
        _("Issued"),
        _("Deadline"),
        _("Days overdue"),
        _("Escalated"),
    ]
    overdue_rows = [
        [
            n.canteen,
            n.problem,
            n.issued_on.isoformat(),
            n.deadline.isoformat(),
            str(n.days_overdue),
            _("yes") if n.escalated else _("no"),
        ]
        for n in b.overdue
    ]
    tables.append((_("Overdue rectifications"), overdue_header, overdue_rows))
    return tables


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return
    path = Path(settings.BULLETIN_FONT)
    if not path.exists():
        raise FontMissing(str(path))
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))


def render_pdf(b: Bulletin) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    title_style = ParagraphStyle("title", fontName=FONT_NAME, fontSize=16, leading=22, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName=FONT_NAME, fontSize=12, leading=16, spaceBefore=8)
    body = ParagraphStyle("body", fontName=FONT_NAME, fontSize=9, leading=12, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=FONT_NAME, fontSize=7.5, leading=9.5, wordWrap="CJK")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=b.title,
        author=str(_("BrightKitchen")),
    )
    story: list[Flowable] = [
        Paragraph(_esc(b.title), title_style),
        Paragraph(
            _esc(
                _("Period %(start)s to %(end)s; generated %(at)s.")
                % {
                    "start": b.board.period.start.isoformat(),
                    "end": b.board.period.end.isoformat(),
                    "at": b.generated_at.strftime("%Y-%m-%d %H:%M"),
                }
            ),
            body,
        ),
        Paragraph(
            _esc("；".join(f"{ind.label}：{value(ratio, ind)}" for ind, ratio in b.board.headline)), body
        ),
    ]
    for title, header, rows in _tables(b):
        story.append(Paragraph(_esc(title), heading))
        if not rows:
            story.append(Paragraph(_esc(_("None.")), body))
            continue
        data = [[Paragraph(_esc(text), cell) for text in line] for line in [header, *rows]]
        table = Table(data, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7f0f7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm)]
    doc.build(story)
    return buffer.getvalue()


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_xlsx(b: Bulletin) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(_("Summary"))[:31]
    sheet.append(safe_row([b.title]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([str(_("Period")), b.board.period.start.isoformat(), b.board.period.end.isoformat()])
    for ind, ratio in b.board.headline:
        sheet.append(safe_row([str(ind.label), ratio.done if ind.is_count else ratio.rate]))
    for index, (title, header, rows) in enumerate(_tables(b), start=1):
        ws = book.create_sheet(f"{index} {title}"[:31].replace("/", "-"))
        ws.append(safe_row(list(header)))
        for c in ws[1]:
            c.font = Font(bold=True)
        for line in rows:
            ws.append(safe_row(list(line)))
        ws.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

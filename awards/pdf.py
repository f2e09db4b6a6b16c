"""PDF files of close-out: the award letter and the funder's report.

ReportLab draws them from the frozen data (a letter's snapshot, a report's
kept figures), so a file made again from the same data is the same file
(``invariant``). Text is set in DejaVu Sans when the system has it (Debian's
fonts-dejavu-core), else in the Bitstream Vera that ReportLab ships: both
cover accented names. Everything a person typed is escaped before ReportLab
reads its paragraph markup.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashmentor.templatetags.dates import format_when

from . import rules
from .reports import funnel_label

BRAND = colors.HexColor("#0b4f6c")
GRID = colors.HexColor("#c8d1d8")
SHADE = colors.HexColor("#eef3f6")
BAR = colors.HexColor("#0b5ed7")

_FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
]
_fonts: tuple[str, str] | None = None


def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered once per process."""
    global _fonts
    if _fonts is not None:
        return _fonts
    import reportlab

    candidates = [(d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf") for d in _FONT_DIRS]
    bundled = Path(reportlab.__file__).parent / "fonts"
    candidates.append((bundled / "Vera.ttf", bundled / "VeraBd.ttf"))
    for regular, bold in candidates:
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("PortalSans", str(regular)))
            pdfmetrics.registerFont(TTFont("PortalSans-Bold", str(bold)))
            pdfmetrics.registerFontFamily(
                "PortalSans", normal="PortalSans", bold="PortalSans-Bold"
            )
            _fonts = ("PortalSans", "PortalSans-Bold")
            return _fonts
    _fonts = ("Helvetica", "Helvetica-Bold")
    return _fonts


def _styles():
    regular, bold = fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=base["BodyText"], fontName=regular, fontSize=10, leading=14
    )
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=bold,
            fontSize=16,
            leading=20,
            textColor=BRAND,
            spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=bold,
            fontSize=12,
            leading=16,
            textColor=BRAND,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
        "head": ParagraphStyle(
            "head", parent=body, fontName=bold, fontSize=9, leading=12
        ),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text if text is not None else "")), style)


def _table(rows, styles, widths=None, header=True) -> Table:
    cells = [
        [
            _p(value, styles["head"] if header and i == 0 else styles["cell"])
            for value in row
        ]
        for i, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def _footer(text: str):
    regular, _bold = fonts()

    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(0.8 * inch, 0.5 * inch, text)
        canvas.drawRightString(
            LETTER[0] - 0.8 * inch, 0.5 * inch, gettext("Page %(n)s") % {"n": doc.page}
        )
        canvas.restoreState()

    return draw


def _build(story, *, title: str, footer: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
        title=title,
        author="DASH Mentor Program",
        creator="DASH Mentor Portal",
        invariant=1,
    )
    draw = _footer(footer)
    doc.build(story, onFirstPage=draw, onLaterPages=draw)
    return buffer.getvalue()


def _date(value: str) -> str:
    return rules.long_date(dt.date.fromisoformat(value)) if value else ""


# --- the award letter ---


def letter_pdf(snapshot: dict) -> bytes:
    """The award letter as a PDF, from the snapshot it was issued with."""
    s = _styles()
    story = [
        *_letter_opening(snapshot, s),
        *_letter_award(snapshot, s),
        *_letter_tranches(snapshot, s),
        *_letter_expectations(snapshot, s),
        *_letter_links(snapshot, s),
        Spacer(1, 18),
        KeepTogether([_letter_signatures(snapshot, s)]),
    ]
    return _build(
        story,
        title=snapshot["subject"],
        footer=gettext("Award letter %(number)s · %(organization)s")
        % {"number": snapshot["number"], "organization": snapshot["organization"]},
    )


def _letter_opening(snapshot: dict, s) -> list:
    """The letterhead, date, addressee, subject and the letter's paragraphs."""
    story = [
        _p(gettext("DASH Mentor Program · Data Across Sectors for Health"), s["small"]),
        Spacer(1, 12),
        _p(_date(snapshot["issued_on"]), s["body"]),
        Spacer(1, 8),
    ]
    for line in [snapshot["organization"], *snapshot.get("address", [])]:
        story.append(_p(line, s["body"]))
    if snapshot.get("contacts"):
        story.append(
            _p(gettext("Attention:") + " " + ", ".join(snapshot["contacts"]), s["body"])
        )
    story += [Spacer(1, 12), _p(snapshot["subject"], s["title"])]
    for paragraph in snapshot["paragraphs"]:
        story += [_p(paragraph, s["body"]), Spacer(1, 6)]
    return story


def _letter_award(snapshot: dict, s) -> list:
    """The award's terms: amount, contract, mentorship, mentor, round, report."""
    contract = gettext("%(start)s to %(end)s") % {
        "start": _date(snapshot["contract_start"]),
        "end": _date(snapshot["contract_end"]),
    }
    mentor = ", ".join([snapshot["mentor_organization"], *snapshot.get("mentors", [])])
    rows = [
        [gettext("Amount"), rules.money(snapshot["amount"])],
        [gettext("Contract"), contract],
        [gettext("Mentorship"), snapshot["mentorship"]],
        [gettext("Mentor"), mentor],
        [gettext("Round"), snapshot["round"]],
        [gettext("Final report due"), _date(snapshot["report_due"])],
    ]
    return [
        _p(gettext("The award"), s["h2"]),
        _table(rows, s, widths=[1.6 * inch, 5.2 * inch], header=False),
    ]


def _letter_tranches(snapshot: dict, s) -> list:
    """The payments table, when the award is paid in tranches."""
    if not snapshot.get("tranches"):
        return []
    rows = [[gettext("Tranche"), gettext("Share"), gettext("Amount"), gettext("Paid")]]
    for t in snapshot["tranches"]:
        rows.append(
            [
                t["label"],
                f"{Decimal(t['percent']).normalize():f}%",
                rules.money(t["amount"]),
                t["condition"],
            ]
        )
    return [
        _p(gettext("Payments"), s["h2"]),
        _table(rows, s, widths=[1.9 * inch, 0.7 * inch, 1.1 * inch, 3.1 * inch]),
    ]


def _letter_expectations(snapshot: dict, s) -> list:
    """What the program asks of the awardee, as a bulleted list."""
    if not snapshot.get("expectations"):
        return []
    items = [
        ListItem(_p(item, s["body"]), leftIndent=12)
        for item in snapshot["expectations"]
    ]
    return [
        _p(gettext("What we ask of you"), s["h2"]),
        ListFlowable(items, bulletType="bullet", start="•", leftIndent=12),
    ]


def _letter_links(snapshot: dict, s) -> list:
    """The "Getting started" links, each title with its address."""
    if not snapshot.get("links"):
        return []
    story = [_p(gettext("Getting started"), s["h2"])]
    for title, url in snapshot["links"]:
        story.append(
            Paragraph(
                f'{escape(title)}: <link href="{escape(url)}" color="blue">'
                f"{escape(url)}</link>",
                s["body"],
            )
        )
    return story


def _letter_signatures(snapshot: dict, s) -> Table:
    """The two signature blocks: the program office's and the awardee's."""
    return _table(
        [
            [
                gettext("For the DASH National Program Office"),
                gettext("Accepted for %(organization)s")
                % {"organization": snapshot["organization"]},
            ],
            [
                f"{snapshot['signatory_name']}\n{snapshot['signatory_title']}",
                gettext("Name, title and date:") + "\n\n\n",
            ],
        ],
        s,
        widths=[3.4 * inch, 3.4 * inch],
    )


# --- the funder's report ---


def _bar_drawing(rows: list[tuple[str, int]], *, width=6.8 * inch) -> Drawing:
    """A horizontal bar per (label, value), labelled with its value."""
    regular, _bold = fonts()
    height = 22 * len(rows) + 20
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x = 2.4 * inch
    chart.y = 10
    chart.width = width - 2.4 * inch - 50
    chart.height = height - 20
    values = [value for _label, value in rows]
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = [label for label, _v in reversed(rows)]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(values + [1]) * 1.15
    chart.valueAxis.visible = False
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = regular
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _of(done, total) -> str:
    return gettext("%(done)s of %(total)s") % {"done": done, "total": total}


def _hidden(value) -> str:
    return gettext("hidden") if value is None else str(value)


def funder_report_pdf(data: dict) -> bytes:
    """The funder's report of a round as a PDF, from its kept figures."""
    s = _styles()
    as_of = dt.datetime.fromisoformat(data["computed_at"])
    story = [
        *_funder_opening(data, as_of, s),
        *_funder_money(data["money"], s),
        *_funder_cohorts(data["cohorts"], s),
        *_funder_goals(data["goals"], s),
        *_funder_surveys(data["surveys"], s),
        *_funder_affinity(data["affinity"], s),
        *_funder_resources(data["resources"], s),
        Spacer(1, 8),
        _p(
            gettext(
                "Survey figures cover only groups of at least the survey's minimum "
                "size; smaller groups are shown as hidden."
            ),
            s["small"],
        ),
    ]
    return _build(
        story,
        title=gettext("Funder report: %(round)s") % {"round": data["round"]["name"]},
        footer=gettext("Funder report · %(round)s · as of %(when)s UTC")
        % {"round": data["round"]["name"], "when": f"{as_of:%Y-%m-%d %H:%M}"},
    )


def _funder_opening(data: dict, as_of: dt.datetime, s) -> list:
    """The title, when the figures were taken, and the application funnel."""
    return [
        _p(gettext("DASH Mentor Program · Report to the funder"), s["small"]),
        _p(data["round"]["name"], s["title"]),
        _p(
            gettext(
                "Figures as of %(date)s, %(time)s UTC. Contracts %(start)s to %(end)s."
            )
            % {
                "date": format_when(as_of.date(), "date"),
                "time": f"{as_of:%H:%M}",
                "start": _date(data["round"]["contract_start"]),
                "end": _date(data["round"]["contract_end"]),
            },
            s["body"],
        ),
        _p(gettext("From application to award"), s["h2"]),
        _bar_drawing([(funnel_label(row), row["count"]) for row in data["funnel"]]),
    ]


def _funder_money(money: dict, s) -> list:
    """The budget, the awards and where their payments stand."""
    rows = [
        ["", gettext("Amount")],
        [
            gettext("Budget (%(n)s awards)") % {"n": money["budget_awards"]},
            rules.money(money["budget"]),
        ],
        [
            gettext("Awarded (%(n)s awards)") % {"n": money["awards"]},
            rules.money(money["awarded"]),
        ],
        [gettext("Paid"), rules.money(money["paid"])],
        [gettext("Due, not yet paid"), rules.money(money["due"])],
        [gettext("Still to become due"), rules.money(money["pending"])],
        [gettext("Stopped (awards withdrawn)"), rules.money(money["stopped"])],
    ]
    return [
        _p(gettext("Awards and payments"), s["h2"]),
        _table(rows, s, widths=[4.3 * inch, 2.5 * inch]),
    ]


def _funder_cohorts(cohorts: list, s) -> list:
    """Each cohort's organizations, events held and attendance."""
    rows = [
        [
            gettext("Cohort"),
            gettext("Organizations"),
            gettext("Events held"),
            gettext("Attendance"),
        ]
    ]
    for row in cohorts:
        rate = row["attendance"]
        rows.append(
            [
                row["name"],
                row["organizations"],
                row["events"],
                gettext("no attendance recorded") if rate is None else f"{rate}%",
            ]
        )
    return [
        _p(gettext("Participation and attendance"), s["h2"]),
        _table(rows, s, widths=[3.2 * inch, 1.2 * inch, 1.1 * inch, 1.3 * inch]),
    ]


def _funder_goals(goals: dict, s) -> list:
    """Work plans, their goals, success measures and final reports."""
    rows = [
        ["", gettext("Count")],
        [
            gettext("Work plans approved"),
            _of(goals["plans_approved"], goals["organizations"]),
        ],
        [
            gettext("Work-plan goals met"),
            _of(goals["goals_met"], goals["goals_reported"]),
        ],
        [gettext("Work-plan goals partly met"), goals["goals_partly"]],
        [
            gettext("Success measures at target"),
            _of(goals["measures_at_target"], goals["measures"]),
        ],
        [
            gettext("Final reports accepted"),
            _of(goals["reports_accepted"], goals["organizations"]),
        ],
    ]
    return [
        _p(gettext("Goals"), s["h2"]),
        _table(rows, s, widths=[4.3 * inch, 2.5 * inch]),
    ]


def _funder_surveys(surveys: list, s) -> list:
    """Each survey's response rate, its note and its questions' averages."""
    story = [_p(gettext("Surveys"), s["h2"])]
    if not surveys:
        story.append(_p(gettext("No survey of this round yet."), s["body"]))
    for survey in surveys:
        story.append(
            _p(
                gettext("%(title)s: %(done)s of %(total)s answered (%(rate)s%%).")
                % {
                    "title": survey["title"],
                    "done": survey["completed"],
                    "total": survey["invited"],
                    "rate": _hidden(survey["rate"]),
                },
                s["body"],
            )
        )
        if survey["note"]:
            story.append(_p(survey["note"], s["small"]))
        if survey["questions"]:
            qrows = [[gettext("Question"), gettext("Answers"), gettext("Average")]]
            for q in survey["questions"]:
                qrows.append([q["prompt"], q["answered"], _hidden(q["mean"])])
            story.append(_table(qrows, s, widths=[4.8 * inch, 0.9 * inch, 1.1 * inch]))
        story.append(Spacer(1, 6))
    return story


def _funder_affinity(affinity: dict, s) -> list:
    """How many collaborations took part in an affinity group, and which."""
    story = [
        _p(gettext("Affinity groups"), s["h2"]),
        _p(
            gettext(
                "%(done)s of the round's %(total)s mentee collaborations took part "
                "in an All In affinity group"
            )
            % {"done": affinity["collaborations"], "total": affinity["total"]}
            + (f" ({affinity['share']}%)." if affinity["share"] is not None else "."),
            s["body"],
        ),
    ]
    if affinity["groups"]:
        story.append(
            _table(
                [[gettext("Group"), gettext("Collaborations")]]
                + [[g["topic"], g["collaborations"]] for g in affinity["groups"]],
                s,
                widths=[4.8 * inch, 2.0 * inch],
            )
        )
    return story


def _funder_resources(resources: list, s) -> list:
    """The resources the round's awards published."""
    story = [_p(gettext("Resources published"), s["h2"])]
    if not resources:
        story.append(_p(gettext("None yet."), s["body"]))
    else:
        story.append(
            _table(
                [[gettext("Title"), gettext("Kind"), gettext("Published")]]
                + [
                    [r["title"], r["kind"], _date(r["published_on"])] for r in resources
                ],
                s,
                widths=[4.0 * inch, 1.6 * inch, 1.2 * inch],
            )
        )
    return story

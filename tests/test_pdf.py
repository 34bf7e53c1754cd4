"""The caseworker PDF: every answer of the real forms, tagged, paged, and nothing fetched."""

from __future__ import annotations

import datetime
import functools
import io
import itertools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from forms_service import pdf as pdf_module
from forms_service.definitions.loader import load_form_file
from forms_service.definitions.model import Form, Page, Question
from forms_service.journey import Journey
from forms_service.pdf import StaticFileFetcher, render_submission_pdf, submission_html
from forms_service.rendition import ItemBlock, read_submission

ROOT = Path(__file__).resolve().parent.parent
FORMS = {p.stem: load_form_file(p) for p in sorted((ROOT / "form_definitions").glob("*.yaml"))}
STATIC = ROOT / "forms_service" / "static"
SUBMITTED = datetime.datetime(2026, 3, 12, 14, 5, tzinfo=datetime.UTC)  # GMT: 2:05pm in London
TODAY = SUBMITTED.date()

LONG_TEXT = (
    "I would like my attorneys to keep me living in my own home for as long as it is safe, "
    "and to talk to my daughter before they sell anything worth more than £5,000.\n"
    "Please keep paying the monthly donation to the local hospice.\n\n"
    + "They should consider my views on care, my religious practice, my diet and my pets. "
    * 12
)


@dataclass(frozen=True)
class FakeSubmission:
    """The attributes of store.Submission that the PDF reads."""

    reference: str
    form_id: str
    form_version: int
    definition: dict
    answers: dict
    language: str
    channel: str
    started_at: datetime.datetime
    submitted_at: datetime.datetime
    staff_user_id: int | None = None
    assisted: dict | None = None
    status: str | None = None
    assigned_to: int | None = None


# -- realistic answers: one per question, then the journey keeps only the live route ------


def sample_answer(question: Question, n: int) -> Any:
    """A stored answer for any question type (n makes each one different)."""
    kind = question.type
    if kind in ("radios", "select"):
        return question.options[0].value
    if kind == "checkboxes":
        return [o.value for o in question.options if not o.exclusive][:2]
    if kind == "address":
        address = {"line1": f"{n} High Street", "line2": "Flat 2", "town": "Cardiff",
                   "county": "South Glamorgan", "postcode": "CF10 1AA"}  # fmt: skip
        return {**address, "country": "Wales"} if question.setting("international") else address
    return {
        "text": f"Sample text {n}",
        "textarea": f"Sample paragraph {n} about what happened.\nA second line with detail.",
        "number": 3,
        "money": 125_050 + n,
        "date": (TODAY - datetime.timedelta(days=12_000 + 37 * n)).isoformat(),
        "yes_no": True,
        "email": f"person{n}@example.com",
        "phone": "+447700900982",
        "postcode": "SW1A 1AA",
        "national_insurance_number": "QQ123456C",
        "name": {"title": "Ms", "first": f"Jo{n}", "last": "Bloggs-Ñandú"},
    }[kind]


def live_answers(
    form: Form, overrides: dict[str, Any], items: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """Answers as a finished journey submits them (skipped branches dropped)."""
    counter = itertools.count(1)

    def page(p: Page, extra: dict[str, Any]) -> dict[str, Any]:
        return {
            q.id: extra[q.id] if q.id in extra else sample_answer(q, next(counter))
            for q, _, _ in p.all_questions()
        }

    saved: dict[str, Any] = {}
    for p in form.pages:
        if p.is_repeat:
            saved[p.id] = {
                "items": [
                    {"key": f"item{i}", "pages": {inner.id: page(inner, {**overrides, **item})
                                                   for inner in p.pages}}
                    for i, item in enumerate(items.get(p.id, [{}, {}, {}]))
                ],
                "done": True,
            }  # fmt: skip
        elif not p.is_exit:
            saved[p.id] = page(p, overrides)
    journey = Journey(form, saved, today=TODAY)
    assert journey.is_complete, journey.stopped_at
    return journey.answers


def born_years_ago(years: int) -> str:
    return TODAY.replace(year=TODAY.year - years).isoformat()


SCENARIOS: dict[str, tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]] = {
    "criminal-injuries-compensation": (
        {"who_for": "someone-else", "applied_before_for_crime": "no"},
        {},
    ),
    "lasting-power-of-attorney": (
        {"preferences": LONG_TEXT, "instructions": LONG_TEXT, "how_attorneys_act": "depends"},
        {},
    ),
    "prison-visit-booking": (
        {
            "prison": "cardiff",
            "prisoner_number": "A1234BC",
            "visit_date_1": (TODAY + datetime.timedelta(days=5)).isoformat(),
            "visit_date_2": (TODAY + datetime.timedelta(days=8)).isoformat(),
            "visit_date_3": (TODAY + datetime.timedelta(days=12)).isoformat(),
            "lead_visitor_dob": born_years_ago(41),
        },
        {"visitors": [{"visitor_dob": born_years_ago(39)}, {"visitor_dob": born_years_ago(9)},
                      {"visitor_dob": born_years_ago(4)}]},
    ),
}  # fmt: skip


def submission(form_id: str, language: str = "en", **changes: Any) -> FakeSubmission:
    form = FORMS[form_id]
    overrides, items = SCENARIOS[form_id]
    prefix = form.reference_prefix
    made = FakeSubmission(
        reference=f"{prefix}-7K3M-Q9TX",
        form_id=form.id,
        form_version=form.version,
        definition=dict(form.snapshot),
        answers=live_answers(form, overrides, items),
        language=language,
        channel="online",
        started_at=SUBMITTED - datetime.timedelta(days=2),
        submitted_at=SUBMITTED,
    )
    return replace(made, **changes)


WELSH = {"Page %(page)s of %(pages)s": "Tudalen %(page)s o %(pages)s", "Reference": "Cyfeirnod"}


@functools.cache
def rendered(form_id: str, language: str = "en") -> tuple[FakeSubmission, PdfReader, list[str]]:
    """Each real form is rendered once per language for all the tests that read it."""
    sub = submission(form_id, language)
    gettext = (lambda s: WELSH.get(s, s)) if language == "cy" else (lambda s: s)
    data = render_submission_pdf(
        sub, static_folder=STATIC, service_name="Forms service", gettext=gettext
    )
    reader = PdfReader(io.BytesIO(data))
    return sub, reader, [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def fonts_of(reader: PdfReader) -> list[Any]:
    found = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            found[ref.idnum] = ref.get_object()
    return list(found.values())


# -- the three real forms ------------------------------------------------------------------


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_every_label_and_answer_of_a_real_form_is_in_the_pdf(form_id):
    sub, _, pages = rendered(form_id)
    text = flat(" ".join(pages))
    _, sections = read_submission(sub.definition, sub.answers, sub.language, today=TODAY)
    expected = [s.title for s in sections if s.title]
    rows = 0
    for section in sections:
        for entry in section.entries:
            inner = entry.rows if isinstance(entry, ItemBlock) else [entry]
            expected += [entry.heading] if isinstance(entry, ItemBlock) else []
            for row in inner:
                expected += [row.label, *row.lines]
                rows += 1
    assert rows >= 25  # a large submission, not a token one
    missing = [value for value in expected if flat(value) not in text]
    assert missing == []


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_the_pdf_is_tagged_titled_and_in_the_submission_language(form_id):
    sub, reader, _ = rendered(form_id)
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert sub.reference in reader.metadata.title
    assert FORMS[form_id].title.pick("en") in reader.metadata.title
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp


@pytest.mark.parametrize(
    ("form_id", "least", "most"),
    [("criminal-injuries-compensation", 2, 15), ("lasting-power-of-attorney", 2, 15),
     ("prison-visit-booking", 1, 6)],
)  # fmt: skip
def test_every_page_has_the_header_and_page_n_of_m(form_id, least, most):
    sub, reader, pages = rendered(form_id)
    count = len(reader.pages)
    assert least <= count <= most
    title = FORMS[form_id].title.pick("en")
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {count}" in flat(page)
        assert sub.reference in page
        assert title in flat(page)


def test_the_first_page_says_what_was_submitted_when_and_how():
    sub, _, pages = rendered("lasting-power-of-attorney")
    first = flat(pages[0])
    for fact in (
        f"Reference {sub.reference}",
        "Submitted 12 March 2026 at 2:05pm",
        "Channel Online",
        "Language English",
        "Form version 2",
    ):
        assert fact in first


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_fonts_are_embedded_and_no_glyph_is_missing(form_id):
    _, reader, _ = rendered(form_id)
    fonts = fonts_of(reader)
    assert fonts
    for font in fonts:
        described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = described["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
        # WeasyPrint writes its own encoding only to point missing characters at .notdef.
        assert font.get("/Encoding") == "/Identity-H", font["/BaseFont"]


def test_a_welsh_submission_is_in_welsh():
    sub, reader, pages = rendered("prison-visit-booking", "cy")
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    text = flat(" ".join(pages))
    assert "Trefnu ymweliad â charchar" in reader.metadata.title
    for words in ("Manylion y carcharor", "Enw cyntaf y carcharor", "Ymwelydd 2", "Cymraeg",
                  "12 Mawrth 2026", "Oes", f"Cyfeirnod {sub.reference}"):  # fmt: skip
        assert words in text
    for number, page in enumerate(pages, start=1):  # the service's words go through gettext
        assert f"Tudalen {number} o {len(pages)}" in flat(page)
        assert f"Page {number}" not in page


# -- hostile answers -----------------------------------------------------------------------

LONG_WORD = "Llanfairpwllgwyngyll" * 20  # 400 characters, no break opportunity
HOSTILE = [
    '<script>alert("x")</script>',
    '<img src="http://evil.example/x.png"> <a href="file:///etc/passwd">passwd</a>',
    '<link rel="stylesheet" href="https://evil.example/s.css"> url(data:image/png;base64,AAAA)',
    LONG_WORD,
    "مرحبا بالعالم",
    "שלום עולם",
    "Happy 😀 thumbs 👍🏽 end",
]


def test_hostile_answers_are_shown_as_text_and_nothing_is_fetched():
    base = submission("prison-visit-booking")
    answers = {**base.answers, "support_details": "\n".join(HOSTILE)}
    answers["prisoner_first_name"] = "<b>Ahmed</b> & \"Sons\" 'quoted'"
    sub = replace(base, answers=answers)
    fetcher = StaticFileFetcher(STATIC)
    data = render_submission_pdf(
        sub, static_folder=STATIC, service_name="Forms service", fetcher=fetcher
    )
    assert fetcher.requested == []
    reader = PdfReader(io.BytesIO(data))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    for line in [*HOSTILE[:4], "<b>Ahmed</b> & \"Sons\" 'quoted'"]:
        assert "".join(line.split()) in text
    for word in ("مرحبا", "بالعالم", "שלום", "עולם", "Happy😀thumbs"):
        assert word in text
    # Emoji that no installed font has are named, not drawn as empty boxes.
    thumbs = pdf_module._printable("👍🏽")
    assert "".join(thumbs.split()) in text
    for font in fonts_of(reader):
        assert font.get("/Encoding") == "/Identity-H"


def test_answers_are_escaped_in_the_html():
    base = submission("prison-visit-booking")
    sub = replace(
        base, answers={**base.answers, "support_details": "<script>x</script><img src=x>"}
    )
    html = submission_html(sub, service_name="Forms service")
    assert "&lt;script&gt;x&lt;/script&gt;&lt;img src=x&gt;" in html
    assert "<script" not in html and "<img" not in html


def test_the_fetcher_is_the_only_way_in(monkeypatch):
    """Were the HTML to name URLs, only the static folder would be read (a control for the
    test above, which proves nothing if the fetcher were not used)."""
    asked = [
        "https://forms.invalid/static/vendor/govuk/assets/images/govuk-crest.svg",
        "http://evil.example/x.png",
        "file:///etc/passwd",
    ]
    images = "".join(f'<img alt="" src="{url}">' for url in asked)
    page = f'<html lang="en"><title>t</title><body><p>x</p>{images}</body></html>'
    monkeypatch.setattr(pdf_module, "submission_html", lambda *args, **kwargs: page)
    fetcher = StaticFileFetcher(STATIC)
    render_submission_pdf(
        submission("prison-visit-booking"),
        static_folder=STATIC,
        service_name="Forms service",
        fetcher=fetcher,
    )
    assert fetcher.requested == asked


@pytest.mark.parametrize(
    "url",
    [
        "https://forms.invalid/static/../pdf.py",
        "https://forms.invalid/static/%2e%2e/pdf.py",
        "https://forms.invalid/static/vendor/%2E%2E/%2E%2E/pdf.py",
        "https://forms.invalid/static/..%5Cpdf.py",
        "https://forms.invalid/static/vendor",
        "https://forms.invalid/static/missing.css",
        "https://forms.invalid/static/app.css?x=1",
        "https://forms.invalid/app.css",
        "https://forms.invalid:8443/static/app.css",
        "https://user@forms.invalid/static/app.css",
        "http://forms.invalid/static/app.css",
        "https://evil.example/static/app.css",
        "file:///etc/passwd",
        f"file://{STATIC}/app.css",
        "data:text/css;base64,Ym9keXt9",
        "ftp://forms.invalid/static/app.css",
    ],
)
def test_the_fetcher_refuses_everything_outside_the_static_folder(url):
    fetcher = StaticFileFetcher(STATIC)
    assert fetcher.path_for(url) is None
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_the_fetcher_serves_static_files(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "a b.css").write_text("p { color: red }")
    (tmp_path / "secret.txt").write_text("secret")
    (static / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetcher = StaticFileFetcher(static)
    response = fetcher.fetch("https://forms.invalid/static/css/a%20b.css")
    assert response.read() == b"p { color: red }"
    assert response.content_type == "text/css"
    assert fetcher.path_for("https://forms.invalid/static/link.txt") is None  # leads outside


# -- dates and times -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime.datetime(2026, 7, 1, 11, 30, tzinfo=datetime.UTC), "1 July 2026 at 12:30pm"),
        (datetime.datetime(2026, 7, 1, 11, 0, tzinfo=datetime.UTC), "1 July 2026 at midday"),
        (datetime.datetime(2026, 1, 5, 0, 0, tzinfo=datetime.UTC), "5 January 2026 at midnight"),
        (datetime.datetime(2026, 1, 5, 9, 7), "5 January 2026 at 9:07am"),  # naive: UTC
    ],
)
def test_the_submission_time_is_london_time_in_gov_uk_style(moment, shown):
    sub = replace(submission("prison-visit-booking"), submitted_at=moment, channel="assisted")
    html = submission_html(sub, service_name="Forms service")
    assert shown in html
    assert "Assisted" in html


def test_the_page_label_is_a_safe_css_string():
    """A translation with a quote, brace or backslash cannot end the CSS string early."""
    (rule,) = pdf_module._footer('Tudalen %(page)s o %(pages)s "}\\').page_rules
    assert rule[2] == [
        ("content", [("string", "Tudalen "), ("counter()", ("page", "decimal")),
                     ("string", " o "), ("counter()", ("pages", "decimal")),
                     ("string", ' "}\\')], False),
    ]  # fmt: skip


def test_a_language_the_form_lacks_falls_back_to_its_first_language():
    sub = replace(submission("lasting-power-of-attorney"), language="fr")
    html = submission_html(sub, service_name="Forms service")
    assert '<html lang="en">' in html
    assert "Language English" in flat(re.sub(r"<[^>]+>", " ", html))


# -- repeat items and the cover line ------------------------------------------------------


def test_each_repeat_item_is_kept_on_one_page():
    """Eight attorneys run over several pages; each one's heading and rows share a page."""
    form = FORMS["lasting-power-of-attorney"]
    overrides, _ = SCENARIOS["lasting-power-of-attorney"]
    answers = live_answers(form, overrides, {"attorneys": [{} for _ in range(8)]})
    sub = submission("lasting-power-of-attorney", answers=answers)
    reader = PdfReader(
        io.BytesIO(render_submission_pdf(sub, static_folder=STATIC, service_name="Forms"))
    )
    pages = [flat(page.extract_text()) for page in reader.pages]
    _, sections = read_submission(sub.definition, sub.answers, sub.language, today=TODAY)
    items = [
        entry
        for section in sections
        for entry in section.entries
        if isinstance(entry, ItemBlock) and entry.heading.startswith("Attorney ")
    ]
    assert len(items) == 8
    spread = []
    for item in items:
        # The item's own answers (those no other item shares) tell where its rows landed.
        mine = [flat(line) for row in item.rows for line in row.lines]
        others = {
            flat(line)
            for other in items
            if other is not item
            for r in other.rows
            for line in r.lines
        }
        unique = [line for line in mine if line not in others and len(line) > 6]
        assert unique, item.heading
        where = {n for n, text in enumerate(pages) if f"{item.heading} " in f"{text} "}
        where |= {n for n, text in enumerate(pages) for line in unique if line in text}
        spread.append(len(where))
    assert any(items[0].heading in text for text in pages), items[0].heading
    assert len(reader.pages) >= 3
    assert spread == [1] * 8, spread


def test_the_cover_line_gives_the_status_and_assignee():
    sub = submission("prison-visit-booking", status="more_information_needed")
    first = flat(submission_html(sub, service_name="Forms", assignee="Priya Shah"))
    assert "Status</th><td>More information needed" in first.replace("> <", "><")
    assert "Assigned to</th><td>Priya Shah" in first.replace("> <", "><")
    unassigned = flat(submission_html(replace(sub, status=None), service_name="Forms"))
    assert "Received" in unassigned and "Unassigned" in unassigned
    reader = PdfReader(
        io.BytesIO(
            render_submission_pdf(
                sub, static_folder=STATIC, service_name="F", assignee="Priya Shah"
            )
        )
    )
    cover = flat(reader.pages[0].extract_text())
    assert "Status More information needed" in cover and "Assigned to Priya Shah" in cover
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "en"

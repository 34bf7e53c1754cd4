"""The prison visit booking in Welsh: every page a Welsh speaker meets, with its errors, the
add-another and remove pages, check your answers, the timeout dialog's words, the emails
and the PDF, has no English in it (the service's words, the form's words or a month name).

What counts as English is every phrase the service could show in English: the English of
each catalogue message and of each text in the definition, where the Welsh differs.
"""

from __future__ import annotations

import datetime
import re

import html5lib
import pytest
from babel.messages.pofile import read_po

from forms_service.catalogues import sources
from forms_service.definitions.loader import load_definitions
from tests.citizen import Citizen, page_fields
from tests.conftest import FORMS_DIR
from tests.prison_visit import FORM

# The words on the pages: the same whichever database keeps the draft.
pytestmark = pytest.mark.same_on_every_database

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<[^>]+>|%%")
MONTHS = [datetime.date(2024, m, 1).strftime("%B") for m in range(1, 13)]
# Read by assistive technology, as well as the page text.
SPOKEN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
# data-* attributes carry the words scripts show or announce (the timeout dialog, the
# character count, the autocomplete); these carry other things.
NOT_WORDS = ("data-other-names",)  # an option's name in the form's other language
# English words that are right on a Welsh page, in their context: a key's name, a prison.
SAME_IN_WELSH = ("fysell Enter", "CEF Send")


def _fragments(english: str, welsh: str) -> set[str]:
    """The parts of an English message that would show through if it were not translated:
    runs of 2+ words, or one word of 4+ letters, that the Welsh does not also contain."""
    found = set()
    for part in PLACEHOLDER.split(english):
        part = " ".join(part.split()).strip(" .,:;()‘’'\"-–")
        words = re.findall(r"[A-Za-z’']+", part)
        if not words or (len(words) == 1 and len(words[0]) < 4):
            continue
        if part and part not in welsh:
            found.add(part)
    return found


@pytest.fixture(scope="module")
def english_phrases() -> list[str]:
    with sources()["cy"].open("rb") as po:
        catalogue = read_po(po, locale="cy")
    phrases: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            phrases |= _fragments(english, " ".join(strings))
    form = load_definitions([FORMS_DIR])[0][FORM]
    for english, welsh in _texts(form.snapshot):
        phrases |= _fragments(english, welsh)
    # Longest first, so a report names the whole phrase.
    return sorted(phrases, key=len, reverse=True)


def _texts(node):
    """Every {en, cy} pair in the definition."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str) and isinstance(node.get("cy"), str):
            yield node["en"], node["cy"]
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def shown_text(html: str) -> str:
    """What a reader or a screen reader meets: text, spoken attributes and the timeout
    dialog's words, leaving out scripts and anything marked lang="en" (the toggle's
    "English", which is correctly in English)."""
    root = html5lib.parse(html, namespaceHTMLElements=False)
    out: list[str] = []

    def visit(element) -> None:
        if element.get("lang", "cy") != "cy" or element.tag in ("script", "style"):
            if element.tail:
                out.append(element.tail)
            return
        if element.text:
            out.append(element.text)
        out.extend(element.get(a) for a in SPOKEN_ATTRIBUTES if element.get(a))
        out.extend(
            value
            for name, value in element.attrib.items()
            if name.startswith("data-") and name not in NOT_WORDS and " " in value.strip()
        )
        for child in element:
            visit(child)
        if element.tail:
            out.append(element.tail)

    visit(root)
    return " ".join(" ".join(out).split())


class WelshReader:
    def __init__(self, phrases: list[str]):
        self.phrases = phrases
        self.pages: list[str] = []
        # One pattern for every phrase (longest first, each a whole word or words): a match
        # anywhere is English on the page. One search per page instead of one per phrase
        # (860 patterns would also overflow re's cache and be compiled again every page).
        alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        self.english = re.compile(rf"(?<![\w’'])(?:{alternatives})(?![\w’'])", re.IGNORECASE)

    def read(self, where: str, html: str) -> None:
        assert 'lang="cy"' in html.split(">", 2)[1], f"{where}: <html> is not lang=cy"
        self.text(where, shown_text(html))

    def text(self, where: str, text: str) -> None:
        for allowed in SAME_IN_WELSH:
            text = text.replace(allowed, "")
        text = re.sub(r"\S+@\S+|https?://\S+", "", text)  # addresses are not words
        english = sorted({found.group(0) for found in self.english.finditer(text)})
        months = [m for m in MONTHS if re.search(rf"\b{m}\b", text)]
        assert not english and not months, f"English on {where}: {english[:8]} {months}"
        self.pages.append(where)


@pytest.fixture
def app(make_app, inbox):
    return make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none")


def test_a_welsh_speaker_meets_no_english(app, inbox, english_phrases):
    form = app.extensions["forms"][FORM]
    today = datetime.date.today()
    reader = WelshReader(english_phrases)
    citizen = Citizen(app.test_client())

    def page(url: str) -> None:
        response = citizen.get(url)
        assert response.status_code == 200, (url, response.status_code)
        reader.read(url, response.get_data(as_text=True))

    page(f"/{FORM}/?lang=cy")
    url = f"/{FORM}/{form.pages[0].id}"
    added = removed = False
    while not url.endswith("/check-your-answers"):
        page(url)
        current = form.page(url.rsplit("/", 1)[1])
        if current is not None and current.is_repeat:
            if not added:  # add a visitor (its page with errors too), then remove them
                errors = citizen.post_with_errors(url, {})
                reader.read(f"{url} (errors)", errors.get_data(as_text=True))
                item = citizen.post(url, {"add_another": "yes"}).headers["Location"]
                added = True
                url = item
                continue
            if not removed:
                remove = f"/{FORM}/{current.id}/1/remove"
                page(remove)
                errors = citizen.post_with_errors(remove, {})
                reader.read(f"{remove} (errors)", errors.get_data(as_text=True))
                citizen.post(remove, {"remove": "yes"})
                removed = True
                page(url)
            url = citizen.post(url, {"add_another": "no"}).headers["Location"]
            continue
        page_id = url.rsplit("/", 1)[1]
        fields = page_fields(
            form, page_id, today, {"prisoner_number": "A1234BC", "prison": "cardiff"}
        )
        response = citizen.post(url, {})
        if response.status_code == 303:  # the page has required questions: see its errors
            reader.read(f"{url} (errors)", citizen.get(url).get_data(as_text=True))
        response = citizen.post(url, fields)
        assert response.status_code == 302, url
        url = response.headers["Location"]
    assert added and removed
    page(url)

    # Save and come back later, and its email.
    page(f"/save/{FORM}")
    errors = citizen.post_with_errors(f"/save/{FORM}", {"email": "not an email"})
    reader.read("save (errors)", errors.get_data(as_text=True))
    citizen.post(f"/save/{FORM}", {"email": "jo@example.com"})
    page(f"/saved/{FORM}")
    [message] = inbox.messages
    reader.text("resume email subject", message["Subject"])
    reader.text("resume email", message.get_body(("plain",)).get_content())
    reader.read("resume email (HTML)", message.get_body(("html",)).get_content())
    link = re.search(r"https?://[^/\s]+(/resume/\S+)", message.get_body(("plain",)).get_content())[
        1
    ]
    assert link.endswith("?lang=cy")  # opens in Welsh in any browser
    resumed = Citizen(app.test_client())  # another browser, in English until the link
    reader.read("resume link", resumed.get(link).get_data(as_text=True))

    # Send it; the confirmation page.
    response = citizen.submit(form)
    assert response.headers["Location"] == f"/{FORM}/confirmation"
    page(f"/{FORM}/confirmation")

    page("/session-ended")
    missing = citizen.get(f"/{FORM}/no-such-page")
    assert missing.status_code == 404
    reader.read("page not found", missing.get_data(as_text=True))
    for info in ("/accessibility", "/cookies", f"/privacy/{FORM}", f"/contact/{FORM}"):
        page(info)
    assert len(reader.pages) > 30, reader.pages


def test_the_english_detector_finds_english(english_phrases):
    """The walk above is only as good as its detector: it must see untranslated text."""
    reader = WelshReader(english_phrases)
    for english in ("Continue", "There is a problem", "Enter the prisoner's first name",
                    "12 March 2024", "Book a prison visit"):  # fmt: skip
        with pytest.raises(AssertionError, match="English on"):
            reader.text("sample", f"Parhau {english} Yn ôl")
    reader.text("sample", "Parhau Mae problem wedi codi 12 Mawrth 2024 Trefnu ymweliad â charchar")
    html = '<html lang="cy"><body><a lang="en" hreflang="en">English</a> Cymraeg</body></html>'
    assert shown_text(html) == "Cymraeg"


def test_welsh_month_names_typed_by_a_citizen_are_read(app):
    citizen = Citizen(app.test_client())
    citizen.get(f"/{FORM}/?lang=cy")
    fields = {
        "prisoner_first_name": "Sam", "prisoner_last_name": "Jones",
        "prisoner_dob-day": "1", "prisoner_dob-month": "Chwefror", "prisoner_dob-year": "1980",
        "prisoner_number": "A1234BC", "prison": "cardiff",
    }  # fmt: skip
    response = citizen.post(f"/{FORM}/prisoner", fields)
    assert response.status_code == 302  # taken: February
    page = citizen.get(f"/{FORM}/prisoner").get_data(as_text=True)
    assert re.search(r'name="prisoner_dob-month"[^>]*value="2"', page)


def test_changing_language_keeps_what_was_typed_and_the_drafts_language(app):
    citizen = Citizen(app.test_client())
    store = app.extensions["store"]
    citizen.get(f"/{FORM}/?lang=cy")
    url = f"/{FORM}/prisoner"
    citizen.get(url)
    # Typed, not sent: the toggle sends it (app.js); nothing is checked or saved.
    response = citizen.post(url, {"prisoner_first_name": "Siân", "switch_language": "en"})
    assert response.status_code == 303 and response.headers["Location"] == url
    page = citizen.get(url).get_data(as_text=True)
    assert '<html lang="en"' in page and 'value="Siân"' in page
    assert "There is a problem" not in page  # not checked yet
    assert 'value="Siân"' not in citizen.get(url).get_data(as_text=True)  # shown once
    # A page showing errors shows them again, in the new language.
    citizen.post_with_errors(url, {"prisoner_first_name": "Siân"})
    response = citizen.post(url, {"prisoner_first_name": "Siân", "switch_language": "cy",
                                  "errors_shown": "1"})  # fmt: skip
    page = citizen.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mae problem wedi codi" in page and 'value="Siân"' in page
    # A language the form does not have is not a switch (the page's answers are checked).
    assert citizen.post(url, {"switch_language": "fr"}).status_code == 303
    # The draft remembers the choice, so its emails and the PDF follow it.
    fields = {
        "prisoner_first_name": "Sam", "prisoner_last_name": "Jones", "prisoner_dob-day": "1",
        "prisoner_dob-month": "2", "prisoner_dob-year": "1980", "prisoner_number": "A1234BC",
        "prison": "cardiff",
    }  # fmt: skip
    assert citizen.post(url, fields).status_code == 302
    citizen.post(url, {"switch_language": "en"})
    (draft,) = [d for d in _drafts(store) if d.form_id == FORM]
    assert draft.language == "en"
    citizen.get(f"/{FORM}/prisoner?lang=cy")
    (draft,) = [d for d in _drafts(store) if d.form_id == FORM]
    assert draft.language == "cy"


def _drafts(store):
    from sqlalchemy import select

    from forms_service.data import Draft

    with store.sessions() as db:
        return list(db.scalars(select(Draft)))


def test_english_only_forms_show_no_language_toggle(app):
    citizen = Citizen(app.test_client())
    citizen.get("/?lang=cy")  # a Welsh speaker, on the service's own (bilingual) page
    index = citizen.get("/").get_data(as_text=True)
    assert 'hreflang="en"' in index
    # The LPA is in English only: its Welsh title (a translation under way) is listed,
    # with a note; its pages are English, with no toggle.
    assert "Gwneud a chofrestru atwrneiaeth arhosol" in index and "yn Saesneg yn unig" in index
    start = citizen.get("/lasting-power-of-attorney/").get_data(as_text=True)
    assert '<html lang="en"' in start and "hreflang" not in start


def test_staff_pages_have_the_toggle_too(app):
    """Staff who chose Welsh (on a citizen page, say) can always change back."""
    client = app.test_client()
    page = client.get("/staff/sign-in?lang=cy").get_data(as_text=True)
    assert '<html lang="cy"' in page and 'hreflang="en"' in page
    page = client.get("/staff/sign-in?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in page and "Sign in" in page

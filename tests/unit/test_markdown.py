"""The Markdown subset for start pages and content bodies (forms_service.markdown)."""

import itertools
import re
from html.parser import HTMLParser
from textwrap import dedent

import pytest
from markupsafe import Markup

from forms_service.markdown import link_problems, render_inline, render_markdown


def md(text: str) -> str:
    return str(render_markdown(dedent(text).strip("\n")))


ALLOWED_ATTRIBUTES = {
    "p": {"class"},
    "h2": {"class"},
    "h3": {"class"},
    "ul": {"class"},
    "ol": {"class", "start"},
    "li": set(),
    "strong": set(),
    "a": {"href", "class", "rel"},
}


class _TagCollector(HTMLParser):
    """Reads rendered HTML the way a browser would, so tests see what a browser would run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.tags.append(("!--", {}))


def parsed_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


# --------------------------------------------------------------------------- blocks


def test_returns_markup():
    assert isinstance(render_markdown("Hello"), Markup)
    assert isinstance(render_inline("Hello"), Markup)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", None])
def test_empty_input_renders_nothing(text):
    assert render_markdown(text) == ""
    assert render_inline(text) == ""


def test_paragraphs_are_separated_by_blank_lines_and_newlines_become_spaces():
    assert md(
        """
        Use this service to request
        a visit to someone in prison.

        It takes 10 minutes.
        """
    ) == (
        '<p class="govuk-body">Use this service to request a visit to someone in prison.</p>\n'
        '<p class="govuk-body">It takes 10 minutes.</p>'
    )


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_any_line_ending(newline):
    text = newline.join(["one", "two", "", "three"])
    assert md(text) == '<p class="govuk-body">one two</p>\n<p class="govuk-body">three</p>'


@pytest.mark.parametrize("marker", ["-", "*", "+"])
def test_bullet_list(marker):
    assert md(f"{marker} a passport\n{marker} a driving licence") == (
        '<ul class="govuk-list govuk-list--bullet">\n'
        "<li>a passport</li>\n<li>a driving licence</li>\n</ul>"
    )


@pytest.mark.parametrize("marker", [".", ")"])
def test_numbered_list(marker):
    assert md(f"1{marker} Fill in the form\n2{marker} Send it") == (
        '<ol class="govuk-list govuk-list--number">\n'
        "<li>Fill in the form</li>\n<li>Send it</li>\n</ol>"
    )


def test_numbered_list_keeps_its_starting_number():
    assert md("3. three\n4. four").startswith(
        '<ol class="govuk-list govuk-list--number" start="3">\n<li>three</li>'
    )


def test_list_directly_after_a_paragraph_line():
    assert md(
        """
        You need:
        - a passport
        - a photo
        Bring both.
        """
    ) == (
        '<p class="govuk-body">You need:</p>\n'
        '<ul class="govuk-list govuk-list--bullet">\n'
        "<li>a passport</li>\n<li>a photo Bring both.</li>\n</ul>"
    )


def test_blank_lines_between_items_keep_one_list():
    html = md(
        """
        - one

        - two
          continued

        After the list.
        """
    )
    assert html == (
        '<ul class="govuk-list govuk-list--bullet">\n'
        "<li>one</li>\n<li>two continued</li>\n</ul>\n"
        '<p class="govuk-body">After the list.</p>'
    )


def test_indented_paragraph_after_blank_continues_the_item():
    assert md("- one\n\n  more about one") == (
        '<ul class="govuk-list govuk-list--bullet">\n<li>one more about one</li>\n</ul>'
    )


def test_switching_list_type_starts_a_new_list():
    html = md("- bullet\n1. number")
    assert html.count("<ul") == 1 and html.count("<ol") == 1


def test_nested_items_are_flattened():
    html = md("- one\n  - one a\n- two")
    assert html.count("<li>") == 3
    assert html.count("<ul") == 1


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("## Before you start", '<h2 class="govuk-heading-m">Before you start</h2>'),
        ("### What you need", '<h3 class="govuk-heading-s">What you need</h3>'),
        ("# Top", '<h2 class="govuk-heading-m">Top</h2>'),
        ("#### Deep", '<h3 class="govuk-heading-s">Deep</h3>'),
        ("## Closed ##", '<h2 class="govuk-heading-m">Closed</h2>'),
        ("##   Spaced  ", '<h2 class="govuk-heading-m">Spaced</h2>'),
        ("## **Bold** title", '<h2 class="govuk-heading-m"><strong>Bold</strong> title</h2>'),
        ("#hashtag", '<p class="govuk-body">#hashtag</p>'),
        ("##", '<p class="govuk-body">##</p>'),
        ("####### seven", '<p class="govuk-body">####### seven</p>'),
    ],
)
def test_headings(source, html):
    assert md(source) == html


def test_heading_ends_a_paragraph_without_a_blank_line():
    assert md("Intro\n## Next\nMore") == (
        '<p class="govuk-body">Intro</p>\n'
        '<h2 class="govuk-heading-m">Next</h2>\n'
        '<p class="govuk-body">More</p>'
    )


def test_a_whole_start_page():
    html = md(
        """
        Use this service to request a visit to someone in prison.

        ## Before you start

        You will need:

        * the prisoner's **date of birth**
        * their [prison number](https://www.gov.uk/find-prisoner)

        1. Request a visit.
        2. Wait for an email.
        """
    )
    tags = re.findall(r"<(h2|h3|p|ul|ol|li|a|strong)\b", html)
    assert tags == ["p", "h2", "p", "ul", "li", "strong", "li", "a", "ol", "li", "li"]


# --------------------------------------------------------------------------- inline


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("**bold**", "<strong>bold</strong>"),
        ("a **bold** word", "a <strong>bold</strong> word"),
        ("**two words** and **more**", "<strong>two words</strong> and <strong>more</strong>"),
        ("2 ** 3", "2 ** 3"),
        ("** not bold **", "** not bold **"),
        ("**unclosed", "**unclosed"),
        ("****", "****"),
        ("*single*", "*single*"),
        ("__under__", "__under__"),
        ("**a <b> c**", "<strong>a &lt;b&gt; c</strong>"),
    ],
)
def test_bold(source, html):
    assert render_inline(source) == html


@pytest.mark.parametrize(
    ("source", "html"),
    [
        (
            "[Apply online](https://www.gov.uk/apply)",
            '<a href="https://www.gov.uk/apply" class="govuk-link" rel="noreferrer noopener">'
            "Apply online</a>",
        ),
        (
            "[Apply](HTTP://EXAMPLE.COM)",
            '<a href="HTTP://EXAMPLE.COM" class="govuk-link" rel="noreferrer noopener">Apply</a>',
        ),
        (
            "[Start](/prison-visit-booking/)",
            '<a href="/prison-visit-booking/" class="govuk-link">Start</a>',
        ),
        (
            "[Email us](mailto:help@example.com)",
            '<a href="mailto:help@example.com" class="govuk-link">Email us</a>',
        ),
        ("[x]( /spaced )", '<a href="/spaced" class="govuk-link">x</a>'),
        (
            "[wiki](https://en.wikipedia.org/wiki/Foo_(bar))",
            '<a href="https://en.wikipedia.org/wiki/Foo_(bar)" class="govuk-link" '
            'rel="noreferrer noopener">wiki</a>',
        ),
        (
            "[q](/search?a=1&b=2)",
            '<a href="/search?a=1&amp;b=2" class="govuk-link">q</a>',
        ),
    ],
)
def test_links(source, html):
    assert render_inline(source) == html


def test_bold_inside_a_link_and_a_link_inside_bold():
    assert render_inline("[**Apply**](/a)") == (
        '<a href="/a" class="govuk-link"><strong>Apply</strong></a>'
    )
    assert render_inline("**Read [the guide](/g) first**") == (
        '<strong>Read <a href="/g" class="govuk-link">the guide</a> first</strong>'
    )
    assert render_inline("**[Apply](/a)**") == (
        '<strong><a href="/a" class="govuk-link">Apply</a></strong>'
    )


def test_links_inside_link_text_are_not_made():
    assert render_inline("[[x](/a)](/b)").count("<a ") == 1


@pytest.mark.parametrize(
    "source",
    [
        "[text](url with spaces)",
        "[text]()",
        "[](/empty-text)",
        "[text] (/gap)",
        "[text](/a<b)",
    ],
)
def test_malformed_links_stay_as_text(source):
    html = render_inline(source)
    assert "<a" not in html


def test_render_inline_has_no_blocks():
    html = str(render_inline("## Heading\n- item\n\nsecond **para**"))
    assert html == "## Heading - item second <strong>para</strong>"


def test_placeholders_pass_through_for_the_caller_to_fill():
    assert md("Your reference is {reference}.") == (
        '<p class="govuk-body">Your reference is {reference}.</p>'
    )


# --------------------------------------------------------------------------- security


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "**<script>alert(1)</script>**",
        "- <script>alert(1)</script>",
        "## <script>alert(1)</script>",
        "[<script>alert(1)</script>](/ok)",
        '[x](/ok"onmouseover="alert(1))',
        "[x](/ok'onmouseover='alert(1))",
        "<!-- comment --><style>body{}</style>",
        "&lt;script&gt;",
    ],
)
def test_no_raw_html_passes_through(source):
    for html in (str(render_markdown(source)), str(render_inline(source))):
        for tag, attributes in parsed_tags(html):
            assert tag in ALLOWED_ATTRIBUTES
            assert set(attributes) <= ALLOWED_ATTRIBUTES[tag]
            assert not (attributes.get("href") or "/").lower().startswith("javascript")


FRAGMENTS = [
    "**",
    "[",
    "](",
    ")",
    "<",
    ">",
    '"',
    "'",
    "&",
    "\n",
    "- ",
    "## ",
    "javascript:",
    "/x",
    " ",
]


@pytest.mark.parametrize("first", FRAGMENTS)
def test_any_mix_of_syntax_gives_only_allowed_tags(first):
    for second, third in itertools.product(FRAGMENTS, repeat=2):
        source = f"{first}a{second}b{third}c{first}"
        for html in (str(render_markdown(source)), str(render_inline(source))):
            for tag, attributes in parsed_tags(html):
                assert set(attributes) <= ALLOWED_ATTRIBUTES[tag], source
                href = attributes.get("href") or "/"
                assert href.startswith(("/", "http", "mailto:")) and not href.startswith("//")


def test_attribute_breakout_is_escaped():
    html = str(render_inline('[x](/ok"onmouseover="alert(1))'))
    assert 'href="/ok&#34;onmouseover=&#34;alert(1)"' in html


def test_entities_typed_by_the_author_are_shown_not_interpreted():
    assert render_inline("Fish &amp; chips & peas") == "Fish &amp;amp; chips &amp; peas"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java%0ascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "//evil.example.com",
        "/\\evil.example.com",
        "\\\\evil.example.com",
        "https:evil.example.com",
        "https://",
        "mailto:",
        "ftp://files.example.com",
        "relative/path",
        "#section",
        "file:///etc/passwd",
        # CommonMark decodes character references in addresses; the check sees the result.
        "javascript&colon;alert(1)",
        "&#106;avascript:alert(1)",
        "&#47;&#47;evil.example.com",
        "/&#92;evil.example.com",
        "java&Tab;script:alert(1)",
        "<javascript:alert(1)>",
        "</\\evil.example.com>",
    ],
)
def test_unsafe_links_render_as_plain_text(url):
    source = f"[click me]({url})"
    for html in (str(render_markdown(source)), str(render_inline(source))):
        assert "<a" not in html
        assert "click me" in html
    assert link_problems(source) != []


def test_control_characters_in_urls_are_refused():
    assert "<a" not in str(render_inline("[x](java\x01script:alert(1))"))
    assert "<a" not in str(render_inline("[x](/ok\x7f)"))


@pytest.mark.parametrize(
    ("url", "external"),
    [
        ("https://www.gov.uk", True),
        ("http://example.com/path?q=1#frag", True),
        ("/local/page", False),
        ("/", False),
        ("mailto:someone@example.com", False),
    ],
)
def test_only_external_links_get_rel(url, external):
    html = str(render_inline(f"[x]({url})"))
    assert "<a " in html
    assert ('rel="noreferrer noopener"' in html) is external


def test_link_problems_names_each_bad_link():
    problems = link_problems("[a](javascript:alert(1)) [b](/fine) [c](data:x)")
    assert len(problems) == 2
    assert "javascript:alert(1)" in problems[0]
    assert "https://" in problems[0]
    assert link_problems("[ok](https://www.gov.uk) and [ok](/x)") == []
    assert link_problems(None) == []


def test_output_is_safe_to_put_into_a_template():
    rendered = render_markdown("<b>hi</b>")
    assert Markup("<div>{}</div>").format(rendered) == (
        '<div><p class="govuk-body">&lt;b&gt;hi&lt;/b&gt;</p></div>'
    )

"""The small Markdown subset that form authors use for start pages and content bodies.

Supported, because it is all a GOV.UK content page needs:

- paragraphs, separated by blank lines; a single newline inside a paragraph is a space
- bullet lists (``- item``, ``* item`` or ``+ item``) and numbered lists (``1. item`` or
  ``1) item``); a bullet list, or a numbered list from 1, may follow a paragraph line
  directly, items may be separated by blank lines (text indented like the item's own text
  continues it), and a numbered list that starts at 3 keeps its numbering
- headings: ``## Heading`` (``govuk-heading-m``) and ``### Heading`` (``govuk-heading-s``).
  ``#`` also gives a medium heading, because the page title is the only ``<h1>``;
  ``####`` and deeper give a small one
- links ``[text](url)`` and bold ``**text**``, which may be nested either way

Not supported, and shown as the author typed it: raw HTML (escaped), images, italics,
code, tables, link titles, nested lists (indented items join the list), backslash escapes.

Parsing is CommonMark's, by markdown-it-py with only the rules above switched on; the HTML
is written here rather than by its renderer, so that every element gets its GOV.UK class
and every piece of text goes through MarkupSafe.

Security: form definitions are trusted less than code, so every character of text is
HTML-escaped, and a link is only made for ``http://``, ``https://``, ``mailto:`` and
site-relative ``/...`` addresses. Anything else (``javascript:``, ``data:``, ``//host``,
relative paths) is shown as the literal Markdown so the author notices; :func:`link_problems`
lets the definition loader report it. Links to other sites get ``rel="noreferrer noopener"``.

Answer placeholders such as ``{reference}`` pass through unchanged, so callers can fill them
in (escaped) after rendering; filling them in before would let an answer add links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

__all__ = ["link_problems", "render_inline", "render_markdown"]

_EXTERNAL = re.compile(r"https?://[^/?#\s]+.*", re.IGNORECASE | re.DOTALL)
_ALLOWED = "links must start with https://, http://, mailto: or / (a page on this service)"

_PARAGRAPH = Markup('<p class="govuk-body">{}</p>')
_HEADING = {
    "h2": Markup('<h2 class="govuk-heading-m">{}</h2>'),
    "h3": Markup('<h3 class="govuk-heading-s">{}</h3>'),
}
_LIST_OPEN = {
    "bullet_list_open": Markup('<ul class="govuk-list govuk-list--bullet">'),
    "ordered_list_open": Markup('<ol class="govuk-list govuk-list--number">'),
}
_LIST_CLOSE = {"bullet_list_open": Markup("</ul>"), "ordered_list_open": Markup("</ol>")}
_NUMBERED_FROM = Markup('<ol class="govuk-list govuk-list--number" start="{}">')
_STRONG = {1: Markup("<strong>"), -1: Markup("</strong>")}
_EXTERNAL_LINK = Markup('<a href="{}" class="govuk-link" rel="noreferrer noopener">{}</a>')
_LOCAL_LINK = Markup('<a href="{}" class="govuk-link">{}</a>')


# --------------------------------------------------------------------------- links


def _link_kind(url: str) -> str | None:
    """Say what sort of address this is: "external", "local", "mailto", or None if refused.

    Backslashes and control characters are refused outright: browsers read "/\\evil.com"
    as "//evil.com", and a scheme split by a tab still runs as javascript. Angle brackets
    too, as in the Markdown that authors write for GOV.UK.
    """
    if any(ord(c) <= 0x20 or ord(c) == 0x7F or c in "\\<>" for c in url):
        return None
    if _EXTERNAL.fullmatch(url):
        return "external"
    if url[:7].lower() == "mailto:" and len(url) > 7:
        return "mailto"
    if url.startswith("/") and not url.startswith("//"):
        return "local"
    return None


def _parser(validate_link: Callable[[str], bool]) -> MarkdownIt:
    parser = MarkdownIt("zero").enable(["heading", "list", "link", "emphasis", "newline"])
    parser.validateLink = validate_link
    # Keep addresses and link text as typed (no percent-encoding or punycode): the address
    # checked is the address written out, escaped by MarkupSafe.
    parser.normalizeLink = lambda url: url
    parser.normalizeLinkText = lambda text: text
    return parser


_MARKDOWN = _parser(lambda url: _link_kind(url) is not None)
_EVERY_LINK = _parser(lambda url: True)  # for link_problems: find the links it refuses


def link_problems(text: str | None) -> list[str]:
    """Describe each link in ``text`` that will not be made, for definition error reports."""
    links = (
        str(child.attrs["href"])
        for token in _EVERY_LINK.parse(text or "")
        for child in token.children or ()
        if child.type == "link_open"
    )
    return [f"The link {url!r} will not work: {_ALLOWED}" for url in links if not _link_kind(url)]


# --------------------------------------------------------------------------- inline


def _link(token: Token, label: Markup) -> Markup:
    href = str(token.attrs.get("href", ""))
    kind = _link_kind(href)
    title = token.attrs.get("title")
    if kind is None or not label or title is not None:
        # "[text]()", "[](/page)" and '[text](/page "title")' parse as links but are not
        # ones we make: show what the author wrote.
        tail = escape(f' "{title}"') if title is not None else ""
        return Markup("[{}]({}{})").format(label, href, tail)
    template = _EXTERNAL_LINK if kind == "external" else _LOCAL_LINK
    return template.format(href, label)


def _inline(tokens: Sequence[Token]) -> Markup:
    """HTML for an inline token stream: text, line breaks, bold and links."""
    html: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "link_open":  # links do not nest, so the next close is this one's
            end = next(i for i in range(index, len(tokens)) if tokens[i].type == "link_close")
            html.append(_link(token, _inline(tokens[index + 1 : end])))
            index = end
        elif token.type == "text":
            html.append(escape(token.content))
        elif token.type in ("softbreak", "hardbreak"):
            html.append(" ")
        elif token.type.startswith("strong_") and token.markup == "**":
            html.append(_STRONG[token.nesting])
        elif token.type.startswith(("strong_", "em_")):
            html.append(escape(token.markup))  # italics and __bold__ are shown as typed
        index += 1
    return Markup("").join(html)


def render_inline(text: str | None) -> Markup:
    """Render a short text (a hint, a label) with links and bold but no blocks.

    Newlines become spaces, and list or heading markers stay as typed.
    """
    lines = (text or "").splitlines()
    tokens = _MARKDOWN.parseInline(" ".join(line.strip() for line in lines if line.strip()))
    return _inline(tokens[0].children or []) if tokens else Markup("")


# --------------------------------------------------------------------------- blocks


def _list(tokens: list[Token], start: int) -> tuple[Markup, int]:
    """HTML for the list opening at tokens[start], and the index after the list.

    Nested lists are flattened into this one and an item's paragraphs join with spaces, as
    GOV.UK lists have one level and no paragraphs in items.
    """
    opening = tokens[start]
    items: list[list[Markup]] = []
    depth = 0
    for end in range(start, len(tokens)):
        token = tokens[end]
        if token.type in _LIST_OPEN:
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                break
        elif token.type == "list_item_open":
            items.append([])
        elif token.type == "inline":
            text = _inline(token.children or [])
            before = tokens[end - 1]
            if before.type == "heading_open":  # "- ## x": no headings inside a list
                text = Markup("{} {}").format(before.markup, text) if text else before.markup
            items[-1].append(text)
    number = opening.attrs.get("start")
    html = _NUMBERED_FROM.format(number) if number not in (None, 1) else _LIST_OPEN[opening.type]
    body = Markup("\n").join(Markup("<li>{}</li>").format(Markup(" ").join(i)) for i in items)
    return Markup("{}\n{}\n{}").format(html, body, _LIST_CLOSE[opening.type]), end + 1


def _blocks(tokens: list[Token]) -> Iterator[Markup]:
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in _LIST_OPEN:
            html, index = _list(tokens, index)
            yield html
            continue
        if token.type == "heading_open":
            text = _inline(tokens[index + 1].children or [])
            if not text:  # "##" alone is not a heading
                yield _PARAGRAPH.format(token.markup)
            else:
                yield _HEADING["h2" if token.tag in ("h1", "h2") else "h3"].format(text)
        elif token.type == "paragraph_open":
            yield _PARAGRAPH.format(_inline(tokens[index + 1].children or []))
        index += 1


# The texts come from the form definitions, so there are few of them and each is rendered
# on every visit to its page; placeholders are filled in by the caller, after this.
@lru_cache(maxsize=1024)
def render_markdown(text: str | None) -> Markup:
    """Render a start-page or content body to GOV.UK Design System HTML.

    Returns Markup so templates can output it without ``|safe``; every piece of the
    author's text has been escaped on the way.
    """
    return Markup("\n").join(_blocks(_MARKDOWN.parse(text or "")))

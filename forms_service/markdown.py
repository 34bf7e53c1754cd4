"""The small Markdown subset that form authors use for start pages and content bodies.

Supported, because it is all a GOV.UK content page needs:

- paragraphs, separated by blank lines; a single newline inside a paragraph is a space
- bullet lists (``- item``, ``* item`` or ``+ item``) and numbered lists (``1. item`` or
  ``1) item``); a list may follow a paragraph line directly, items may be separated by blank
  lines, and a numbered list that starts at 3 keeps its numbering
- headings: ``## Heading`` (``govuk-heading-m``) and ``### Heading`` (``govuk-heading-s``).
  ``#`` also gives a medium heading, because the page title is the only ``<h1>``;
  ``####`` and deeper give a small one
- links ``[text](url)`` and bold ``**text**``, which may be nested either way

Not supported, and shown as the author typed it: raw HTML (escaped), images, italics,
code, tables, link titles, nested lists (indented items join the list), backslash escapes.

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
from dataclasses import dataclass, field

from markupsafe import Markup

__all__ = ["link_problems", "render_inline", "render_markdown"]

# Link addresses may contain one level of brackets, as Wikipedia's do: /wiki/Foo_(bar).
_LINK = re.compile(r"\[(?P<text>[^\[\]\n]+)\]\(\s*(?P<url>(?:[^\s()<>]|\([^\s()<>]*\))+)\s*\)")
_HEADING = re.compile(r"(?P<hashes>#{1,6})\s+(?P<text>.*?)(?:\s+#+)?")
_BULLET = re.compile(r"[-*+]\s+(?P<text>.*)")
_NUMBERED = re.compile(r"(?P<number>[0-9]{1,9})[.)]\s+(?P<text>.*)")
_EXTERNAL = re.compile(r"https?://[^/?#\s]+.*", re.IGNORECASE | re.DOTALL)
_ALLOWED = "links must start with https://, http://, mailto: or / (a page on this service)"

_LIST_OPEN = {
    "ul": Markup('<ul class="govuk-list govuk-list--bullet">'),
    "ol": Markup('<ol class="govuk-list govuk-list--number">'),
}
_LIST_CLOSE = {"ul": Markup("</ul>"), "ol": Markup("</ol>")}
_EXTERNAL_LINK = Markup('<a href="{}" class="govuk-link" rel="noreferrer noopener">{}</a>')
_LOCAL_LINK = Markup('<a href="{}" class="govuk-link">{}</a>')
_HEADING_TAG = {
    "h2": Markup('<h2 class="govuk-heading-m">{}</h2>'),
    "h3": Markup('<h3 class="govuk-heading-s">{}</h3>'),
}


# --------------------------------------------------------------------------- links


def _link_kind(url: str) -> str | None:
    """Say what sort of address this is: "external", "local", "mailto", or None if refused.

    Backslashes and control characters are refused outright: browsers read "/\\evil.com"
    as "//evil.com", and a scheme split by a tab still runs as javascript.
    """
    if any(ord(c) <= 0x20 or ord(c) == 0x7F or c == "\\" for c in url):
        return None
    if _EXTERNAL.fullmatch(url):
        return "external"
    if url[:7].lower() == "mailto:" and len(url) > 7:
        return "mailto"
    if url.startswith("/") and not url.startswith("//"):
        return "local"
    return None


def _render_link(label: str, url: str) -> Markup | None:
    kind = _link_kind(url)
    if kind is None:
        return None
    template = _EXTERNAL_LINK if kind == "external" else _LOCAL_LINK
    return template.format(url, _inline(label, links=False))


def link_problems(text: str | None) -> list[str]:
    """Describe each link in ``text`` that will not be made, for definition error reports."""
    return [
        f"The link {match['url']!r} will not work: {_ALLOWED}"
        for match in _LINK.finditer(text or "")
        if _link_kind(match["url"]) is None
    ]


# --------------------------------------------------------------------------- inline: bold


@dataclass(frozen=True)
class _Delimiter:
    """A "**" that may start and/or end bold text, like CommonMark's flanking rules."""

    can_open: bool
    can_close: bool


_Token = str | Markup | _Delimiter


def _split_bold(text: str) -> list[str | _Delimiter]:
    """Split plain text at each "**"; the flags are filled in by :func:`_flag_delimiters`."""
    return [
        _Delimiter(False, False) if part == "**" else part
        for part in re.split(r"(\*\*)", text)
        if part
    ]


def _neighbour(tokens: list[_Token], index: int, step: int) -> str:
    """The character next to tokens[index] in direction ``step`` ("" at the edge)."""
    position = index + step
    if not 0 <= position < len(tokens):
        return ""
    token = tokens[position]
    if isinstance(token, _Delimiter):
        return "*"
    if isinstance(token, Markup):
        return "a"  # a link counts as a word
    return token[-1] if step < 0 else token[0]


def _flag_delimiters(tokens: list[_Token]) -> list[_Token]:
    """Bold may open before non-space and close after non-space, so "2 ** 3" stays text."""
    flagged: list[_Token] = []
    for index, token in enumerate(tokens):
        if isinstance(token, _Delimiter):
            before, after = _neighbour(tokens, index, -1), _neighbour(tokens, index, 1)
            token = _Delimiter(bool(after.strip()), bool(before.strip()))
        flagged.append(token)
    return flagged


def _pair_delimiters(tokens: list[_Token]) -> dict[int, Markup]:
    """Match openers with the next closer that leaves something in between."""
    tags: dict[int, Markup] = {}
    opener: int | None = None
    for index, token in enumerate(tokens):
        if not isinstance(token, _Delimiter):
            continue
        if opener is not None and token.can_close and index > opener + 1:
            tags[opener], tags[index] = Markup("<strong>"), Markup("</strong>")
            opener = None
        elif token.can_open:
            opener = index
    return tags


def _inline(text: str, *, links: bool = True) -> Markup:
    """Render links and bold in one line of text, escaping everything else."""
    tokens: list[_Token] = []
    position = 0
    for match in _LINK.finditer(text) if links else ():
        tokens.extend(_split_bold(text[position : match.start()]))
        link = _render_link(match["text"], match["url"])
        tokens.extend([link] if link is not None else _split_bold(match[0]))
        position = match.end()
    tokens.extend(_split_bold(text[position:]))
    tokens = _flag_delimiters(tokens)
    tags = _pair_delimiters(tokens)
    return Markup("").join(
        tags.get(index, "**") if isinstance(token, _Delimiter) else token
        for index, token in enumerate(tokens)
    )


def render_inline(text: str | None) -> Markup:
    """Render a short text (a hint, a label) with links and bold but no blocks.

    Newlines become spaces, and list or heading markers stay as typed.
    """
    lines = (text or "").splitlines()
    return _inline(" ".join(line.strip() for line in lines if line.strip()))


# --------------------------------------------------------------------------- blocks


@dataclass
class _Block:
    """A paragraph, heading or list being collected; each item is a list of source lines."""

    kind: str  # "p", "h2", "h3", "ul" or "ol"
    items: list[list[str]] = field(default_factory=list)
    start: int = 1


def _list_item(line: str) -> tuple[str, str, int] | None:
    """Return (list kind, item text, number) if the line starts a list item."""
    if match := _BULLET.fullmatch(line):
        return "ul", match["text"], 1
    if match := _NUMBERED.fullmatch(line):
        return "ol", match["text"], int(match["number"])
    return None


def _heading(line: str) -> _Block | None:
    match = _HEADING.fullmatch(line)
    if match is None:
        return None
    kind = "h3" if len(match["hashes"]) >= 3 else "h2"
    return _Block(kind, [[match["text"]]])


def _parse_blocks(text: str) -> list[_Block]:
    """Group lines into blocks.

    A blank line ends a paragraph but not a list, so that authors can space out list items;
    an indented line after a blank line continues the last list item.
    """
    blocks: list[_Block] = []
    current: _Block | None = None
    after_blank = False
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            after_blank = True
            current = None if current is not None and current.kind == "p" else current
            continue
        if heading := _heading(line):
            blocks.append(heading)
            current = None
        elif item := _list_item(line):
            kind, item_text, number = item
            if current is None or current.kind != kind:
                current = _Block(kind, start=number)
                blocks.append(current)
            current.items.append([item_text])
        elif current is not None and (not after_blank or raw_line[:1].isspace()):
            current.items[-1].append(line)
        else:
            current = _Block("p", [[line]])
            blocks.append(current)
        after_blank = False
    return blocks


def _render_block(block: _Block) -> Markup:
    texts = [_inline(" ".join(lines)) for lines in block.items]
    if block.kind in _HEADING_TAG:
        return _HEADING_TAG[block.kind].format(texts[0]) if str(texts[0]) else Markup("")
    if block.kind == "p":
        return Markup('<p class="govuk-body">{}</p>').format(texts[0])
    opening = _LIST_OPEN[block.kind]
    if block.kind == "ol" and block.start != 1:
        opening = Markup('<ol class="govuk-list govuk-list--number" start="{}">').format(
            block.start
        )
    items = Markup("\n").join(Markup("<li>{}</li>").format(text) for text in texts)
    return Markup("{}\n{}\n{}").format(opening, items, _LIST_CLOSE[block.kind])


def render_markdown(text: str | None) -> Markup:
    """Render a start-page or content body to GOV.UK Design System HTML.

    Returns Markup so templates can output it without ``|safe``; every piece of the
    author's text has been escaped on the way.
    """
    rendered = (_render_block(block) for block in _parse_blocks(text or ""))
    return Markup("\n").join(html for html in rendered if html)

"""Author patterns (`pattern:` on a text question), run on citizen input in linear time.

Python's `re` backtracks: a pattern like `(a+)+$` takes exponential time on "aaaa…!", and a
citizen's answer would hold a worker for hours. Patterns run with RE2 (google-re2), whose
time grows with the length of the answer only. RE2 cannot run back-references or
lookaround; the loader refuses those at file:line:col with `check_pattern`.

The contract's patterns are read as Python reads them: `\\d`, `\\w` and `\\s` match any
Unicode digit, word character or space (RE2's own are ASCII only), so "Siân" is still a word.
"""

from __future__ import annotations

import functools
from re import _constants as sre_constants
from re import _parser as sre_parser
from typing import Any

import re2

EngineError = re2.error  # what RE2 raises for a pattern it cannot compile

# A pattern compiled by RE2 gets this much memory at most; a larger one is refused at load.
MAX_PATTERN_MEMORY = 8 << 20

# Python's Unicode meaning of the class escapes, as RE2 classes (inside [...] and outside).
_DIGIT = r"\p{Nd}"
_WORD = r"\p{L}\p{N}_"
_SPACE = r"\t\n\v\f\r \x{1c}-\x{1f}\x{85}\p{Z}"
_OUTSIDE = {
    "d": _DIGIT,
    "D": r"\P{Nd}",
    "w": f"[{_WORD}]",
    "W": f"[^{_WORD}]",
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
    "Z": r"\z",  # the end of the text: RE2 spells it \z
}
_INSIDE = {"d": _DIGIT, "D": r"\P{Nd}", "w": _WORD, "s": _SPACE}

# What re's parser calls the constructs RE2 cannot run, in words for form authors.
_NOT_ALLOWED = {
    sre_constants.GROUPREF: "a back-reference (like \\1 or (?P=name))",
    sre_constants.GROUPREF_EXISTS: "a conditional group (like (?(1)a|b))",
    sre_constants.ATOMIC_GROUP: "an atomic group (?>...)",
    sre_constants.POSSESSIVE_REPEAT: "a possessive repeat (like a*+ or a++)",
}


class PatternError(ValueError):
    """A pattern the service will not run; the message names the construct."""


def check_pattern(pattern: str) -> None:
    """Raise PatternError when RE2 cannot run the pattern (re must already accept it)."""
    construct = _unsupported(sre_parser.parse(pattern))
    if construct:
        raise PatternError(
            f"uses {construct}, which is not allowed: patterns run on a linear-time engine "
            "(RE2) so that no answer can slow the service down. Rewrite it without that, "
            "or check the answer with a rule instead"
        )
    try:
        compiled(pattern)
    except re2.error as exc:
        raise PatternError(
            f"cannot be run safely ({_reason(exc)}). Patterns run on a linear-time engine "
            "(RE2): keep repeat counts like {n} to 1000 or less, and use no back-references "
            "or lookaround"
        ) from None


def fullmatch(pattern: str, text: str) -> bool:
    """Whether the whole of `text` matches the author's pattern, in linear time."""
    return compiled(pattern).fullmatch(text) is not None


@functools.lru_cache(maxsize=512)
def compiled(pattern: str) -> Any:
    options = re2.Options()
    options.log_errors = False  # a refused pattern is reported to the author, not to stderr
    options.max_mem = MAX_PATTERN_MEMORY
    return re2.compile(_unicode_classes(pattern), options)


def _unicode_classes(pattern: str) -> str:
    """The pattern with \\d, \\w, \\s (and their negations) spelled as Unicode classes."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escape = pattern[i + 1]
            table = _INSIDE if in_class else _OUTSIDE
            if escape in table:
                out.append(table[escape])
            elif in_class and escape in "WS":
                raise PatternError(
                    f"uses \\{escape} inside [...], which is not allowed. "
                    f"Write [^...] with the characters it must not be instead"
                )
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            i += 1
            # A ] straight after [ or [^ is a literal, as in re.
            if pattern[i : i + 1] == "^":
                out.append("^")
                i += 1
            if pattern[i : i + 1] == "]":
                out.append(r"\]")
                i += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _unsupported(items: Any) -> str | None:
    for op, arg in items:
        if op in _NOT_ALLOWED:
            return _NOT_ALLOWED[op]
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            return "a lookahead (?=...) or (?!...)" if arg[0] == 1 else _LOOKBEHIND
        for child in _children(op, arg):
            found = _unsupported(child)
            if found:
                return found
    return None


_LOOKBEHIND = "a lookbehind (?<=...) or (?<!...)"


def _children(op: Any, arg: Any) -> list[Any]:
    if op is sre_constants.SUBPATTERN:
        return [arg[-1]]
    if op is sre_constants.BRANCH:
        return list(arg[1])
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        return [arg[2]]
    return []


def _reason(exc: BaseException) -> str:
    reason = exc.args[0] if exc.args else str(exc)
    return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)

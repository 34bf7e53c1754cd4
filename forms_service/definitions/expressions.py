"""The small expression language of form definitions: ``when``, ``check`` and text variants.

Form authors are not programmers and definitions come from files we did not write, so the
language is parsed by hand (never handed to Python's ``eval``), checked against the form's
questions when the definition loads (so a typo is a definition error with a position, not a
crash in a citizen's journey), and evaluated with ``none`` semantics that never raise: a
skipped question must not break the questions after it.
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import operator
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from forms_service.question_types.answer_types import Kind, T, Type

__all__ = ["Duration", "Expression", "ExpressionError", "Kind", "T", "Type", "parse"]

MAX_SOURCE_LENGTH = 2000
"""Longer conditions are unreadable for authors and would only be written by mistake."""
MAX_NESTING = 32
"""Brackets and prefix operators inside each other; keeps the parser far from RecursionError."""
MAX_HEIGHT = 64
"""Depth of the tree, which bounds the recursion of ``check`` and ``evaluate``."""


class ExpressionError(Exception):
    """A mistake in an expression, told in words a form author can act on.

    ``offset`` lets the loader turn the error into a line and column of the YAML file;
    ``name`` is set for an unknown name so the loader can say "that question is asked later".
    """

    def __init__(self, message: str, offset: int, name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.name = name

    def __repr__(self) -> str:
        return f"ExpressionError({self.message!r}, offset={self.offset}, name={self.name!r})"


# -- types: Kind, Type and T come from question_types.answer_types ------------------------


_PLURALS = {
    Kind.TEXT: "text",
    Kind.NUMBER: "numbers",
    Kind.DATE: "dates",
    Kind.BOOL: "true/false values",
    Kind.NONE: "none",
}


@dataclass(frozen=True)
class Duration:
    """A length of time like ``2y`` or ``28d``; months and days stay apart because a month is
    not a fixed number of days."""

    months: int = 0
    days: int = 0

    def __neg__(self) -> Duration:
        return Duration(-self.months, -self.days)

    def __add__(self, other: Duration) -> Duration:
        return Duration(self.months + other.months, self.days + other.days)

    def after(self, day: datetime.date) -> datetime.date | None:
        """``day`` moved by this duration, months first; the day of the month is clamped
        (31 Jan + 1m = 28 Feb). None when the result is outside the calendar."""
        try:
            total = day.year * 12 + day.month - 1 + self.months
            year, month = divmod(total, 12)
            last = calendar.monthrange(year, month + 1)[1]
            moved = datetime.date(year, month + 1, min(day.day, last))
            return moved + datetime.timedelta(days=self.days)
        except (ValueError, OverflowError):
            return None


class _Layered(Mapping[str, Any]):
    """Names of a repeat item first, then the outer names: ``count(visitors, age(dob) > 18)``."""

    def __init__(self, inner: Mapping[str, Any], outer: Mapping[str, Any]) -> None:
        self._inner = inner
        self._outer = outer

    def __getitem__(self, key: str) -> Any:
        return self._inner[key] if key in self._inner else self._outer[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._inner
        yield from (key for key in self._outer if key not in self._inner)

    def __len__(self) -> int:
        return sum(1 for _ in self)


# -- tokens ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # name, keyword, number, duration, string, op, end
    text: str
    offset: int
    value: Any = None


_NAME_START = frozenset(string.ascii_letters + "_")
_NAME_CHARS = _NAME_START | frozenset(string.digits)
_DIGITS = frozenset(string.digits)
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "none", "today"})
_UNITS = {
    "d": Duration(days=1),
    "w": Duration(days=7),
    "m": Duration(months=1),
    "y": Duration(months=12),
}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_SINGLE_OPS = frozenset("<>+-()[],.")
_CHARACTER_HINTS = {
    "=": "Use '==' to check that two things are equal.",
    "&": "Use 'and' to join conditions.",
    "|": "Use 'or' to join conditions.",
    "!": "Use 'not', or '!=' for 'is not equal to'.",
    "*": "Only + and - are available.",
    "/": "Only + and - are available.",
}
_SMART_QUOTES = "\u2018\u2019\u201c\u201d"


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, end = 0, len(source)
    while i < end:
        char, start = source[i], i
        if char.isspace():
            i += 1
        elif char in _NAME_START:
            while i < end and source[i] in _NAME_CHARS:
                i += 1
            word = source[start:i]
            tokens.append(_Token("keyword" if word in _KEYWORDS else "name", word, start))
        elif char in _DIGITS:
            token = _number(source, start)
            tokens.append(token)
            i = start + len(token.text)
        elif char in "'\"":
            close = source.find(char, start + 1)
            if close < 0:
                raise ExpressionError(
                    f"This text has no closing quote: add {char} at its end.", start
                )
            tokens.append(_Token("string", source[start : close + 1], start, source[i + 1 : close]))
            i = close + 1
        elif source[i : i + 2] in _COMPARISONS:
            tokens.append(_Token("op", source[i : i + 2], start))
            i += 2
        elif char in _SINGLE_OPS:
            tokens.append(_Token("op", char, start))
            i += 1
        elif char in _SMART_QUOTES:
            raise ExpressionError(
                "Use straight quotes (' or \") around text, not curly ones.", start
            )
        else:
            hint = _CHARACTER_HINTS.get(char, "")
            raise ExpressionError(f"Unexpected character '{char}'. {hint}".rstrip(), start)
    tokens.append(_Token("end", "", end))
    return tokens


def _number(source: str, start: int) -> _Token:
    """A number, or a duration when a unit letter follows the digits directly (``28d``)."""
    i = start
    while i < len(source) and source[i] in _DIGITS:
        i += 1
    whole = True
    if source[i : i + 1] == "." and source[i + 1 : i + 2] in _DIGITS:
        whole, i = False, i + 1
        while i < len(source) and source[i] in _DIGITS:
            i += 1
    digits = source[start:i]
    word_end = i
    while word_end < len(source) and source[word_end] in _NAME_CHARS:
        word_end += 1
    unit, text = source[i:word_end], source[start:word_end]
    if not unit:
        return _Token("number", digits, start, int(digits) if whole else Decimal(digits))
    if unit in _UNITS and whole:
        unit_length = _UNITS[unit]
        amount = int(digits)
        return _Token(
            "duration",
            text,
            start,
            Duration(unit_length.months * amount, unit_length.days * amount),
        )
    if unit in _UNITS:
        raise ExpressionError(
            f"'{text}': a length of time must be a whole number, like 18{unit}.", start
        )
    raise ExpressionError(
        f"'{text}' is not a number. Lengths of time are written like 28d, 2w, 6m or 1y.", start
    )


# -- tree --------------------------------------------------------------------------------------

Answers = Mapping[str, Any]


@dataclass(frozen=True)
class ExprNode:
    """One part of a parsed expression; ``offset`` is where it starts in the source."""

    offset: int
    height: int = field(init=False, repr=False, compare=False, default=1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "height", 1 + max((c.height for c in self.children()), default=0))

    def children(self) -> tuple[ExprNode, ...]:
        return ()

    def check(self, env: Mapping[str, Type]) -> Type:
        raise NotImplementedError

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Literal(ExprNode):
    value: str | int | Decimal | bool | Duration | None

    def check(self, env: Mapping[str, Type]) -> Type:
        if isinstance(self.value, Duration):
            return T.DURATION
        if isinstance(self.value, bool):
            return T.BOOL
        if isinstance(self.value, str):
            return T.TEXT
        return T.NONE if self.value is None else T.NUMBER

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        return self.value


@dataclass(frozen=True)
class ListLiteral(ExprNode):
    items: tuple[ExprNode, ...]

    def children(self) -> tuple[ExprNode, ...]:
        return self.items

    def check(self, env: Mapping[str, Type]) -> Type:
        element: Type | None = None
        for item in self.items:
            kind = item.check(env).kind
            if kind not in (Kind.TEXT, Kind.NUMBER, Kind.DATE, Kind.BOOL):
                raise ExpressionError(
                    f"a list can hold text, numbers, dates or true/false "
                    f"values, but this is {kind.value}",
                    item.offset,
                )
            if element is None:
                element = Type(kind)
            elif kind is not element.kind:
                raise ExpressionError(
                    f"all the values in a list must be of one kind, but this "
                    f"is {kind.value} and the first is {element.describe()}",
                    item.offset,
                )
        return Type(Kind.LIST, element=element)

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        return [item.evaluate(answers, today) for item in self.items]


@dataclass(frozen=True)
class Name(ExprNode):
    name: str

    def check(self, env: Mapping[str, Type]) -> Type:
        if self.name in env:
            return env[self.name]
        keyword = self.name.lower() if self.name.lower() in _KEYWORDS else None
        suggestion = keyword or _suggest(self.name, env)
        hint = f"Did you mean '{suggestion}'?" if suggestion else "Check the question id."
        raise ExpressionError(f"Unknown question '{self.name}'. {hint}", self.offset, self.name)

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        return answers.get(self.name)


@dataclass(frozen=True)
class Today(ExprNode):
    def check(self, env: Mapping[str, Type]) -> Type:
        return T.DATE

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        return today


@dataclass(frozen=True)
class Part(ExprNode):
    """``home_address.postcode``: a part of an address or name answer."""

    target: ExprNode
    part: str
    part_offset: int

    def children(self) -> tuple[ExprNode, ...]:
        return (self.target,)

    def check(self, env: Mapping[str, Type]) -> Type:
        whole = self.target.check(env)
        subject = _subject(self.target)
        if whole.kind is not Kind.MAPPING:
            raise ExpressionError(
                f"{subject} is {whole.describe()}, so it has no part "
                f"'{self.part}'. Only answers with parts, like an address, "
                "can be followed by a dot.",
                self.part_offset,
            )
        if self.part not in whole.parts:
            suggestion = _suggest(self.part, whole.parts)
            hint = (
                f"Did you mean '{suggestion}'?"
                if suggestion
                else f"Its parts are: {', '.join(whole.parts)}."
            )
            raise ExpressionError(f"{subject} has no part '{self.part}'. {hint}", self.part_offset)
        return whole.parts[self.part]

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        whole = self.target.evaluate(answers, today)
        return whole.get(self.part) if isinstance(whole, Mapping) else None


@dataclass(frozen=True)
class Not(ExprNode):
    operand: ExprNode

    def children(self) -> tuple[ExprNode, ...]:
        return (self.operand,)

    def check(self, env: Mapping[str, Type]) -> Type:
        _require_bool(self.operand, env, "'not' needs a condition that is true or false")
        return T.BOOL

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        return not _truthy(self.operand.evaluate(answers, today))


@dataclass(frozen=True)
class Negate(ExprNode):
    operand: ExprNode

    def children(self) -> tuple[ExprNode, ...]:
        return (self.operand,)

    def check(self, env: Mapping[str, Type]) -> Type:
        operand = self.operand.check(env)
        if operand.kind not in (Kind.NUMBER, Kind.DURATION):
            raise ExpressionError(
                f"a minus sign needs a number or a length of time, but "
                f"{_subject(self.operand)} is {operand.describe()}",
                self.operand.offset,
            )
        return operand

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        value = self.operand.evaluate(answers, today)
        return -value if _is_number(value) or isinstance(value, Duration) else None


@dataclass(frozen=True)
class Logical(ExprNode):
    """``and`` / ``or`` over two or more operands; kept flat so long chains stay shallow."""

    op: str
    operands: tuple[ExprNode, ...]

    def children(self) -> tuple[ExprNode, ...]:
        return self.operands

    def check(self, env: Mapping[str, Type]) -> Type:
        for operand in self.operands:
            _require_bool(operand, env, f"'{self.op}' joins conditions that are true or false")
        return T.BOOL

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        values = (_truthy(operand.evaluate(answers, today)) for operand in self.operands)
        return all(values) if self.op == "and" else any(values)


@dataclass(frozen=True)
class Arithmetic(ExprNode):
    """``+`` and ``-`` on numbers, and on dates with lengths of time (``today - 18y``)."""

    op: str
    left: ExprNode
    right: ExprNode

    def children(self) -> tuple[ExprNode, ...]:
        return (self.left, self.right)

    def check(self, env: Mapping[str, Type]) -> Type:
        left, right = self.left.check(env).kind, self.right.check(env).kind
        if left is right and left in (Kind.NUMBER, Kind.DURATION):
            return Type(left)
        if left is Kind.DATE and right is Kind.DURATION:
            return T.DATE
        if self.op == "+" and left is Kind.DURATION and right is Kind.DATE:
            return T.DATE
        if self.op == "+":
            message = f"cannot add {right.value} to {left.value}"
        else:
            message = f"cannot subtract {right.value} from {left.value}"
        if left is Kind.DATE and right is Kind.DATE:
            message += "; to compare two dates use < or >, or days_since()"
        elif Kind.DATE in (left, right) and Kind.NUMBER in (left, right):
            message += "; give a unit, like today - 18y or crime_date + 28d"
        raise ExpressionError(message, self.offset)

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        left = self.left.evaluate(answers, today)
        right = self.right.evaluate(answers, today)
        if isinstance(right, Duration) and self.op == "-":
            right = -right
        try:
            if _is_number(left) and _is_number(right):
                left, right = _same_number_kind(left, right)
                return left + right if self.op == "+" else left - right
            if isinstance(left, Duration) and isinstance(right, Duration):
                return left + right
            if isinstance(right, Duration) and isinstance(left, datetime.date):
                return right.after(_as_date(left))
            if isinstance(left, Duration) and isinstance(right, datetime.date) and self.op == "+":
                return left.after(_as_date(right))
        except ArithmeticError:
            pass
        return None


@dataclass(frozen=True)
class Compare(ExprNode):
    """``== != < <= > >= in`` and ``not in``; never chained, since ``a < b < c`` misleads."""

    op: str
    left: ExprNode
    right: ExprNode

    def children(self) -> tuple[ExprNode, ...]:
        return (self.left, self.right)

    def check(self, env: Mapping[str, Type]) -> Type:
        left, right = self.left.check(env), self.right.check(env)
        if self.op in ("in", "not in"):
            self._check_in(left, right)
        elif self.op in ("==", "!="):
            if Kind.NONE not in (left.kind, right.kind):
                if left.kind is not right.kind or left.kind in _UNEQUAL:
                    raise self._incompatible(left, right)
                _check_options(self.right, left, self.left)
                _check_options(self.left, right, self.right)
        elif left.kind is right.kind and left.kind in (Kind.NUMBER, Kind.DATE):
            pass
        elif left.kind is right.kind or Kind.NONE in (left.kind, right.kind):
            kind = Kind.NONE if Kind.NONE in (left.kind, right.kind) else left.kind
            raise ExpressionError(
                f"cannot use '{self.op}' with {_PLURALS.get(kind, kind.value)}: "
                f"only numbers and dates can be compared with '{self.op}'",
                self.offset,
            )
        else:
            raise self._incompatible(left, right)
        return T.BOOL

    def _check_in(self, left: Type, right: Type) -> None:
        if right.kind is not Kind.LIST:
            raise ExpressionError(
                f"'{self.op}' needs a list on its right, like ['a', 'b'], but "
                f"{_subject(self.right)} is {right.describe()}",
                self.right.offset,
            )
        element = right.element
        if left.kind is not Kind.NONE and element is not None and left.kind is not element.kind:
            where = _subject(self.right) if _dotted_name(self.right) else "the list"
            raise ExpressionError(
                f"cannot compare {left.describe()} with the values of {where}, "
                f"which are {_PLURALS.get(element.kind, element.kind.value)}",
                self.offset,
            )
        _check_options(self.left, right, self.right)
        _check_options(self.right, left, self.left)

    def _incompatible(self, left: Type, right: Type) -> ExpressionError:
        message = f"cannot compare {left.describe()} with {right.describe()}"
        kinds = (left.kind, right.kind)
        if Kind.DATE in kinds and Kind.NUMBER in kinds:
            message += "; for someone's age write age(date_of_birth)"
        elif Kind.DATE in kinds and Kind.DURATION in kinds:
            message += "; for a date that long ago write today - 18y"
        return ExpressionError(message, self.offset)

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        left = self.left.evaluate(answers, today)
        right = self.right.evaluate(answers, today)
        if self.op in ("==", "!="):
            return _equal(left, right) == (self.op == "==")
        if self.op in ("in", "not in"):
            found = isinstance(right, list | tuple | frozenset | set) and any(
                _equal(left, item) for item in right
            )
            return found == (self.op == "in")
        return _ordered(self.op, left, right)


_UNEQUAL = (Kind.MAPPING, Kind.REPEAT, Kind.DURATION)
_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

# name: (fewest arguments, most arguments, how it is written)
_FUNCTIONS: dict[str, tuple[int, int, str]] = {
    "age": (1, 1, "age(date_of_birth)"),
    "years_since": (1, 1, "years_since(marriage_date)"),
    "days_since": (1, 1, "days_since(crime_date)"),
    "answered": (1, 1, "answered(phone_number)"),
    "count": (1, 2, "count(visitors) or count(visitors, age(visitor_dob) >= 18)"),
    "any": (2, 2, "any(visitors, age(visitor_dob) < 18)"),
    "all": (2, 2, "all(visitors, age(visitor_dob) >= 18)"),
    "includes": (2, 2, "includes(benefits, 'universal-credit')"),
    "len": (1, 1, "len(reason)"),
}


@dataclass(frozen=True)
class Call(ExprNode):
    """A function call; the function is checked when the form loads, not when parsed, so the
    loader can report every problem of a definition with the questions in view."""

    function: str
    args: tuple[ExprNode, ...]

    def children(self) -> tuple[ExprNode, ...]:
        return self.args

    def check(self, env: Mapping[str, Type]) -> Type:
        fn, args = self.function, self.args
        if fn not in _FUNCTIONS:
            suggestion = _suggest(fn, _FUNCTIONS)
            hint = (
                f"Did you mean '{suggestion}'?"
                if suggestion
                else f"The functions are: {', '.join(_FUNCTIONS)}."
            )
            raise ExpressionError(f"Unknown function '{fn}'. {hint}", self.offset)
        fewest, most, usage = _FUNCTIONS[fn]
        if not fewest <= len(args) <= most:
            needs = f"{fewest} or {most}" if fewest != most else str(most)
            plural = "" if needs == "1" else "s"
            raise ExpressionError(
                f"{fn}() needs {needs} argument{plural}, but was given "
                f"{len(args)}. Write it like {usage}",
                self.offset,
            )
        if fn in ("age", "years_since", "days_since"):
            _require(fn, args[0], env, (Kind.DATE,), "a date question")
            return T.NUMBER
        if fn == "len":
            _require(fn, args[0], env, (Kind.TEXT, Kind.LIST), "text")
            return T.NUMBER
        if fn == "answered":
            if _dotted_name(args[0]) is None:
                raise ExpressionError(
                    f"answered() needs a question id, like {usage}", args[0].offset
                )
            args[0].check(env)
            return T.BOOL
        if fn == "includes":
            checkboxes = _require(fn, args[0], env, (Kind.LIST,), "a checkboxes question")
            _require(fn, args[1], env, (Kind.TEXT,), "the text of an option")
            _check_options(args[1], checkboxes, args[0])
            return T.BOOL
        repeat = _require(fn, args[0], env, (Kind.REPEAT,), "a repeating group")
        if len(args) == 2:
            _require_bool(
                args[1],
                _Layered(repeat.item, env),
                f"the condition in {fn}() must be true or false",
            )
        return T.NUMBER if fn == "count" else T.BOOL

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        fn = self.function
        value = self.args[0].evaluate(answers, today)
        if fn == "answered":
            return _has_answer(value)
        if fn in ("count", "any", "all"):
            return self._over_items(value, answers, today)
        if value is None:
            return None
        if fn in ("age", "years_since", "days_since"):
            if not isinstance(value, datetime.date):
                return None
            born = _as_date(value)
            if fn == "days_since":
                return (today - born).days
            return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if fn == "len":
            return len(value) if isinstance(value, str | list) else None
        wanted = self.args[1].evaluate(answers, today)  # includes
        return isinstance(value, list) and any(_equal(wanted, chosen) for chosen in value)

    def _over_items(self, items: Any, answers: Answers, today: datetime.date) -> Any:
        fn = self.function
        if not isinstance(items, list):
            return 0 if fn == "count" else None
        if len(self.args) == 1:
            return len(items)
        condition = self.args[1]
        results = [
            _truthy(
                condition.evaluate(
                    _Layered(item if isinstance(item, Mapping) else {}, answers), today
                )
            )
            for item in items
        ]
        if fn == "count":
            return sum(results)
        return any(results) if fn == "any" else all(results)


# -- checking helpers ----------------------------------------------------------------------


def _dotted_name(node: ExprNode) -> str | None:
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Part):
        base = _dotted_name(node.target)
        return f"{base}.{node.part}" if base else None
    return None


def _subject(node: ExprNode) -> str:
    """How a message names an operand: by its question id when it has one."""
    dotted = _dotted_name(node)
    return f"'{dotted}'" if dotted else "this"


def _require(
    fn: str, arg: ExprNode, env: Mapping[str, Type], kinds: tuple[Kind, ...], what: str
) -> Type:
    found = arg.check(env)
    if found.kind not in kinds:
        raise ExpressionError(
            f"{fn}() needs {what}, but {_subject(arg)} is {found.describe()}", arg.offset
        )
    return found


def _require_bool(node: ExprNode, env: Mapping[str, Type], needs: str) -> None:
    found = node.check(env)
    if found.kind is not Kind.BOOL:
        raise ExpressionError(f"{needs}, but {_subject(node)} is {found.describe()}", node.offset)


def _check_options(literals: ExprNode, typ: Type, owner: ExprNode) -> None:
    """Text literals compared with a radios or checkboxes answer must be among its options."""
    if typ.options is None:
        return
    values = literals.items if isinstance(literals, ListLiteral) else (literals,)
    for value in values:
        if not isinstance(value, Literal) or not isinstance(value.value, str):
            continue
        if value.value in typ.options:
            continue
        of = f"an option of {_subject(owner)}" if _dotted_name(owner) else "one of the options"
        suggestion = _suggest(value.value, typ.options)
        if suggestion:
            hint = f"Did you mean '{suggestion}'?"
        else:
            hint = "The options are: " + ", ".join(f"'{o}'" for o in sorted(typ.options)) + "."
        raise ExpressionError(f"'{value.value}' is not {of}. {hint}", value.offset)


def _suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The most likely intended spelling: close spelling, the same initials (``dob`` for
    ``date_of_birth``), or a name that contains the word."""
    choices = sorted(set(candidates))
    lower = word.lower()
    for choice in choices:
        if choice.lower() == lower:
            return choice
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return close[0]
    for choice in choices:
        words = [w for w in choice.lower().replace("-", "_").split("_") if w]
        if len(words) > 1 and "".join(w[0] for w in words) == lower:
            return choice
    if len(lower) >= 3:
        containing = [c for c in choices if lower in c.lower()]
        if containing:
            return min(containing, key=lambda c: (len(c), c))
    return None


# -- evaluation helpers ---------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    return False if value is None else bool(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _same_number_kind(left: Any, right: Any) -> tuple[Any, Any]:
    """Decimal and float do not mix in arithmetic; money is Decimal, so float gives way."""
    if isinstance(left, Decimal) and isinstance(right, float):
        return left, Decimal(str(right))
    if isinstance(left, float) and isinstance(right, Decimal):
        return Decimal(str(left)), right
    return left, right


def _as_date(value: datetime.date) -> datetime.date:
    """A datetime is a date, but comparing one with a date raises; keep the day only."""
    return value.date() if isinstance(value, datetime.datetime) else value


def _equal(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):  # True == 1 in Python, not here
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, datetime.date) and isinstance(right, datetime.date):
        return _as_date(left) == _as_date(right)
    try:
        return bool(left == right)
    except ArithmeticError:
        return False


def _ordered(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, datetime.date) and isinstance(right, datetime.date):
        left, right = _as_date(left), _as_date(right)
    elif not (_is_number(left) and _is_number(right)):
        return False  # none, or a type the checker would have refused
    try:
        return _ORDERINGS[op](left, right)
    except ArithmeticError:
        return False


def _has_answer(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return bool(value)
    if isinstance(value, Mapping):
        return any(_has_answer(part) for part in value.values())
    return True


# -- parser --------------------------------------------------------------------------------


_N = TypeVar("_N", bound=ExprNode)


class _Parser:
    """Recursive descent, one method per precedence level, lowest first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.pos = 0
        self.open: list[_Token] = []  # brackets not closed yet, innermost last

    def parse(self) -> ExprNode:
        if self.peek().kind == "end":
            raise ExpressionError("The expression is empty.", 0)
        node = self.parse_or()
        token = self.peek()
        if token.kind == "end":
            return node
        if token.text in (")", "]"):
            raise ExpressionError(
                f"This '{token.text}' has no matching opening bracket.", token.offset
            )
        if token.kind == "name" and token.text.lower() in _KEYWORDS:
            raise ExpressionError(
                f"Unexpected '{token.text}'. Did you mean '{token.text.lower()}'?", token.offset
            )
        raise ExpressionError(
            f"Unexpected '{token.text}' after a complete expression. Join "
            "conditions with 'and' or 'or'.",
            token.offset,
        )

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def take(self) -> _Token:
        token = self.peek()
        self.pos += token.kind != "end"
        return token

    def at(self, kind: str, text: str) -> bool:
        token = self.peek()
        return token.kind == kind and token.text == text

    def built(self, node: ExprNode, offset: int) -> ExprNode:
        if node.height > MAX_HEIGHT:
            raise ExpressionError(
                "This expression is too long or too deeply nested. Split it "
                "into simpler conditions.",
                offset,
            )
        return node

    def nested(self, token: _Token, parse: Callable[[], _N]) -> _N:
        self.open.append(token)
        if len(self.open) > MAX_NESTING:
            raise ExpressionError(
                "This expression is nested too deeply. Split it into simpler conditions.",
                token.offset,
            )
        node = parse()
        self.open.pop()
        return node

    def parse_or(self) -> ExprNode:
        return self.logical("or", self.parse_and)

    def parse_and(self) -> ExprNode:
        return self.logical("and", self.parse_not)

    def logical(self, op: str, operand: Callable[[], ExprNode]) -> ExprNode:
        operands = [operand()]
        while self.at("keyword", op):
            self.take()
            operands.append(operand())
        if len(operands) == 1:
            return operands[0]
        return self.built(Logical(operands[0].offset, op, tuple(operands)), operands[0].offset)

    def parse_not(self) -> ExprNode:
        if not self.at("keyword", "not"):
            return self.parse_comparison()
        token = self.take()
        operand = self.nested(token, self.parse_not)
        return self.built(Not(token.offset, operand), token.offset)

    def comparison_op(self) -> str | None:
        token = self.peek()
        if token.kind == "op" and token.text in _COMPARISONS:
            return token.text
        if token.kind == "keyword" and token.text == "in":
            return "in"
        if token.kind == "keyword" and token.text == "not" and self.peek(1).text == "in":
            return "not in"
        return None

    def parse_comparison(self) -> ExprNode:
        left = self.parse_additive()
        op = self.comparison_op()
        if op is None:
            return left
        token = self.take()
        if op == "not in":
            self.take()
        right = self.parse_additive()
        if self.comparison_op() is not None:
            raise ExpressionError(
                "Comparisons cannot be chained: write a < b and b < c.", self.peek().offset
            )
        return self.built(Compare(left.offset, op, left, right), token.offset)

    def parse_additive(self) -> ExprNode:
        node = self.parse_unary()
        while self.at("op", "+") or self.at("op", "-"):
            token = self.take()
            right = self.parse_unary()
            node = self.built(Arithmetic(node.offset, token.text, node, right), token.offset)
        return node

    def parse_unary(self) -> ExprNode:
        if not self.at("op", "-"):
            return self.parse_postfix()
        token = self.take()
        operand = self.nested(token, self.parse_unary)
        return self.built(Negate(token.offset, operand), token.offset)

    def parse_postfix(self) -> ExprNode:
        node = self.parse_primary()
        while self.at("op", "."):
            self.take()
            name = self.peek()
            if name.kind != "name":
                raise ExpressionError(
                    "Expected the name of a part after '.', like home_address.postcode.",
                    name.offset,
                )
            self.take()
            node = self.built(Part(node.offset, node, name.text, name.offset), name.offset)
        return node

    def parse_primary(self) -> ExprNode:
        token = self.take()
        if token.kind in ("number", "string", "duration"):
            return Literal(token.offset, token.value)
        if token.kind == "keyword" and token.text in _CONSTANTS:
            return Literal(token.offset, _CONSTANTS[token.text])
        if token.kind == "keyword" and token.text == "today":
            return Today(token.offset)
        if token.kind == "name" and self.at("op", "("):
            opening = self.take()
            args = self.nested(opening, lambda: self.sequence(opening, ")"))
            return self.built(Call(token.offset, token.text, args.items), token.offset)
        if token.kind == "name":
            return Name(token.offset, token.text)
        if token.text == "(" and token.kind == "op":
            return self.nested(token, lambda: self.parenthesised(token))
        if token.text == "[" and token.kind == "op":
            items = self.nested(token, lambda: self.sequence(token, "]"))
            return self.built(items, token.offset)
        raise self.missing_value(token)

    def parenthesised(self, opening: _Token) -> ExprNode:
        inner = self.parse_or()
        self.close(opening, ")", "')'")
        return inner

    def sequence(self, opening: _Token, closing: str) -> ListLiteral:
        """Comma-separated values up to ``closing``: call arguments or list items."""
        items: list[ExprNode] = []
        while not self.at("op", closing):
            items.append(self.parse_or())
            if not self.at("op", ","):
                break
            self.take()
        self.close(opening, closing, f"'{closing}'" if not items else f"',' or '{closing}'")
        return ListLiteral(opening.offset, tuple(items))

    def close(self, opening: _Token, closing: str, expected: str) -> None:
        token = self.peek()
        if token.kind == "op" and token.text == closing:
            self.take()
            return
        if token.kind == "end":
            raise self.unclosed(opening)
        raise ExpressionError(f"Unexpected '{token.text}': expected {expected}.", token.offset)

    def unclosed(self, opening: _Token) -> ExpressionError:
        closing = ")" if opening.text == "(" else "]"
        return ExpressionError(
            f"This '{opening.text}' is never closed: add a '{closing}'.", opening.offset
        )

    def missing_value(self, token: _Token) -> ExpressionError:
        if token.kind == "end":
            brackets = [t for t in self.open if t.text in ("(", "[")]
            if brackets:
                return self.unclosed(brackets[-1])
            return ExpressionError(
                "The expression stops too early: a value is missing at the end.", token.offset
            )
        return ExpressionError(
            f"Unexpected '{token.text}': expected a value, like a question id, 'text' or a number.",
            token.offset,
        )


_CONSTANTS: dict[str, bool | None] = {"true": True, "false": False, "none": None}


# -- public entry points ---------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A parsed expression: check it once when the form loads, evaluate it on every request."""

    source: str
    root: ExprNode
    # Where the expression's YAML value starts in its file (0: not from a file), so the
    # checker's proofs can point at it; not part of what the expression means.
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)

    def names(self) -> frozenset[str]:
        """Every question id the expression reads, including those of repeat items."""
        found: set[str] = set()
        stack: list[ExprNode] = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, Name):
                found.add(node.name)
            stack.extend(node.children())
        return frozenset(found)

    def check(self, env: Mapping[str, Type]) -> Type:
        """The type of the expression given the types of the questions it may use."""
        return self.root.check(env)

    def check_condition(self, env: Mapping[str, Type]) -> Type:
        """As ``check``, and the expression must be true or false (``when:``, ``check:``)."""
        found = self.check(env)
        if found.kind is not Kind.BOOL:
            raise ExpressionError(
                f"a condition must be true or false, but this is {found.describe()}",
                self.root.offset,
            )
        return found

    def evaluate(self, answers: Answers, today: datetime.date) -> Any:
        """The value for these answers; missing answers are none and never raise."""
        return self.root.evaluate(answers, _as_date(today))

    def evaluate_condition(self, answers: Answers, today: datetime.date) -> bool:
        """True or false for these answers; none counts as false."""
        return _truthy(self.evaluate(answers, today))


def parse(source: str) -> Expression:
    """Parse ``source`` or raise ExpressionError saying what is wrong and where."""
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(
            f"This expression is longer than {MAX_SOURCE_LENGTH} characters. "
            "Split it into simpler conditions.",
            0,
        )
    return Expression(source, _Parser(source).parse())

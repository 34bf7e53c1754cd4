"""What kind of value each answer is in conditions: the static types of the expression language.

Each question type says which of these its answer is (``expression_type``), so the loader can
check a condition such as ``age(date_of_birth) >= 18`` against the questions before any
citizen sees the form. The expression language (forms_service.definitions.expressions)
reasons in these types; they live here so that question types need nothing from definitions.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

__all__ = ["Kind", "T", "Type"]


class Kind(enum.Enum):
    """What sort of value an expression produces; the static checker reasons only in kinds."""

    TEXT = "text"
    NUMBER = "a number"
    DATE = "a date"
    BOOL = "a true/false value"
    DURATION = "a length of time"
    NONE = "none"
    LIST = "a list"
    MAPPING = "a group of parts"
    REPEAT = "a repeating group"


@dataclass(frozen=True)
class Type:
    """The static type of a question's answer or of a part of an expression.

    ``options`` (TEXT and LIST) are the allowed values, so a misspelt option in a condition is
    caught at load time. ``parts`` describe a MAPPING, ``item`` the questions of one REPEAT
    item, and ``element`` the type of a LIST's values.
    """

    kind: Kind
    options: frozenset[str] | None = None
    parts: Mapping[str, Type] = field(default_factory=dict, hash=False)
    item: Mapping[str, Type] = field(default_factory=dict, hash=False)
    element: Type | None = None

    def describe(self) -> str:
        """The type as it reads in an error message: "text", "a number", "a date"..."""
        return self.kind.value


class T:
    """Short names for the types, for the loader (``T.text(options=...)``) and for tests."""

    TEXT: ClassVar[Type] = Type(Kind.TEXT)
    NUMBER: ClassVar[Type] = Type(Kind.NUMBER)
    DATE: ClassVar[Type] = Type(Kind.DATE)
    BOOL: ClassVar[Type] = Type(Kind.BOOL)
    DURATION: ClassVar[Type] = Type(Kind.DURATION)
    NONE: ClassVar[Type] = Type(Kind.NONE)
    LIST: ClassVar[Type] = Type(Kind.LIST, element=Type(Kind.TEXT))

    @staticmethod
    def text(options: Iterable[str] | None = None) -> Type:
        """Text; with ``options`` (radios, select) only those values can be compared with it."""
        return Type(Kind.TEXT, None if options is None else frozenset(options))

    @staticmethod
    def list(options: Iterable[str] | None = None) -> Type:
        """A list of text values (checkboxes), optionally limited to ``options``."""
        return Type(Kind.LIST, None if options is None else frozenset(options), element=T.TEXT)

    @staticmethod
    def mapping(parts: Mapping[str, Type]) -> Type:
        """An answer with named parts read with a dot (address, name)."""
        return Type(Kind.MAPPING, parts=MappingProxyType(dict(parts)))

    @staticmethod
    def repeat(item: Mapping[str, Type]) -> Type:
        """A repeating group; ``item`` holds the types of the questions asked for each item."""
        return Type(Kind.REPEAT, item=MappingProxyType(dict(item)))

"""Safe YAML reading that remembers where every value came from.

Authors are told about mistakes by file, line and column, so the loader works on a tree of
`YamlNode`s rather than on plain Python values. Only PyYAML's composer (which builds nodes and
never constructs arbitrary objects) and SafeConstructor's scalar resolution are used.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass
class YamlNode:
    """One YAML value with its position (1-based line and column)."""

    value: Any  # scalar value, dict[str, YamlNode] for mappings, list[YamlNode] for sequences
    line: int = 0
    col: int = 0
    # Where the *key* holding this value is, so an unknown key can be pointed at precisely.
    key_line: int = 0
    key_col: int = 0
    style: str | None = None  # scalar style ('' plain, "'" or '"' quoted, '|' or '>' block)
    kind: str = "scalar"  # scalar, map or seq
    # For mappings: keys that appeared twice, with the position of the repeat.
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def is_map(self) -> bool:
        return self.kind == "map"

    @property
    def is_seq(self) -> bool:
        return self.kind == "seq"

    def get(self, key: str) -> YamlNode | None:
        return self.value.get(key) if self.is_map else None

    def plain(self) -> Any:
        """The value as plain JSON-compatible data (used for definition snapshots)."""
        if self.kind == "map":
            return {k: v.plain() for k, v in self.value.items()}
        if self.kind == "seq":
            return [v.plain() for v in self.value]
        if isinstance(self.value, datetime.date):
            return self.value.isoformat()
        return self.value


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


_constructor = yaml.constructor.SafeConstructor()
# libyaml's parser is about 10x faster and gives the same node marks; fall back if absent.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> YamlNode:
    """Parse one YAML document into a YamlNode tree; raise YamlSyntaxError with a position."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        # Errors are rare: re-read with the pure-Python parser, whose messages are clearer.
        root = _compose_slowly(text)
    except RecursionError:
        raise YamlSyntaxError(_TOO_DEEP, 1, 1) from None
    if root is None:
        return YamlNode(value=None, line=1, col=1)
    try:
        return _Converter().convert(root)
    except RecursionError:
        raise YamlSyntaxError(_TOO_DEEP, 1, 1) from None


def _compose_slowly(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlSyntaxError(_explain_syntax(problem), line, col) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        raise YamlSyntaxError(str(exc), 1, 1) from None


def _explain_syntax(problem: str) -> str:
    hints = {
        "mapping values are not allowed here": (
            "a value contains ': ' — put the whole value in quotes"
        ),
        "found character '\\t' that cannot start any token": (
            "a tab character — indent with spaces only"
        ),
        "could not find expected ':'": "a line is missing the ':' after its key",
        "while parsing a flow mapping": (
            "inside { }, a value containing '?', ':', ',', '#' or braces must be in quotes, "
            'like label: "Was it reported?"'
        ),
    }
    for needle, hint in hints.items():
        if needle in problem:
            return f"YAML syntax error: {problem}. Likely cause: {hint}."
    return f"YAML syntax error: {problem}. Check the indentation and quoting on this line."


# A definition is a few thousand values; aliases (*name) repeat an anchored value, and a few
# nested ones can stand for billions ("billion laughs"). Reading stops well before that.
MAX_VALUES = 50_000  # the largest form here has about 1,600
_TOO_DEEP = "The file is nested too deeply to be a form definition. Check the indentation."
_STANDARD_TAGS = {
    yaml.MappingNode: "tag:yaml.org,2002:map",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
}


class _Converter:
    """Turns PyYAML's node graph into YamlNodes, refusing what no definition needs: an
    alias inside the value it names (endless), too many values (an alias bomb), and tags
    other than YAML's own (like !!python/object)."""

    def __init__(self) -> None:
        self.values = 0
        self.open: set[int] = set()  # the nodes being converted: an alias to one is a loop

    def convert(self, node: yaml.Node) -> YamlNode:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.values += 1
        if self.values > MAX_VALUES:
            raise YamlSyntaxError(
                f"The file holds more than {MAX_VALUES:,} values once its aliases (*name) are "
                "expanded. Repeat less through aliases, or split the form.",
                line,
                col,
            )
        if id(node) in self.open:
            raise YamlSyntaxError(
                "An alias (*name) here refers to the value it is inside, so it never ends. "
                "Refer only to a value defined before and outside it.",
                line,
                col,
            )
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            if node.tag != _STANDARD_TAGS[type(node)]:
                raise YamlSyntaxError(_unknown_tag(node.tag), line, col)
            self.open.add(id(node))
            try:
                return self._collection(node, line, col)
            finally:
                self.open.discard(id(node))
        try:
            value = _constructor.construct_object(node)
        except yaml.constructor.ConstructorError:
            raise YamlSyntaxError(_unknown_tag(node.tag), line, col) from None
        return YamlNode(value=value, line=line, col=col, style=node.style or "")

    def _collection(self, node: yaml.Node, line: int, col: int) -> YamlNode:
        if isinstance(node, yaml.SequenceNode):
            return YamlNode(
                value=[self.convert(v) for v in node.value], line=line, col=col, kind="seq"
            )
        try:
            _constructor.flatten_mapping(node)  # resolves YAML merge keys (<<)
        except yaml.constructor.ConstructorError as exc:
            mark = exc.problem_mark or node.start_mark
            raise YamlSyntaxError(
                f"A merge key (<<) must name a mapping or a list of mappings ({exc.problem}).",
                mark.line + 1,
                mark.column + 1,
            ) from None
        items: dict[str, YamlNode] = {}
        out = YamlNode(value=items, line=line, col=col, kind="map")
        for key_node, value_node in node.value:
            key = self._key(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            key = str(key) if key is not None and not isinstance(key, str) else key
            child = self.convert(value_node)
            child.key_line = key_node.start_mark.line + 1
            child.key_col = key_node.start_mark.column + 1
            if key is None:
                key = f"<unsupported key at line {child.key_line}>"
            if key in items:
                out.duplicates.append((key, child.key_line, child.key_col))
            items[key] = child
        return out

    def _key(self, node: yaml.ScalarNode) -> Any:
        try:
            return _constructor.construct_object(node)
        except yaml.constructor.ConstructorError:
            mark = node.start_mark
            raise YamlSyntaxError(_unknown_tag(node.tag), mark.line + 1, mark.column + 1) from None


def _unknown_tag(tag: str) -> str:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return (
        f"The tag {shown} is not allowed: a form definition holds only text, numbers, "
        "true/false, dates, lists and mappings. Remove the tag."
    )


def from_plain(data: Any) -> YamlNode:
    """Wrap already-parsed data (a stored snapshot) as Nodes without positions."""
    if isinstance(data, dict):
        return YamlNode(value={str(k): from_plain(v) for k, v in data.items()}, kind="map")
    if isinstance(data, list):
        return YamlNode(value=[from_plain(v) for v in data], kind="seq")
    return YamlNode(value=data, style="")

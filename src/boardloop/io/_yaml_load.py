"""Load YAML text into the reader's values, keeping the line of every key and item.

PyYAML composes the text into nodes: libyaml's C composer when PyYAML was built
with it, else PyYAML's pure-Python composer. The values are then built here
from each node's text and never by PyYAML's constructor, which follows YAML 1.1
(`yes` as a boolean, `010` as octal, `1:30` as a base-60 number). How plain
scalars are typed is described in `boardloop.io._yaml_values`.

An explicit tag (`!!str 010`, `!!int "12"`, `!!bool`, `!!float`, `!!null`,
`!!timestamp`, `!!binary`, `!!set`, `!!omap`) is honoured, and a value that
does not fit its tag raises `ReadError` on its line. Other tags, such as
`!custom`, are ignored: the value is read as if untagged, with a scalar as text.
The merge key `<<` copies the keys of the anchored mapping or mappings that the
mapping does not set itself, each with the line where the anchored mapping
writes it. A key written twice in one mapping raises `ReadError` on the second
line. Keys are compared as text, so `1` and `"1"` count as the same key. An
alias that refers to a node containing it also raises `ReadError`.

On the generated register of 1,000 initiatives (0.6 MB) this took 0.11 to
0.16 s, where ruamel.yaml's round-trip loader took about 3.5 s (2 cores, see
docs/benchmarks.md).
"""

from __future__ import annotations

import binascii
import contextlib
import gc
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from boardloop.io._summary import ReadError
from boardloop.io._yaml_values import (
    YamlList,
    YamlMap,
    as_plain,
    plain_scalar,
    tagged_scalar,
)

__all__ = ["load_yaml"]


# --- composing ----------------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_STR_TAG, _SEQ_TAG, _MAP_TAG = f"{_TAG}str", f"{_TAG}seq", f"{_TAG}map"
_MERGE_TAG = f"{_TAG}merge"

# The tag given to plain (unquoted, untagged) scalars, which this module types
# itself. YAML names the non-specific tag of plain scalars "?".
_PLAIN_TAG = "?"


class _PlainResolver(BaseResolver):
    """Leave plain scalars untyped, so no YAML 1.1 rule is applied to them."""

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN_TAG if implicit[0] else _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG


class _PythonComposer(Reader, Scanner, Parser, Composer, _PlainResolver):
    """PyYAML's pure-Python composer, used when PyYAML has no libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _PlainResolver.__init__(self)


_Composer: type[Any] = _PythonComposer
if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _LibyamlComposer(CParser, _PlainResolver):
        """libyaml's composer, with plain scalars left untyped."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _PlainResolver.__init__(self)

    _Composer = _LibyamlComposer


def load_yaml(text: str, path: str) -> Any:
    """Parse YAML text into values with line numbers; bad YAML raises `ReadError`."""
    with _gc_paused():
        node = _compose(text, path)
        return None if node is None else _Builder(path).value(node)


def _compose(text: str, path: str) -> Node | None:
    """Compose the single document of `text`; bad YAML raises `ReadError`."""
    composer = _Composer(text)
    try:
        node: Node | None = composer.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ReadError(
            path,
            line,
            f"invalid YAML: {_problem(error)}",
            "fix the syntax on that line",
        ) from error
    except yaml.YAMLError as error:
        raise ReadError(path, None, f"invalid YAML: {error}") from error
    finally:
        composer.dispose()
    return node


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small objects are built.

    Composing a 0.6 MB register allocates about 100,000 nodes and marks, and
    the collections they trigger walk every object alive: with the collector
    running, composing took 4 to 10 times longer. Neither the nodes nor the
    values form reference cycles, so reference counting frees them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _problem(error: yaml.MarkedYAMLError) -> str:
    """Describe a YAML error, with where the enclosing block or flow started."""
    problem = error.problem or error.context or "invalid YAML"
    if not (error.problem and error.context):
        return problem
    if problem.startswith("but "):  # "expected a single document, but found ..."
        return f"{error.context}, {problem}"
    if error.context_mark is None:
        return f"{problem} ({error.context})"
    return f"{problem} ({error.context} on line {error.context_mark.line + 1})"


# --- building values ----------------------------------------------------------


class _Builder:
    """Turn a composed node tree into YamlMap, YamlList and scalar values."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.built: dict[int, Any] = {}  # id(node) -> value, so aliases share it
        self.building: set[int] = set()

    def value(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        key = id(node)
        if key in self.built:
            return self.built[key]
        if key in self.building:
            raise self.error(
                node, "an alias refers to a node that contains it", "remove the alias"
            )
        self.building.add(key)
        try:
            if isinstance(node, SequenceNode):
                value: Any = self.sequence(node)
            elif isinstance(node, MappingNode):
                value = self.mapping(node)
            else:
                raise TypeError(f"unknown YAML node {node!r}")
        finally:
            self.building.discard(key)
        self.built[key] = value
        return value

    def error(self, node: Node, problem: str, hint: str) -> ReadError:
        return ReadError(
            self.path, node.start_mark.line + 1, f"invalid YAML: {problem}", hint
        )

    def sequence(self, node: SequenceNode) -> Any:
        items = YamlList()
        for child in node.value:
            items.append(self.value(child))
            items.item_lines.append(child.start_mark.line + 1)
        if node.tag == f"{_TAG}omap":
            return self.omap(node, items)
        return items

    def omap(self, node: SequenceNode, items: YamlList) -> YamlMap:
        """Read `!!omap`, a list of one-key mappings, as one mapping."""
        result = YamlMap()
        for item, line in zip(items, items.item_lines, strict=True):
            if not isinstance(item, YamlMap) or len(item) != 1:
                raise self.error(
                    node, "!!omap expects a list of one-key mappings", "remove the tag"
                )
            ((key, value),) = item.items()
            self.add(result, key, value, line)
        return result

    def mapping(self, node: MappingNode) -> Any:
        result = YamlMap()
        merged: list[YamlMap] = []
        for key_node, value_node in node.value:
            if _is_merge_key(key_node):
                merged.extend(self.merge_sources(value_node))
                continue
            key = self.key(key_node)
            line = key_node.start_mark.line + 1
            self.add(result, key, self.value(value_node), line)
        for source in merged:
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    result.key_lines[key] = source.key_lines[key]
        if node.tag == f"{_TAG}set":
            return set(result)
        return result

    def add(self, result: YamlMap, key: str, value: Any, line: int) -> None:
        """Add a key to a mapping; a key written twice raises `ReadError`."""
        if key in result:
            raise ReadError(
                self.path,
                line,
                f'invalid YAML: found duplicate key "{key}" with value '
                f'"{_shown(value)}" (original value: "{_shown(result[key])}", line '
                f"{result.key_lines[key]})",
                "remove one of the two keys",
            )
        result[key] = value
        result.key_lines[key] = line

    def merge_sources(self, node: Node) -> list[YamlMap]:
        """Return the mappings a merge key `<<` refers to, first one first."""
        value = self.value(node)
        if isinstance(value, YamlMap):
            return [value]
        if not isinstance(value, YamlList) or not all(
            isinstance(source, YamlMap) for source in value
        ):
            raise self.error(
                node,
                "a merge key '<<' expects a mapping or a list of mappings",
                "write '<<: *anchor' where the anchor names a mapping",
            )
        return list(value)

    def key(self, node: Node) -> str:
        value = self.value(node)
        if isinstance(value, YamlList):
            return str(tuple(as_plain(value)))
        return str(as_plain(value))

    def scalar(self, node: ScalarNode) -> Any:
        text: str = node.value
        tag = node.tag
        if tag == _PLAIN_TAG:
            return plain_scalar(text)
        if tag == _STR_TAG or not tag.startswith(_TAG):
            return text
        try:
            return tagged_scalar(tag.removeprefix(_TAG), text)
        except (ValueError, KeyError, IndexError, binascii.Error) as error:
            raise self.error(
                node,
                f"'{text}' cannot be read as !!{tag.removeprefix(_TAG)}",
                "remove the tag or fix the value",
            ) from error


def _is_merge_key(node: Node) -> bool:
    if not isinstance(node, ScalarNode):
        return False
    return node.tag == _MERGE_TAG or (node.tag == _PLAIN_TAG and node.value == "<<")


def _shown(value: Any) -> str:
    """Return a value as a duplicate-key message shows it."""
    return str(as_plain(value))

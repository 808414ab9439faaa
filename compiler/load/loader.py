"""Stage 1, load: read a source file safely into plain data, keeping its
text so that any later stage can point at the exact line and column.

Positions are needed only for the few places a problem is reported, so the
node tree is dropped after loading and composed again on the first
`Document.locate()`: a corpus of thousands of valid SOPs then holds their data,
not millions of nodes.

Only YAML's safe subset is accepted: no tags that build objects, no anchors or
aliases (they make one edit change many places, and a few lines of aliases can
expand into gigabytes). Duplicate keys, which YAML parsers silently collapse,
are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import yaml

from sopc.problems import Problem
from sopc.load.sources import LINE_BREAKS, MAX_BYTES, read_source

try:  # The C parser is several times faster; the pure-Python one is the fallback.
    from yaml import CSafeLoader as _BaseLoader
    _OFFSETS_IN_BYTES = True  # libyaml reads UTF-8: its error positions count bytes
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader
    _OFFSETS_IN_BYTES = False


class _Loader(_BaseLoader):
    """The safe loader, asking nothing of Python while it composes.

    The parser asks three methods about every node (its tag, and the path
    into and out of it), each a call into Python: about three calls per node
    of a corpus of millions. Here they are C callables that only keep their
    arguments: `slice` holds any three, so an untagged node's `tag` is
    `slice(kind, value, implicit)` and a written tag stays the text written.
    `_Builder` decides a plain scalar's tag from its text (`_implied_tag`)
    only when it reads the value, never for a key.
    """

    resolve = slice
    descend_resolver = slice
    ascend_resolver = tuple


_IMPLIED = yaml.resolver.Resolver()
assert not _IMPLIED.yaml_path_resolvers, "a tag implied by the text alone assumes no path resolvers"
_implied_tags: dict = {}


def _implied_tag(value: str) -> str:
    """The tag a plain scalar's text implies (is `yes` a bool, `12` an int?).

    The answer depends only on the text, and the same short texts (ids,
    `true`) recur all over a corpus, so short answers are kept. Prose needs
    no lookup: of the implied types only a timestamp may hold a space, and a
    timestamp starts with a digit.
    """
    if " " in value and not value[:1].isdigit():
        return _STR
    tag = _implied_tags.get(value)
    if tag is None:
        tag = _IMPLIED.resolve(_SCALAR_NODE, value, (True, False))
        if len(value) <= 40:
            if len(_implied_tags) > 200_000:
                _implied_tags.clear()
            _implied_tags[value] = tag
    return tag


def _tag(node) -> str:
    """A scalar's tag: the one written, else the one its text implies (a quoted or block scalar is text)."""
    tag = node.tag
    if tag.__class__ is not slice:
        return tag
    return _implied_tag(node.value) if tag.step[0] else _STR


# No SOP needs more than a dozen levels; a document nested thousands deep
# would exhaust the stack of the YAML composer (a crash, not an exception)
# or of every later stage.
MAX_DEPTH = 50
# Below this many flow and block indicators (`[`, `{`, `-`, `?`) a file
# cannot nest deeply enough to endanger the composer (indentation alone
# gives at most about 2,000 levels in MAX_BYTES), so only files with more
# are measured before composing.
DEPTH_SCAN_INDICATORS = 2000
MARKED_DEPTH = 2  # paths this short are located from marks kept while loading

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_COLLECTIONS = (_MAP, _SEQ)
_SCALAR_NODE, _MAPPING_NODE = yaml.ScalarNode, yaml.MappingNode
_SCALARS = yaml.constructor.SafeConstructor()
_CONVERT = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _SCALARS.construct_yaml_bool,
    "tag:yaml.org,2002:int": _SCALARS.construct_yaml_int,
    "tag:yaml.org,2002:float": _SCALARS.construct_yaml_float,
    # Dates stay text: the schema checks their form and JSON has no date type.
    "tag:yaml.org,2002:timestamp": lambda node: node.value,
}


class LoadError(Exception):
    """The file cannot be turned into data; carries the located problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message if problems else "load error")
        self.problems = problems


@dataclass(frozen=True)
class CutText:
    """A plain value followed on its line by ` #word`: YAML kept only the part before."""

    key: str  # the key the value stands under
    kept: str  # what YAML kept
    cut: str  # what it read as a comment, `#` included
    line: int  # 1-based, of the value
    col: int


@dataclass
class Document:
    """A loaded source file: its data and the text it came from."""

    path: str
    data: object  # None once `check.add_file` has built the model from it
    text: str = field(repr=False, default="")
    # Problems that still let the file be read (a duplicate key, an alias):
    # reported together with what the later stages find.
    problems: list[Problem] = field(default_factory=list)
    # (line, col) of the key and of the value at every path of one or two
    # parts (("sop",), ("steps", "call")): the places exports and most
    # reports point at, answered without composing the tree again.
    marks: dict = field(repr=False, default_factory=dict)
    # Plain text cut short by what YAML reads as a comment on the same line
    # (`do: Post it in #refunds and wait` is "Post it in"): see `CutText`.
    cut_texts: list = field(repr=False, default_factory=list)
    _root: yaml.Node | None = field(init=False, repr=False, default=None)

    @property
    def root(self) -> yaml.Node | None:
        """The node tree, composed again on first use (the text already parsed once)."""
        if self._root is None and self.text:
            self._root = yaml.compose(self.text, Loader=_Loader)
        return self._root

    def __getstate__(self):
        # Pickled into the check cache (`sopc.check.modelled`): libyaml's marks
        # cannot be pickled and the node tree is composed again when asked for.
        state = dict(self.__dict__, _root=None)
        state["marks"] = {path: tuple(map(_plain_mark, marks)) for path, marks in self.marks.items()}
        return state

    def locate(self, keys=(), *, key: bool = False) -> tuple[int, int]:
        """1-based (line, col) of the value at `keys`; of its key if `key`.

        A path that leaves the tree points at the deepest node it reaches, so
        a missing key is reported on the mapping that should hold it.
        """
        known = self.marks.get(tuple(keys))
        if known is not None:
            return _position(known[0] if key else known[1])
        node, key_node = self.root, None
        for part in keys:
            found = _child(node, part)
            if found is None:
                key_node = None
                break
            key_node, node = found
        target = key_node if key and key_node is not None else node
        if target is None:
            return (1, 1)
        return (target.start_mark.line + 1, target.start_mark.column + 1)


class _Spot(NamedTuple):
    """A mark as `locate` reads it (0-based, as libyaml counts)."""

    line: int
    column: int


def _plain_mark(mark) -> _Spot:
    return _Spot(mark.line, mark.column)


def _position(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _child(node, part):
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == part:
                return key_node, value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            item = node.value[part]
            return item, item
    return None


def load_file(path: str | Path, display: str | None = None) -> Document:
    """Load one file; raise LoadError with located problems if it is not usable data."""
    display = display or str(path)
    try:
        raw = read_source(path)
    except OSError as exc:
        raise LoadError([_problem(display, 1, 1, "SOP004", "unreadable-file", f"cannot read file: {exc.strerror or exc}")])
    return load_bytes(raw, display)


# What a file that cannot be loaded still says about itself, read from its
# lines: `sop: id` at the top level, or the keys of a top-level `procedures:`.
_SOP_LINE = re.compile(r"^sop:[ \t]*(['\"]?)([a-z][a-z0-9-]*)\1[ \t]*(?:#.*)?$")
_TOP_LEVEL = re.compile(r"^[^\s#]")
_PROCEDURE_LINE = re.compile(r"^([ \t]+)(['\"]?)([a-z][a-z0-9-]*)\2[ \t]*:")


def declared_ids(raw: bytes) -> list[str]:
    """The ids a file declares, from its lines alone: for a file that cannot be
    loaded, so that hand-offs to it are not reported as broken as well."""
    lines = LINE_BREAKS.split(raw[:MAX_BYTES].decode("utf-8", "replace"))
    found, indent, inside = [], None, False
    for line in lines:
        match = _SOP_LINE.match(line)
        if match:
            return [match.group(2)]
        if _TOP_LEVEL.match(line):
            inside, indent = line.split("#")[0].rstrip() == "procedures:", None
            continue
        match = _PROCEDURE_LINE.match(line) if inside else None
        if match and (indent is None or match.group(1) == indent):
            indent = match.group(1)
            found.append(match.group(3))
    return found


def load_bytes(raw: bytes, display: str) -> Document:
    text = _decode(raw, display)
    try:
        if sum(text.count(c) for c in "[{-?") > DEPTH_SCAN_INDICATORS:
            _refuse_deep_nesting(text, display)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "maximum nesting depth" in (exc.problem or ""):  # libyaml 0.2.6 and later stop at 1,000 levels
            raise LoadError([_too_deep(display, line, col)]) from None
        what = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and exc.context_mark and mark is exc.problem_mark:
            what += f" ({exc.context} on line {exc.context_mark.line + 1})"
        what += _syntax_fix(text, line, col, exc.problem or "")
        raise LoadError([_problem(display, line, col, "SOP001", "yaml-syntax", f"invalid YAML: {what}")])
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow; located by its offset
        offset = exc.position
        if _OFFSETS_IN_BYTES:
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        line, col = _line_col(text, offset)
        character = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise LoadError([_problem(display, line, col, "SOP001", "yaml-syntax",
                                  f"invalid YAML: character #x{character:04x} is not allowed: {exc.reason}")])
    except yaml.YAMLError as exc:
        raise LoadError([_problem(display, 1, 1, "SOP001", "yaml-syntax", f"invalid YAML: {exc}")])
    if root is None:
        raise LoadError([_problem(display, 1, 1, "SOP003", "not-a-mapping", "the file is empty; an SOP file starts with `sop:`, a procedures file with `procedures:`")])
    if not isinstance(root, yaml.MappingNode):
        line, col = root.start_mark.line + 1, root.start_mark.column + 1
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise LoadError([_problem(display, line, col, "SOP003", "not-a-mapping", f"the file holds {kind}; it must be a mapping starting with `sop:` or `procedures:`")])
    builder = _Builder(display, may_alias="&" in text, text=text if " #" in text else None)
    data = builder.build(root, path=())
    return Document(display, data, text, builder.problems, builder.marks, builder.cut_texts)


# `key: value` on one line, the value plain (not quoted, not a block or a collection).
_PLAIN_PAIR = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"{\[][^:]*?):\s+([^'\"{\[|>&*!#\s].*?)\s*$")


def _syntax_fix(text: str, line: int, col: int, problem: str) -> str:
    """What to do about the two syntax mistakes authors make most: a tab, a `: ` in plain text."""
    lines = LINE_BREAKS.split(text)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in source[:col] and ("token" in problem or "tab" in problem):
        return "; a tab cannot indent YAML: use spaces"
    if "mapping values are not allowed" in problem:
        pair = _PLAIN_PAIR.match(source)
        if pair:
            quoted = pair.group(3).replace("\\", "\\\\").replace('"', '\\"')
            return f"; a `: ` inside plain text starts a mapping: quote the text, `{pair.group(2)}: \"{quoted}\"`"
        return "; a `: ` inside plain text starts a mapping: quote the text"
    return ""


def _line_col(text: str, offset: int) -> tuple[int, int]:
    breaks = list(LINE_BREAKS.finditer(text, 0, offset))
    return len(breaks) + 1, offset - (breaks[-1].end() if breaks else 0) + 1


def _refuse_deep_nesting(text: str, display: str) -> None:
    """LoadError if collections nest deeper than MAX_DEPTH (the parser, unlike the composer, does not recurse)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise LoadError([_too_deep(display, mark.line + 1, mark.column + 1)])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _too_deep(display: str, line: int, col: int) -> Problem:
    return _problem(display, line, col, "SOP005", "unsupported-yaml",
                    f"lists and mappings nest more than {MAX_DEPTH} levels deep here; an SOP needs far fewer, "
                    "so a bracket or an indentation is probably wrong")


def _decode(raw: bytes, display: str) -> str:
    if len(raw) > MAX_BYTES:
        raise LoadError([_problem(display, 1, 1, "SOP004", "unreadable-file", f"the file is larger than {MAX_BYTES:,} bytes, the limit for SOP files; split it into several SOPs")])
    if b"\x00" in raw:
        raise LoadError([_problem(display, 1, 1, "SOP004", "unreadable-file", "the file is binary (it contains NUL bytes); SOP files are UTF-8 text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError([_problem(display, line, col, "SOP004", "unreadable-file", "the file is not valid UTF-8 text")])


def _problem(path, line, col, code, slug, message) -> Problem:
    return Problem(path, line, col, code, slug, message)


class _Builder:
    """Turns a node tree into plain dicts, lists and scalars, collecting problems."""

    def __init__(self, path: str, may_alias: bool = True, text: str | None = None):
        self.path = path
        self.problems: list[Problem] = []
        self.marks: dict = {}
        self.cut_texts: list[CutText] = []
        # Lines of a text holding ` #`, the only one where a comment can cut a value short.
        self._lines = LINE_BREAKS.split(text) if text is not None else None
        # An alias needs an anchor, and an anchor needs `&`: without one in the
        # text no node can appear twice, and the check per node is skipped.
        self._seen: set[int] | None = set() if may_alias else None

    def _mark(self, path, key_node, value_node) -> None:
        # Marks, not (line, col) tuples: made only for the few paths located.
        self.marks[path] = (key_node.start_mark, value_node.start_mark)

    def build(self, node, key_node=None, path=None, depth=0):
        """Plain data of `node`; `path` (its keys from the root) while it is shallow enough to mark."""
        if path is None or len(path) >= MARKED_DEPTH:
            return self._plain(node, key_node, depth)
        if path == ():
            self._mark(path, node, node)
        if self._aliased(node, key_node) or not self._collection(node):
            return None
        if node.__class__ is _SCALAR_NODE:
            return self._scalar(node)
        depth = self._deeper(node, depth)
        if node.__class__ is not _MAPPING_NODE:
            items = []
            for index, item in enumerate(node.value):
                self._mark(path + (index,), item, item)
                items.append(self.build(item, path=path + (index,), depth=depth))
            return items
        return self._mapping(node, path, depth)

    def _plain(self, node, key_node=None, depth=0):
        """`build` below the marked depth: the hot path, so scalars come first."""
        if self._seen is not None and self._aliased(node, key_node):
            return None
        kind = node.__class__
        if kind is _SCALAR_NODE:
            return node.value if _tag(node) == _STR else self._scalar(node)
        if not self._collection(node):
            return None
        depth = self._deeper(node, depth)
        if kind is _MAPPING_NODE:
            return self._mapping(node, None, depth)
        return [self._plain(item, None, depth) for item in node.value]

    def _deeper(self, node, depth: int) -> int:
        """The depth inside `node`; LoadError past MAX_DEPTH (the later stages recurse too)."""
        if depth >= MAX_DEPTH:
            raise LoadError([_too_deep(self.path, node.start_mark.line + 1, node.start_mark.column + 1)])
        return depth + 1

    def _aliased(self, node, key_node) -> bool:
        if self._seen is None:
            return False
        if id(node) in self._seen:
            # An alias is the very node it names, so point at the key it is used under.
            self._report(key_node or node, "SOP005", "unsupported-yaml", "anchors and aliases are not supported; write the value out, or move shared steps into their own SOP and hand off to it")
            return True
        self._seen.add(id(node))
        return False

    def _collection(self, node) -> bool:
        """A scalar, or a mapping or list without a tag; any other tag is reported."""
        if node.__class__ is _SCALAR_NODE or node.tag.__class__ is slice or node.tag in _COLLECTIONS:
            return True
        self._report(node, "SOP005", "unsupported-yaml", f"unsupported YAML tag `{node.tag}`; only plain mappings and lists are allowed")
        return False

    def _mapping(self, node, path=None, depth=0):
        result = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not _SCALAR_NODE:
                self._report(key_node, "SOP005", "unsupported-yaml", "a key must be plain text, not a list or mapping")
                continue
            key = key_node.value
            if key in result:
                first = next(k for k, _ in node.value if k.value == key)
                self._report(key_node, "SOP002", "duplicate-key", f"duplicate key `{key}` (first defined on line {first.start_mark.line + 1}); YAML would silently keep only the last one")
                continue
            if self._lines is not None and value_node.__class__ is _SCALAR_NODE and not value_node.style:
                self._comment_after(key, value_node)
            if path is None:
                if value_node.__class__ is _SCALAR_NODE and self._seen is None and _tag(value_node) == _STR:
                    result[key] = value_node.value  # what most values are, without a call to `_plain`
                else:
                    result[key] = self._plain(value_node, key_node, depth)
            else:
                self._mark(path + (key,), key_node, value_node)
                result[key] = self.build(value_node, key_node, path + (key,), depth)
        return result

    def _comment_after(self, key: str, node) -> None:
        """Remember a plain one-line value followed by ` #word` on its line.

        A comment is usually written `# like this`; a `#` with a word right
        after it (`#refund-approvals`) is more often text the author meant.
        """
        end = node.end_mark
        if end.line != node.start_mark.line or end.line >= len(self._lines):
            return
        after = self._lines[end.line][end.column:]
        stripped = after.lstrip(" \t")
        if stripped[:1] == "#" and stripped[1:2] not in ("", " ", "\t", "#") and after[:1] in (" ", "\t"):
            self.cut_texts.append(CutText(key, node.value, stripped.rstrip(), node.start_mark.line + 1,
                                          node.start_mark.column + 1))

    def _scalar(self, node):
        tag = _tag(node)
        if tag == _STR:
            return node.value
        convert = _CONVERT.get(tag)
        if convert is None:
            self._report(node, "SOP005", "unsupported-yaml", f"unsupported YAML tag `{tag}`; only plain text, numbers, booleans, dates and null are allowed")
            return None
        try:
            return convert(node)
        except ValueError:  # Python refuses to read integers of more than 4,300 digits
            self._report(node, "SOP013", "invalid-value", f"the number is {len(node.value):,} characters long; "
                         "no field takes a number that large (quote it if it is text)")
            return None

    def _report(self, node, code, slug, message):
        mark = node.start_mark
        self.problems.append(_problem(self.path, mark.line + 1, mark.column + 1, code, slug, message))

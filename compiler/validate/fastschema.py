"""A fast yes/no answer to "is this document valid against the schema?".

`jsonschema` explains every error well but walks a valid document slowly: it
builds an error object for every branch of every `oneOf`/`anyOf`/`not` it
tries. Most documents checked are valid, so `validate` first asks this
checker, and only when it says "invalid" lets `jsonschema` find and explain
the errors.

The checker is compiled from `schema/sop.schema.json` itself into a tree of
Python closures (no generated source, no exec), so the JSON Schema stays the
single definition of the language. It knows the keywords that schema uses; a
schema with any other keyword or format is refused with `NotCompilable`, and
the caller then uses `jsonschema` alone. Tests assert both give the same
verdict. It does not import `jsonschema`: that import alone costs more than
checking a hundred valid SOPs.
"""

from __future__ import annotations

import datetime
import re
from typing import Callable

from sopc.validate.patterns import compile_pattern

Check = Callable[[object], bool]

# Keywords that never change the verdict.
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "default",
                         "examples", "deprecated", "readOnly", "writeOnly"})


class NotCompilable(Exception):
    """The schema uses something this checker does not implement."""


def _is_integer(value) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": _is_integer,
}


def _equal(one, two) -> bool:
    """JSON equality: `true` is not `1`, in lists and mappings too (as jsonschema's `equal`)."""
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(_equal(one[k], two[k]) for k in one)
    if isinstance(one, (list, dict)) or isinstance(two, (list, dict)):
        return False
    if isinstance(one, bool) != isinstance(two, bool):
        return False
    return one == two


def _all_different(items: list) -> bool:
    for i, item in enumerate(items):
        for other in items[i + 1:]:
            if _equal(item, other):
                return False
    return True


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(value) -> bool:
    """The `date` format as jsonschema checks it: YYYY-MM-DD and a real day."""
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        return not isinstance(value, str)
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


FORMATS: dict[str, Check] = {"date": _is_date}


def _true(_value) -> bool:
    return True


def _false(_value) -> bool:
    return False


class Compiler:
    """Compiles a schema (and the `$defs` it refers to) into closures."""

    def __init__(self, root: dict):
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema) -> Check:
        if schema is True:
            return _true
        if schema is False:
            return _false
        if not isinstance(schema, dict):
            raise NotCompilable(f"a schema must be an object or a boolean, not {schema!r}")
        unknown = set(schema) - ANNOTATIONS - SUPPORTED
        if unknown:
            raise NotCompilable(f"unsupported keyword(s): {', '.join(sorted(unknown))}")
        checks = [check for check in (build(self, schema) for build in BUILDERS) if check is not None]
        return _all(checks) or _true

    def ref(self, pointer: str) -> Check:
        """A check for a local `#/...` reference, compiled once; recursion goes through a cell."""
        if pointer in self.refs:
            return self.refs[pointer]
        if not pointer.startswith("#/"):
            raise NotCompilable(f"only local references are supported, not {pointer}")
        target = self.root
        for part in pointer[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise NotCompilable(f"reference {pointer} leads nowhere")
            target = target[part]
        cell: list[Check] = []
        self.refs[pointer] = lambda value: cell[0](value)
        cell.append(self.compile(target))
        self.refs[pointer] = cell[0]
        return cell[0]


# -- one builder per keyword: (compiler, schema) -> check or None --------------

def _type(c: Compiler, s: dict):
    if "type" not in s:
        return None
    names = s["type"] if isinstance(s["type"], list) else [s["type"]]
    if any(name not in TYPES for name in names):
        raise NotCompilable(f"unknown type in {names}")
    if len(names) == 1:
        return TYPES[names[0]]
    checks = tuple(TYPES[name] for name in names)
    return lambda v: any(check(v) for check in checks)


def _ref(c: Compiler, s: dict):
    if "$ref" not in s:
        return None
    # Inside a definition that refers to itself this is an indirection through a cell.
    return c.ref(s["$ref"])


def _enum(c: Compiler, s: dict):
    if "enum" not in s:
        return None
    allowed = list(s["enum"])
    if all(isinstance(a, str) for a in allowed):
        as_set = frozenset(allowed)
        return lambda v: isinstance(v, str) and v in as_set
    return lambda v: any(_equal(v, a) for a in allowed)


def _const(c: Compiler, s: dict):
    if "const" not in s:
        return None
    expected = s["const"]
    return lambda v: _equal(v, expected)


def _pattern(c: Compiler, s: dict):
    if "pattern" not in s:
        return None
    search = compile_pattern(s["pattern"]).search
    return lambda v: not isinstance(v, str) or search(v) is not None


def _format(c: Compiler, s: dict):
    if "format" not in s:
        return None
    if s["format"] not in FORMATS:
        # jsonschema may check it (depending on what is installed) or not: no safe verdict.
        raise NotCompilable(f"format {s['format']!r} is not supported")
    return FORMATS[s["format"]]


def _bounds(c: Compiler, s: dict):
    checks = []
    if "minLength" in s:
        n = s["minLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) >= n)
    if "maxLength" in s:
        n2 = s["maxLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) <= n2)
    if "minItems" in s:
        m = s["minItems"]
        checks.append(lambda v: not isinstance(v, list) or len(v) >= m)
    if "maxItems" in s:
        m2 = s["maxItems"]
        checks.append(lambda v: not isinstance(v, list) or len(v) <= m2)
    if "minProperties" in s:
        p = s["minProperties"]
        checks.append(lambda v: not isinstance(v, dict) or len(v) >= p)
    if "maxProperties" in s:
        p2 = s["maxProperties"]
        checks.append(lambda v: not isinstance(v, dict) or len(v) <= p2)
    if "minimum" in s:
        low = s["minimum"]
        checks.append(lambda v: not _is_number(v) or v >= low)
    if "maximum" in s:
        high = s["maximum"]
        checks.append(lambda v: not _is_number(v) or v <= high)
    return _all(checks)


def _unique(c: Compiler, s: dict):
    if not s.get("uniqueItems"):
        return None
    return lambda v: not isinstance(v, list) or _all_different(v)


def _items(c: Compiler, s: dict):
    if "items" not in s:
        return None
    item = c.compile(s["items"])

    def check(v):
        if isinstance(v, list):
            for x in v:
                if not item(x):
                    return False
        return True

    return check


def _required(c: Compiler, s: dict):
    if "required" not in s:
        return None
    names = frozenset(s["required"])
    return lambda v: not isinstance(v, dict) or names.issubset(v.keys())


def _dependent_required(c: Compiler, s: dict):
    if "dependentRequired" not in s:
        return None
    rules = tuple((key, tuple(needed)) for key, needed in s["dependentRequired"].items())
    return lambda v: not isinstance(v, dict) or all(key not in v or all(n in v for n in needed) for key, needed in rules)


def _properties(c: Compiler, s: dict):
    """`properties`, `patternProperties` and `additionalProperties` in one pass over the keys."""
    if not any(k in s for k in ("properties", "patternProperties", "additionalProperties")):
        return None
    known = {name: c.compile(sub) for name, sub in s.get("properties", {}).items()}
    patterns = tuple((compile_pattern(p).search, c.compile(sub)) for p, sub in s.get("patternProperties", {}).items())
    extra = c.compile(s["additionalProperties"]) if "additionalProperties" in s else None

    def check(v):
        if not isinstance(v, dict):
            return True
        for key, value in v.items():
            sub = known.get(key)
            matched = sub is not None
            if matched and not sub(value):
                return False
            for search, pattern_check in patterns:
                if search(key) is not None:
                    matched = True
                    if not pattern_check(value):
                        return False
            if not matched and extra is not None and not extra(value):
                return False
        return True

    return check


def _property_names(c: Compiler, s: dict):
    if "propertyNames" not in s:
        return None
    name = c.compile(s["propertyNames"])
    return lambda v: not isinstance(v, dict) or all(name(k) for k in v)


def _combinators(c: Compiler, s: dict):
    checks = []
    if "allOf" in s:
        checks.append(_all([c.compile(x) for x in s["allOf"]]) or _true)
    if "anyOf" in s:
        checks.append(_required_branches(s["anyOf"], at_least=1) or _any_of(c, s["anyOf"]))
    if "oneOf" in s:
        checks.append(_required_branches(s["oneOf"], exactly=1) or _one_of(c, s["oneOf"]))
    if "not" in s:
        negated = c.compile(s["not"])
        checks.append(lambda v: not negated(v))
    if "if" in s:
        condition = c.compile(s["if"])
        then = c.compile(s.get("then", True))
        otherwise = c.compile(s.get("else", True))
        checks.append(lambda v: then(v) if condition(v) else otherwise(v))
    return _all(checks)


def _any_of(c: Compiler, branches: list) -> Check:
    subs = tuple(c.compile(x) for x in branches)
    return lambda v: any(sub(v) for sub in subs)


def _one_of(c: Compiler, branches: list) -> Check:
    if _distinct_types(branches):
        return _any_of(c, branches)  # at most one branch can hold, so the first that holds decides
    subs = tuple(c.compile(x) for x in branches)
    return lambda v: sum(1 for sub in subs if sub(v)) == 1


def _distinct_types(branches: list) -> bool:
    """Each branch asks for one JSON type and no two ask for the same (number covers integer)."""
    types = [b.get("type") if isinstance(b, dict) else None for b in branches]
    if not all(isinstance(t, str) for t in types) or len(set(types)) != len(types):
        return False
    return not {"number", "integer"} <= set(types)


def _required_branches(branches: list, at_least: int = 0, exactly: int | None = None):
    """`anyOf`/`oneOf` whose branches only list required keys, counted on the keys present.

    The language says "exactly one of say/send/voicemail" and "no two of
    next/options/end/..." this way, and it is checked on every script, step and
    option: one set intersection instead of a call per branch.
    """
    if not all(isinstance(b, dict) and set(b) - ANNOTATIONS == {"required"} for b in branches):
        return None
    needed = tuple(frozenset(b["required"]) for b in branches)
    mentioned = frozenset().union(*needed)
    smallest = min(len(n) for n in needed)

    def matches(v) -> int:
        if not isinstance(v, dict):
            return len(needed)  # `required` holds for anything that is not an object
        present = mentioned.intersection(v.keys())
        if len(present) < smallest:
            return 0
        return sum(1 for n in needed if n <= present)

    if exactly is not None:
        return lambda v: matches(v) == exactly
    return lambda v: matches(v) >= at_least


def _all(checks: list):
    """One check that holds when every check holds (plain loops: this is the hot path)."""
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    checks = tuple(checks)

    def check(v):
        for one in checks:
            if not one(v):
                return False
        return True

    return check


BUILDERS = (_type, _ref, _enum, _const, _pattern, _format, _bounds, _unique, _items, _required,
            _dependent_required, _properties, _property_names, _combinators)
# Every keyword some builder reads; anything else makes the schema NotCompilable.
SUPPORTED = frozenset({
    "type", "$ref", "enum", "const", "pattern", "format", "minLength", "maxLength", "minItems", "maxItems",
    "minProperties", "maxProperties", "minimum", "maximum", "uniqueItems", "items", "required",
    "dependentRequired", "properties", "patternProperties", "additionalProperties", "propertyNames",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else"})


def compile_schema(schema: dict) -> Check:
    """A function telling whether an instance is valid against `schema`; NotCompilable if it cannot."""
    return Compiler(schema).compile(schema)

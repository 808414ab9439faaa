"""Loading a runtime bundle: version negotiation, validation, lookups.

A bundle is refused with a `RuntimeFormatError` when it is not JSON, not a
sopc runtime bundle, of a version this runtime cannot run, changed after
export (its digest no longer matches), or inconsistent (a step leads to a
step that does not exist).
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sopc.runtime.errors import FactError, RuntimeFormatError, UnknownSopError
from sopc.runtime.versions import BUNDLE_FORMAT, FORMAT_VERSION, require_compatible
from sopc.canonical_json import orjson
from sopc.schemas import RUNTIME_SCHEMA, quick_verdict

SCHEMA_PATH = RUNTIME_SCHEMA
# Decimal numbers as a person types them; no `inf`, `nan` or `1_000`, which no other runtime reads alike.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def canonical_text(data: dict) -> str:
    """The text the digest covers: sorted keys, no spaces, without `digest`."""
    content = {key: value for key, value in data.items() if key != "digest"}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest_of(canonical: str) -> str:
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def digest(data: dict) -> str:
    return digest_of(canonical_text(data))


def _quick_digest(data: dict) -> str | None:
    """The digest as orjson writes the canonical text, several times faster; it
    differs from `digest` only where orjson writes a float otherwise (then the
    caller computes `digest`), and is None where orjson cannot write the data."""
    if orjson is None:
        return None
    content = {key: value for key, value in data.items() if key != "digest"}
    try:
        text = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    return "sha256:" + hashlib.sha256(text).hexdigest()


def check_version(data: dict) -> None:
    """Refuse a bundle this runtime cannot run, saying which version it needs."""
    require_compatible(data, fmt=BUNDLE_FORMAT, implemented=FORMAT_VERSION, what="sopc runtime bundle",
                       error=RuntimeFormatError)


@lru_cache(maxsize=None)
def _schema_validator():
    """The JSON Schema validator, or None when jsonschema or the schema file is absent."""
    try:
        from jsonschema import Draft202012Validator

        from sopc.validate.patterns import validator_class
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError):
        return None
    return validator_class(Draft202012Validator)(schema)


@lru_cache(maxsize=None)
def _fast_checker():
    """The quick yes/no check of a bundle (`sopc.schemas.quick_verdict`), or None without the schema file.

    `jsonschema` walks a valid bundle slowly (about 100x the time `json.load`
    takes), so only a bundle the quick check does not pass is handed to
    `jsonschema`, which finds and explains the error.
    """
    try:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return quick_verdict(schema)


def _validate_schema(data: dict) -> None:
    fast = _fast_checker()
    if fast is not None and fast(data):
        return
    validator = _schema_validator()
    if validator is None:
        return
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        error = errors[0]
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise RuntimeFormatError(f"malformed bundle at `{where}`: {error.message}")


class Bundle:
    """A validated bundle: SOPs with their steps by id, and external procedures."""

    def __init__(self, data: dict):
        self.data = data
        self.digest = data.get("digest")
        self.sops: dict[str, dict] = data["sops"]
        self.procedures: dict[str, dict] = data["procedures"]
        self.steps: dict[str, dict[str, dict]] = {
            sop_id: {step["id"]: step for step in sop["steps"]} for sop_id, sop in self.sops.items()
        }
        self._labels: dict[str, dict[str, str]] = {}
        self._first_inputs: dict[str, dict] | None = None  # each input id's declaration in the first SOP by id

    @classmethod
    def load(cls, source, *, verify_digest: bool = True) -> "Bundle":
        """A bundle from a path, a JSON text (bytes or str starting with `{`) or a dict.

        A loaded bundle is never changed and holds no cycles, so it is moved out
        of the cycle collector's sight (`gc.freeze()`, with whatever else the
        process holds at that moment): otherwise every full collection during
        a walk would scan all of it again, which slows walks in proportion to
        the bundle's size.
        """
        with _collector_paused():
            try:
                bundle = cls._load(source, verify_digest)
            except RecursionError:  # orjson reads any depth; what reads it after may not
                raise RuntimeFormatError(TOO_DEEP) from None
            # Before the collector is back: it counts every object made while it was
            # paused, and the first one made after would set off a scan of all of them.
            gc.freeze()
        return bundle

    @classmethod
    def _load(cls, source, verify_digest: bool) -> "Bundle":
        data = _read(source)
        if not isinstance(data, dict):
            raise RuntimeFormatError("malformed bundle: the top level must be a JSON object")
        check_version(data)
        try:
            _validate_schema(data)
            if verify_digest:
                _verify_digest(data)
        except RecursionError:
            raise RuntimeFormatError(TOO_DEEP) from None
        try:
            bundle = cls(data)
            _check_references(bundle)
        except (KeyError, TypeError, AttributeError) as exc:
            raise RuntimeFormatError(f"malformed bundle: missing or wrong part {exc}") from None
        return bundle

    def sop(self, sop_id: str) -> dict:
        if sop_id not in self.sops:
            known = ", ".join(sorted(self.sops)) or "none"
            raise UnknownSopError(f"no SOP `{sop_id}` in this bundle; SOPs: {known}")
        return self.sops[sop_id]

    def step(self, sop_id: str, step_id: str) -> dict:
        return self.steps[sop_id][step_id]

    def input_def(self, name: str, sop_id: str | None = None) -> dict | None:
        """The input declaration for a fact: the given SOP's first, else any SOP's."""
        if sop_id in self.sops:
            for item in self.sops[sop_id]["inputs"]:
                if item["id"] == name:
                    return item
        if self._first_inputs is None:
            self._first_inputs = {}
            for candidate in sorted(self.sops):
                for item in self.sops[candidate]["inputs"]:
                    self._first_inputs.setdefault(item["id"], item)
        return self._first_inputs.get(name)

    def labels(self, sop_id: str) -> dict[str, str]:
        """Each input's label by id (kept: every step shown asks for them)."""
        found = self._labels.get(sop_id)
        if found is None:
            found = self._labels[sop_id] = {item["id"]: item["label"] for item in self.sops[sop_id]["inputs"]}
        return found

    def coerce(self, name: str, value, sop_id: str | None = None):
        """The fact's value in its input's type; text from a command line is converted."""
        declared = self.input_def(name, sop_id)
        if declared is None:
            raise FactError(f"unknown fact `{name}`: no SOP of the bundle declares an input with this id")
        return coerce(declared, value)


def coerce(declared: dict, value):
    kind, name = declared["type"], declared["id"]
    if kind == "yesno":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("yes", "y", "true"):
            return True
        if text in ("no", "n", "false"):
            return False
        raise FactError(f"`{name}` is yes or no, not `{value}`")
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return value
        text = str(value).strip()
        if not isinstance(value, bool) and _NUMBER.fullmatch(text):
            number = int(text) if _INTEGER.fullmatch(text) else float(text)
            if math.isfinite(number):
                return number
        raise FactError(f"`{name}` is a number, not `{value}`")
    if kind == "date":
        from sopc.runtime.conditions import parse_date
        parsed = parse_date(value if not isinstance(value, str) else value.strip())
        if parsed is None:
            raise FactError(f"`{name}` is a date written YYYY-MM-DD, not `{value}`")
        return parsed.isoformat()
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FactError(f"`{name}` is text, not {json.dumps(value)}")
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable() and any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise FactError(f"`{name}` holds a lone surrogate (a `\\ud800`-style escape), which is not a character")
    if kind == "choice" and text not in declared["values"]:
        raise FactError(f"`{name}` is one of {', '.join(declared['values'])}; not `{text}`")
    return text


def _read(source):
    if isinstance(source, dict):
        return source
    if isinstance(source, bytes):
        source = source.decode("utf-8", errors="replace")
    if isinstance(source, str) and source.lstrip().startswith("{"):
        text, name = source, "bundle"
    else:
        quick = _parse_file_quickly(source)
        if quick is not None:
            return quick
        try:
            text, name = Path(source).read_text(encoding="utf-8"), str(source)
        except (OSError, UnicodeDecodeError) as exc:
            raise RuntimeFormatError(f"cannot read bundle {source}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return _parse(text)
    except ValueError as exc:
        raise RuntimeFormatError(f"{name} is not valid JSON (truncated or damaged?): {exc}") from None
    except RecursionError:
        raise RuntimeFormatError(TOO_DEEP) from None


# No exported bundle nests more than a few dozen levels (the loader refuses
# SOPs nested deeper than 50); a document nested thousands deep is damage.
TOO_DEEP = "malformed bundle: it nests far deeper than any exported bundle"


def _parse_file_quickly(source):
    """The JSON value of a bundle file as orjson reads its bytes (no text decoded first), or None
    when that is not possible: then the file is read as text, which explains what is wrong."""
    if orjson is None:
        return None
    try:
        return orjson.loads(Path(source).read_bytes())
    except (OSError, TypeError, orjson.JSONDecodeError):
        return None


def _parse(text: str):
    """The JSON value of `text`, by orjson (several times faster) or, where
    orjson refuses it, by json: json then refuses it too, or reads what orjson
    does not (an integer beyond 64 bits, a lone surrogate), so both read alike."""
    if orjson is not None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text, parse_constant=_not_json)


@contextmanager
def _collector_paused():
    """No cycle collection while a bundle's millions of objects are made (they form no cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _not_json(constant: str):
    """`NaN`, `Infinity`: Python reads them, JSON (and every other runtime) does not."""
    raise ValueError(f"`{constant}` is not a JSON value")


def _verify_digest(data: dict) -> None:
    recorded = data.get("digest")
    if recorded is None:
        raise RuntimeFormatError("malformed bundle: `digest` is missing")
    if _quick_digest(data) == recorded:
        return
    try:
        computed = digest(data)
    except UnicodeEncodeError:  # a lone surrogate (`"\\ud800"` in the JSON): no text any runtime can show
        raise RuntimeFormatError("malformed bundle: it holds a lone surrogate (a `\\ud800`-style escape that is "
                                 "not a character); export it again with `sopc export`") from None
    except ValueError as exc:  # NaN or an infinity in a bundle given as data
        raise RuntimeFormatError(f"malformed bundle: {exc}") from None
    if recorded != computed:
        raise RuntimeFormatError("bundle was changed after export: its content no longer matches its `digest`; export it again with `sopc export`")


def _check_references(bundle: Bundle) -> None:
    """Every step a bundle names exists, so a walk can never reach nowhere."""
    # Messages are written only to fail: writing one for every reference checked costs more than the checks.
    for sop_id, sop in bundle.sops.items():
        steps = bundle.steps[sop_id]
        if len(steps) != len(sop["steps"]):
            _fail(f"SOP `{sop_id}` has two steps with the same id")
        if sop["start"] not in steps:
            _fail(f"SOP `{sop_id}` starts at unknown step `{sop['start']}`")
        decisions = []
        for step in sop["steps"]:
            for target in step_targets(step):
                if target not in steps:
                    _fail(f"step `{sop_id}:{step['id']}` leads to unknown step `{target}`")
            handoff = step.get("handoff")
            if handoff and handoff["to"] not in (bundle.sops if handoff["target"] == "sop" else bundle.procedures):
                _fail(f"step `{sop_id}:{step['id']}` hands off to unknown {handoff['target']} `{handoff['to']}`")
            if step.get("decision"):
                decisions.append(step)
        if decisions:
            declared = {item["id"] for item in sop["inputs"]}
            for step in decisions:
                for name in decision_inputs(step):
                    if name not in declared:
                        _fail(f"step `{sop_id}:{step['id']}` decides on `{name}`, which SOP `{sop_id}` does not declare")


def decision_inputs(step: dict) -> set[str]:
    """The inputs a decision step is bound to or whose values its conditions compare."""
    decision = step.get("decision")
    if not decision:
        return set()
    names = {decision["input"]} if decision.get("input") else set()
    todo = [option["condition"] for option in decision["options"] if option.get("condition")]
    while todo:  # conditions nest; walked without recursion
        condition = todo.pop()
        if "input" in condition:
            names.add(condition["input"])
        todo.extend(condition.get("all", []) + condition.get("any", []))
        if "not" in condition:
            todo.append(condition["not"])
    return names


def step_targets(step: dict) -> list[str]:
    targets = [step["next"]] if step.get("next") else []
    if step.get("decision"):
        targets += [option["goto"] for option in step["decision"]["options"]]
    if step.get("repeat"):
        targets.append(step["repeat"]["back_to"])
    if step.get("handoff") and step["handoff"].get("then"):
        targets.append(step["handoff"]["then"])
    return targets


def _fail(message: str):
    raise RuntimeFormatError(f"malformed bundle: {message}")

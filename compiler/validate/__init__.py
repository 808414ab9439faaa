"""Stage 2, validate: check a loaded document against `schema/sop.schema.json`
and turn each schema error into a short, located message an author can act on.

The JSON Schema is the single definition of the language: editors complete
from it and this stage enforces it, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from sopc.load import Document
from sopc.load.sources import LINE_BREAKS
from sopc.model.steps import GOES_ON
from sopc.problems import Problem, closest, did_you_mean
from sopc.schemas import SOP_SCHEMA, quick_verdict

SCHEMA_PATH = SOP_SCHEMA

FLOW_KEYS = GOES_ON  # the keys a step goes on by, at most one each

KIND_SOP = "sop"
KIND_PROCEDURES = "procedures"


@lru_cache(maxsize=None)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _schema_for(kind: str) -> dict:
    root = {k: v for k, v in schema().items() if k != "oneOf"}
    definition = "sopFile" if kind == KIND_SOP else "proceduresFile"
    return {**root, "$ref": f"#/$defs/{definition}"}


@lru_cache(maxsize=None)
def _validator(kind: str):
    # Imported only when a document is invalid: the import alone costs more
    # than checking a hundred valid SOPs.
    from jsonschema import Draft202012Validator, FormatChecker

    from sopc.validate.patterns import validator_class

    return validator_class(Draft202012Validator)(_schema_for(kind), format_checker=FormatChecker())


@lru_cache(maxsize=None)
def _passes(kind: str):
    """The quick yes/no check of a document of `kind` (see `quick_verdict`)."""
    return quick_verdict(_schema_for(kind))


def _policy_schema() -> dict:
    return {"$defs": schema()["$defs"], "$ref": "#/$defs/policy"}


@lru_cache(maxsize=None)
def _policy_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_policy_schema())


@lru_cache(maxsize=None)
def _policy_passes():
    """The quick yes/no check of a policy (see `quick_verdict`): building `jsonschema`'s validator
    costs more than a check of a hundred SOPs, and most settings hold only valid policies."""
    return quick_verdict(_policy_schema())


def policy_errors(data) -> tuple[list, str] | None:
    """(path, message) of the first way a policy declared outside an SOP (in the settings) breaks
    the language's definition of a policy, or None if it keeps it."""
    if _policy_passes()(data):
        return None
    from jsonschema.exceptions import best_match

    error = best_match(_policy_validator().iter_errors(data))
    if error is None:
        return None
    error = _most_relevant(error)
    path = [str(p) for p in error.absolute_path]
    where = "`" + ".".join(path) + "`" if path else "the policy"
    if error.validator == "additionalProperties":
        return path, f"{where} has an unknown key: {error.message}"
    if error.validator == "required":
        return path, f"{where} needs {error.message.split(' is a required')[0]}"
    if error.validator in ("not", "if", "then", "allOf"):
        return path, f"{where}: `require-before` takes `first`, `forbid-after` takes `after`, `must-reach` takes `reach`, and only that one"
    return path, f"{where}: {error.message}"


def document_kind(doc: Document) -> str | None:
    if "sop" in doc.data:
        return KIND_SOP
    if "procedures" in doc.data:
        return KIND_PROCEDURES
    return None


def validate(doc: Document) -> list[Problem]:
    """All schema problems of the document, in file order."""
    kind = document_kind(doc)
    if kind is None:
        line, col = doc.locate()
        keys = list(doc.data)
        hint = did_you_mean(keys[0], ["sop", "procedures"]) if keys else ""
        return [Problem(doc.path, line, col, "SOP011", "missing-key",
                        f"missing `sop:` (an SOP) or `procedures:` (external procedures) at the top of the file{hint}")]
    if _passes(kind)(doc.data):
        return unbound_comparisons(doc) if kind == KIND_SOP else []
    errors = _without_consequences(list(_validator(kind).iter_errors(doc.data)))
    if not errors:
        return unbound_comparisons(doc) if kind == KIND_SOP else []
    return sorted({_problem(doc, error) for error in errors})


def usable_procedures(doc: Document) -> list[str]:
    """The ids of a procedures file whose entries are valid on their own: a
    mistake in one procedure leaves the others usable."""
    procedures = doc.data.get("procedures")
    if not isinstance(procedures, dict):
        return []
    passes, validator = _passes(KIND_PROCEDURES), _validator(KIND_PROCEDURES)
    return [key for key, value in procedures.items()
            if passes({"procedures": {key: value}}) or validator.is_valid({"procedures": {key: value}})]


COMPARISON_OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in")


def unbound_comparisons(doc: Document) -> list[Problem]:
    """SOP011 for each comparison that names no input in a decision bound to none.

    The schema cannot say it: whether a comparison needs `input` depends on
    its step. Without an input to compare, the export has nothing to write
    and no runtime could decide, so the check says it first.
    """
    problems = []
    for step_id, step in doc.data["steps"].items():
        if step.get("input") or not step.get("options"):
            continue
        for index, option in enumerate(step["options"]):
            where = ["steps", step_id, "options", index]
            if "value" in option:
                problems.append(_unbound(doc, where + ["value"], step_id,
                                         f"`value: {_literal(option['value'])}` compares the input of decision "
                                         f"`{step_id}`, which is bound to none: add `input: <input id>` to the step, "
                                         f"or write `when: {{input: <input id>, eq: {_literal(option['value'])}}}`"))
            for path in _comparisons_without_input(option.get("when"), where + ["when"]):
                problems.append(_unbound(doc, path, step_id,
                                         f"this comparison names no `input`, and decision `{step_id}` is bound to "
                                         "none: add `input: <input id>` to the comparison (or to the step)"))
    return problems


def _comparisons_without_input(condition, where):
    todo = [(condition, where)]
    while todo:
        condition, where = todo.pop()
        if not isinstance(condition, dict):
            continue
        if any(op in condition for op in COMPARISON_OPERATORS) and "input" not in condition:
            yield where
        for combinator in ("all", "any"):
            todo.extend((sub, where + [combinator, i]) for i, sub in enumerate(condition.get(combinator, [])))
        if "not" in condition:
            todo.append((condition["not"], where + ["not"]))


def _literal(value) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _unbound(doc: Document, path: list, step_id: str, message: str) -> Problem:
    line, col = doc.locate(path)
    sop = doc.data.get("sop")
    return Problem(doc.path, line, col, "SOP011", "missing-key", message, sop=sop, step=step_id)


def _without_consequences(errors):
    """Where a value has the wrong type, that is the whole story: drop the
    other errors about the same value (they only follow from it)."""
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    return [e for e in errors if e.validator == "type" or tuple(e.absolute_path) not in mistyped]


def _problem(doc: Document, error) -> Problem:
    error = _most_relevant(error)
    path = list(error.absolute_path)
    code, slug, message, at_key, path = _describe(error, path)
    line, col = doc.locate(path, key=at_key)
    if message.endswith(QUOTE_IT):
        message = message[:-len(QUOTE_IT)] + _quote_advice(doc, line, col)
    step = path[1] if len(path) > 1 and path[0] == "steps" else None
    sop = doc.data.get("sop") if isinstance(doc.data.get("sop"), str) else None
    return Problem(doc.path, line, col, code, slug, message, sop=sop, step=step)


QUOTE_IT = "\0quote"


def _quote_advice(doc: Document, line: int, col: int) -> str:
    """'; YAML reads `Yes` as true or false: quote it, `"Yes"`', with the author's own word."""
    lines = LINE_BREAKS.split(doc.text)
    rest = lines[line - 1][col - 1:] if 0 < line <= len(lines) else ""
    word = re.match(r"[^,\]}#]*", rest).group(0).strip()  # a plain scalar ends at these in a flow collection
    if not word or word[0] in "'\"[{|>":
        return ""
    return f"; YAML reads `{word}` as a value, not text: quote it, `\"{word}\"`"


def _most_relevant(error):
    """Descend through oneOf/anyOf to the branch the author most likely meant:
    one written for the kind of value the author wrote (a mapping, a text...)."""
    from jsonschema.exceptions import best_match

    while error.context:
        depth = len(error.absolute_path)
        wrong_kind = {e.relative_schema_path[0] for e in error.context
                      if len(e.absolute_path) == depth and _kind_mismatch(e)}
        branch_errors = [e for e in error.context if e.relative_schema_path[0] not in wrong_kind] or error.context
        # Of branches written for this kind of value, the one whose keys the
        # author used (`lt: ten` is a comparison with a wrong value, not an
        # `all` with an unknown key `lt`).
        wrong_keys = {e.relative_schema_path[0] for e in branch_errors
                      if len(e.absolute_path) == depth and e.validator in ("additionalProperties", "required")}
        branch_errors = [e for e in branch_errors if e.relative_schema_path[0] not in wrong_keys] or branch_errors
        deeper = best_match(branch_errors)
        if deeper is None:
            break
        error = deeper
    return error


def _kind_mismatch(error) -> bool:
    if error.validator == "type":
        return True
    if error.validator in ("enum", "const"):
        return isinstance(error.instance, (dict, list))
    return False


def _where(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"`{text}`" if text else "the top level"


def _describe(error, path):
    """(code, slug, message, point-at-key, path-to-point-at) for one schema error."""
    kind = error.validator
    schema_ = error.schema
    where = _where(path)
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        return _describe_key(error, path, where)
    if kind == "additionalProperties":
        allowed = list(schema_.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        key = extra[0] if extra else ""
        return ("SOP010", "unknown-key", f"unknown key `{key}` in {where}{did_you_mean(key, allowed)}", True, path + [key])
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        misspelt = closest(missing, [k for k in error.instance if k != missing]) if isinstance(error.instance, dict) else None
        if misspelt is not None:
            return ("SOP010", "unknown-key", f"unknown key `{misspelt}` in {where} (did you mean `{missing}`?)", True,
                    path + [misspelt])
        return ("SOP011", "missing-key", f"{where} needs `{missing}`", True, path)
    if kind == "dependentRequired":
        present = [k for k in error.validator_value if k in error.instance and any(d not in error.instance for d in error.validator_value[k])]
        key = present[0] if present else ""
        needed = [d for d in error.validator_value.get(key, []) if d not in error.instance]
        return ("SOP011", "missing-key", f"`{key}` needs `{'`, `'.join(needed)}` in {where}", True, path + [key])
    if kind == "type":
        quote = ""
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if "string" in wanted and isinstance(error.instance, (bool, int, float)) or error.instance is None and "string" in wanted:
            quote = QUOTE_IT  # completed with the author's own words in `_problem`
        return ("SOP012", "wrong-type", f"{where} must be {_type_name(error.validator_value)}, not {_type_name(_json_type(error.instance))}{quote}", False, path)
    if kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        shown = ", ".join(f"`{json.dumps(v) if not isinstance(v, str) else v}`" for v in allowed)
        hint = did_you_mean(str(error.instance), [str(v) for v in allowed]) if isinstance(error.instance, str) else ""
        return ("SOP013", "invalid-value", f"{where} must be one of {shown}{hint}", False, path)
    if kind == "pattern":
        return ("SOP013", "invalid-value", f"{where}: {_pattern_advice(schema_, error.instance)}", False, path)
    if kind == "not":
        return _describe_not(error, path, where)
    if kind == "minLength" and error.validator_value > 1:
        return ("SOP013", "invalid-value", f"{where} must be at least {error.validator_value} characters long", False, path)
    if kind in ("minItems", "minProperties", "minLength"):
        return ("SOP012", "wrong-type", f"{where} must not be empty", False, path)
    if kind == "maxLength":
        return ("SOP013", "invalid-value", f"{where} is {len(error.instance):,} characters long; at most {error.validator_value} are allowed", False, path)
    if kind in ("maxProperties", "oneOf") and "properties" in schema_:
        choices = [k for k in schema_["properties"] if k != "title"]
        return ("SOP012", "wrong-type", f"{where} must have exactly one of `{'`, `'.join(choices)}`", False, path)
    if kind == "format":
        return ("SOP013", "invalid-value", f"{where} must be a real date written YYYY-MM-DD", False, path)
    if kind in ("minimum", "maximum"):
        return ("SOP013", "invalid-value", f"{where} must be {'at least' if kind == 'minimum' else 'at most'} {error.validator_value}", False, path)
    if kind == "uniqueItems":
        return ("SOP013", "invalid-value", f"{where} lists the same value twice", False, path)
    return ("SOP013", "invalid-value", f"{where}: {error.message}", False, path)


def _describe_key(error, path, where):
    """A key (a step, input or procedure id) that is not a valid id: pointed at itself."""
    key = error.instance
    if error.validator == "maxLength":
        message = f"`{key[:20]}…` in {where} is {len(key):,} characters long; an id has at most {error.validator_value}"
    elif error.validator == "not":
        message = f"`{key}` in {where} is reserved (the site uses it for a section's own page); choose another id"
    else:
        message = (f"`{key}` in {where} is not a valid id: use lowercase letters, digits, `-` (and `_` for step "
                   "and input ids), starting with a letter")
    return ("SOP013", "invalid-value", message, True, path + [key])


def _describe_not(error, path, where):
    if isinstance(error.instance, str):
        return ("SOP013", "invalid-value", f"{where}: `{error.instance}` is reserved (the site uses it for a section's own page); choose another id", False, path)
    instance = error.instance if isinstance(error.instance, dict) else {}
    flow = [k for k in FLOW_KEYS if k in instance]
    if len(flow) > 1:
        return ("SOP014", "conflicting-keys", f"{where} goes on by `{flow[0]}` and by `{flow[1]}`; a step goes on by only one of `next`, `options`, `end`, `handoff`, `repeat`", True, path + [flow[1]])
    if "end" in instance and "wait" in instance:
        return ("SOP014", "conflicting-keys", f"{where} waits and ends; put the wait in the step before the end", True, path + ["wait"])
    if "values" in instance:
        if instance.get("type") not in INPUT_TYPES:  # the type is the mistake, not the values
            kind = instance.get("type")
            return ("SOP013", "invalid-value", f"`{where[1:-1]}.type` must be one of {_code_list(INPUT_TYPES)}"
                    f"{did_you_mean(str(kind), INPUT_TYPES)}", False, path + ["type"])
        return ("SOP014", "conflicting-keys", f"`values` in {where} is only for inputs of type `choice`", True, path + ["values"])
    present = [k for k in ("value", "when", "otherwise") if k in instance]
    if len(present) > 1:
        return ("SOP014", "conflicting-keys", f"{where} has both `{present[0]}` and `{present[1]}`; an option is selected by only one of them", True, path + [present[1]])
    return ("SOP014", "conflicting-keys", f"{where} has keys that cannot go together", False, path)


INPUT_TYPES = ("text", "yesno", "choice", "number", "date")


def _code_list(values) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _pattern_advice(schema_, value) -> str:
    description = schema_.get("description", "")
    pattern = schema_.get("pattern", "")
    if "https?" in pattern:
        return _url_advice(value)
    if pattern.startswith("^[^"):
        return _control_advice(value)
    if "minute" in pattern:
        return f"`{value}` is not a duration; write e.g. `48 hours`, `2 days` or `10 business days`"
    if pattern.startswith("^[0-9]{4}"):
        return f"`{value}` is not a date; write YYYY-MM-DD"
    if pattern.startswith("^(SOP"):
        return f"`{value}` is not a rule; write its code (e.g. `SOP105`) or slug (e.g. `unbounded-loop`)"
    if "_" in pattern:
        return f"`{value}` is not a valid id: use lowercase letters, digits, `_` and `-`, starting with a letter"
    if pattern.startswith("^[a-z][a-z0-9-]*$"):
        return f"`{value}` is not a valid id: use lowercase letters, digits and `-`, starting with a letter"
    return f"`{value}` does not have the expected form. {description}".strip()


def _url_advice(value: str) -> str:
    if not value.startswith(("http://", "https://", "mailto:")):
        return f"`{value}` is not an allowed link; only http://, https:// and mailto: addresses are accepted"
    odd = next((c for c in value if not c.isascii() or c in " \"'<>\\^`{|}[]" or not c.isprintable()), None)
    if odd is not None:
        return (f"`{value}` is not a valid address: `{odd}` (U+{ord(odd):04X}) must be percent-encoded "
                f"(e.g. `{_percent(odd)}`)")
    if "@" in value.split("/", 3)[2] if value.startswith("http") and value.count("/") >= 2 else False:
        return f"`{value}` names a user before the host (`user@host`); write the address without it"
    return f"`{value}` is not a valid address: write a host name after `://` (or an address after `mailto:`), then the path"


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))


def _control_advice(value: str) -> str:
    bad = next((c for c in value if _is_control(c)), "")
    if bad in "\n\r\u2028\u2029":
        return "must be one line: remove the line break (in a block scalar, use `>-` or `|-`, or write the text on one line)"
    if bad == "\t":
        return "must not contain a tab: use spaces"
    return f"contains the control character U+{ord(bad):04X}, which no reader can see; remove it"


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or char in "\u2028\u2029\ufffe\uffff"


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number",
               "number": "a number", "boolean": "true or false", "null": "empty"}


def _type_name(kind) -> str:
    if isinstance(kind, list):
        return " or ".join(_TYPE_NAMES.get(k, k) for k in kind)
    return _TYPE_NAMES.get(kind, kind)


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"

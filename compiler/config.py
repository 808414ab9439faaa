"""Check settings: a preset, per-rule severity or `off`, typed rule options, `strict`.

Read from `[tool.sopc]` in `pyproject.toml` or from the top level of
`sopc.toml`, whichever is found first in the working folder or its parents
(a `pyproject.toml` without `[tool.sopc]` does not count), e.g.

    [tool.sopc]
    strict = true
    preset = "recommended"        # or "all"; see sopc/codes/presets.toml

    [tool.sopc.rules]
    unbounded-loop = "error"
    stale-review = { severity = "warning", max-age-days = 365 }
    todo-text = "off"

Rules are named by code or slug; a rule named in `[rules]` is on unless it is
set to `off`. A mistake in the settings is a `ConfigError` located at the
file, line and column (the command line exits 2): a check run with settings
nobody meant is worse than none.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from sopc import codes
from sopc.problems import ERROR, did_you_mean

SEVERITIES = ("error", "warning", "off")
CONFIG_NAMES = ("sopc.toml", "pyproject.toml")
SETTINGS = ("strict", "preset", "rules", "policies")


class ConfigError(Exception):
    """The settings cannot be used; the message says where (`path:line:col:`) and why."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None, col: int | None = None):
        self.message, self.path, self.line, self.col = message, path, line, col
        where = f"{path}:{line}:{col}: " if path and line else f"{path}: " if path else ""
        super().__init__(where + message)


@dataclass
class Config:
    severities: dict[str, str] = field(default_factory=dict)  # rule code -> error, warning or off, as set
    options: dict[str, dict] = field(default_factory=dict)  # rule code -> options, as set
    strict: bool = False
    preset: str = codes.DEFAULT_PRESET
    policies: list = field(default_factory=list)  # sopc.check.policies.Policy, for every SOP
    source: str | None = None  # the file the settings came from

    def severity(self, rule) -> str:
        """error, warning or off: what the settings make of a rule (a code, slug, `Code` or rule)."""
        code = _code(rule)
        if code.code in self.severities:
            return self.severities[code.code]
        return code.severity if code.code in codes.presets()[self.preset][1] else "off"

    def rule_options(self, rule) -> dict:
        code = _code(rule)
        return {**code.defaults, **self.options.get(code.code, {})}

    def errors_only(self) -> Config:
        """These settings with every rule that reports only warnings turned off.

        For commands that stop on errors and ignore warnings (export, run,
        test): they need not spend time finding what they would not show.
        """
        severities = {c.code: "off" for c in codes.rules() if self.severity(c) != ERROR}
        return replace(self, severities={**self.severities, **severities})

    def only(self, names) -> Config:
        """These settings with only the named rules on (each at its setting or default severity)."""
        wanted = {_code(n).code for n in names}
        severities = {}
        for c in codes.rules():
            set_to = self.severities.get(c.code)
            severities[c.code] = "off" if c.code not in wanted else (set_to if set_to and set_to != "off" else c.severity)
        return replace(self, severities=severities)

    def fingerprint(self) -> str:
        """Everything that changes what a check reports, as text (for the check cache)."""
        return json.dumps({"preset": self.preset, "severities": self.severities, "options": self.options,
                           "policies": [repr(p) for p in self.policies]}, sort_keys=True, default=str)


def _code(rule) -> codes.Code:
    if isinstance(rule, codes.Code):
        return rule
    found = codes.get(rule if isinstance(rule, str) else rule.ID)
    if found is None:
        raise KeyError(f"no code {rule!r}")
    return found


def load_config(path: str | Path | None = None, start: str | Path | None = None) -> Config:
    """The settings of `path`, or of the nearest settings file above `start` (default: here)."""
    if path is not None:
        path = Path(path)
        text, table = _read(path)
        prefix = ()
        if path.name == "pyproject.toml":
            table, prefix = _tool_table(table, path) or {}, ("tool", "sopc")
        return parse(table, str(path), text, prefix)
    found = find_config(Path(start or Path.cwd()))
    if not found:
        return Config()
    where, table = found
    prefix = ("tool", "sopc") if where.name == "pyproject.toml" else ()
    return parse(table, str(where), where.read_text(encoding="utf-8"), prefix)


def project_root(start: str | Path | None = None) -> Path:
    """The folder of the nearest settings file above `start` (default: here), or `start` itself.

    Commands look for `sops/` and the site configuration there, so that they
    work from any folder of a knowledge-base repository.
    """
    here = Path(start or Path.cwd())
    found = find_config(here)
    return found[0].parent if found else here


def find_config(start: Path) -> tuple[Path, dict] | None:
    """(file, settings table) of the nearest `sopc.toml` or `pyproject.toml` with `[tool.sopc]`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "sopc.toml"
        if candidate.is_file():
            return candidate, _read(candidate)[1]
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _tool_table(_read(candidate)[1], candidate)
            if table is not None:
                return candidate, table
    return None


def _read(path: Path) -> tuple[str, dict]:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        text = raw.decode("utf-8")
        return text, tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"cannot read settings: {exc.strerror or exc}", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        line, col = _toml_error_position(str(exc))
        raise ConfigError(f"invalid TOML: {exc}", str(path), line, col) from None
    except UnicodeDecodeError:
        raise ConfigError("invalid TOML: the file is not UTF-8 text", str(path)) from None


def _toml_error_position(message: str) -> tuple[int | None, int | None]:
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (None, None)


def _tool_table(document: dict, path: Path):
    """`[tool.sopc]` of a pyproject.toml, or None if it has none."""
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError("`tool` must be a table, such as [tool.sopc]", str(path))
    return tool.get("sopc")


class _Reader:
    """Turns a settings table into a Config, raising located ConfigErrors."""

    def __init__(self, source: str, text: str | None, prefix: tuple):
        self.source, self.text, self.prefix = source, text, prefix

    def error(self, message: str, *keys) -> ConfigError:
        line, col = locate(self.text, self.prefix + keys) if self.text else (None, None)
        return ConfigError(message, self.source, line, col)


def locate(text: str, keys) -> tuple[int | None, int | None]:
    """Line and column of the last of `keys` found in order in TOML text (a key path).

    TOML readers keep no positions, so the keys are looked for as written:
    each one after the one before it, as a bare or quoted key.
    """
    position, found = 0, None
    for key in keys:
        match = re.compile(rf"(?<![\w-])[\"']?{re.escape(str(key))}[\"']?\s*(?:=|\.|\])").search(text, position)
        if match is None:
            break
        found, position = match.start(), match.end()
    if found is None:
        return None, None
    line = text.count("\n", 0, found) + 1
    return line, found - (text.rfind("\n", 0, found) + 1) + 1


def parse(table: dict, source: str = "settings", text: str | None = None, prefix: tuple = ()) -> Config:
    """A Config from a `[tool.sopc]` table; ConfigError on anything unknown or ill-typed.

    `text` (the file's TOML) lets errors point at their line; `prefix` is
    where the table sits in it (`tool.sopc` in a pyproject.toml).
    """
    reader = _Reader(source, text, prefix)
    if not isinstance(table, dict):
        raise reader.error("the settings must be a table")
    config = Config(source=source)
    for key in table:
        if key not in SETTINGS:
            raise reader.error(f"unknown setting `{key}`{did_you_mean(key, SETTINGS)}; the settings are {_choices(SETTINGS)}", key)
    if "strict" in table:
        if not isinstance(table["strict"], bool):
            raise reader.error("`strict` must be true or false", "strict")
        config.strict = table["strict"]
    if "preset" in table:
        config.preset = _preset(table["preset"], reader)
    if "rules" in table:
        _read_rules(config, table["rules"], reader)
    if "policies" in table:
        config.policies = _read_policies(table["policies"], reader)
    return config


def _read_policies(declared, reader: _Reader) -> list:
    """The `[[policies]]` tables, each checked against the language's definition of a policy."""
    # Imported here: the check stage imports these settings, and the validator is only needed for policies.
    from sopc.check.policies import Policy
    from sopc.validate import policy_errors

    if not isinstance(declared, list):
        raise reader.error("`policies` must be an array of tables, written [[policies]]", "policies")
    policies, ids = [], set()
    for i, data in enumerate(declared):
        keys = ("policies",) * (i + 1)
        problem = policy_errors(data)
        if problem is not None:
            where, message = problem
            raise reader.error(f"[[policies]] number {i + 1}: {message}", *keys, *where[:1])
        if data["id"] in ids:
            raise reader.error(f"[[policies]] `{data['id']}` is declared twice", *keys, "id")
        ids.add(data["id"])
        policies.append(Policy.read(data))
    return policies


def _preset(value, reader: _Reader) -> str:
    names = list(codes.presets())
    if value not in names:
        hint = did_you_mean(value, names) if isinstance(value, str) else ""
        raise reader.error(f"`preset` must be one of {_choices(names)}, not `{value}`{hint}", "preset")
    return value


def _read_rules(config: Config, rules, reader: _Reader) -> None:
    if not isinstance(rules, dict):
        raise reader.error("`rules` must be a table of rule settings", "rules")
    for name, setting in rules.items():
        code = codes.rule(name)
        if code is None:
            raise reader.error(f"[rules] `{name}` is not a check rule{did_you_mean(name, codes.rule_names())}", "rules", name)
        if code.code in config.severities:
            raise reader.error(f"[rules] `{code.slug}` ({code.code}) is set twice", "rules", name)
        _set_rule(config, code, setting, f"[rules] `{name}`", reader, ("rules", name))


def _set_rule(config: Config, code: codes.Code, setting, where: str, reader: _Reader, keys: tuple) -> None:
    if isinstance(setting, str):
        setting = {"severity": setting}
    if not isinstance(setting, dict):
        raise reader.error(f"{where} must be one of {_choices(SEVERITIES)} or a table such as {{ severity = \"warning\" }}", *keys)
    # Named without a severity, a rule is on at its default severity.
    config.severities[code.code] = code.severity
    for key, value in setting.items():
        if key == "severity":
            if value not in SEVERITIES:
                raise reader.error(f"{where}: severity must be one of {_choices(SEVERITIES)}, not `{value}`", *keys, key)
            config.severities[code.code] = value
        elif code.option(key) is not None:
            try:
                config.options.setdefault(code.code, {})[key] = code.option(key).parse(value)
            except codes.OptionError as exc:
                raise reader.error(f"{where}: `{key}` {exc}", *keys, key) from None
        else:
            known = ["severity", *(o.name for o in code.options)]
            raise reader.error(f"{where}: unknown setting `{key}`{did_you_mean(key, known)}; {code.slug} takes {_choices(known)}", *keys, key)


def _choices(values) -> str:
    return ", ".join(f"`{v}`" for v in values)

"""Check settings: per-rule severity or `off`, per-rule options, `strict`.

Read from `[tool.sopc]` in `pyproject.toml` or from the top level of
`sopc.toml`, whichever is found first in the working folder or its parents
(a `pyproject.toml` without `[tool.sopc]` does not count), e.g.

    [tool.sopc]
    strict = true

    [tool.sopc.rules]
    unbounded-loop = "error"
    stale-review = { severity = "warning", max-age-days = 365 }
    todo-text = "off"

Rules are named by code or slug. A mistake in the settings is a `ConfigError`
(the command line exits 2): a check run with settings nobody meant is worse
than none.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from sopc.problems import ERROR, did_you_mean

SEVERITIES = ("error", "warning", "off")
CONFIG_NAMES = ("sopc.toml", "pyproject.toml")


class ConfigError(Exception):
    """The settings cannot be used; the message says where and why."""


@dataclass
class Config:
    severities: dict[str, str] = field(default_factory=dict)  # rule ID -> error, warning or off
    options: dict[str, dict] = field(default_factory=dict)  # rule ID -> options
    strict: bool = False
    source: str | None = None  # the file the settings came from

    def severity(self, rule) -> str:
        return self.severities.get(rule.ID, rule.SEVERITY)

    def rule_options(self, rule) -> dict:
        return {**rule.OPTIONS, **self.options.get(rule.ID, {})}

    def errors_only(self) -> Config:
        """These settings with every rule that reports only warnings turned off.

        For commands that stop on errors and ignore warnings (export, run,
        test): they need not spend time finding what they would not show.
        """
        from sopc.check import rules

        severities = {rule.ID: "off" for rule in rules.RULES if self.severity(rule) != ERROR}
        return replace(self, severities={**self.severities, **severities})


def load_config(path: str | Path | None = None, start: str | Path | None = None) -> Config:
    """The settings of `path`, or of the nearest settings file above `start` (default: here)."""
    if path is not None:
        path = Path(path)
        table = _read(path)
        if path.name == "pyproject.toml":
            table = _tool_table(table, path) or {}
        return parse(table, str(path))
    found = find_config(Path(start or Path.cwd()))
    return parse(found[1], str(found[0])) if found else Config()


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
            return candidate, _read(candidate)
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _tool_table(_read(candidate), candidate)
            if table is not None:
                return candidate, table
    return None


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML: the file is not UTF-8 text") from None


def _tool_table(document: dict, path: Path):
    """`[tool.sopc]` of a pyproject.toml, or None if it has none."""
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table, such as [tool.sopc]")
    return tool.get("sopc")


def parse(table: dict, source: str = "settings") -> Config:
    """A Config from a `[tool.sopc]` table; ConfigError on anything unknown or ill-typed."""
    from sopc.check.rules import RULES, find

    if not isinstance(table, dict):
        raise ConfigError(f"{source}: the settings must be a table")
    config = Config(source=source)
    for key, value in table.items():
        if key == "strict":
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: `strict` must be true or false")
            config.strict = value
        elif key == "rules":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: `rules` must be a table of rule settings")
            for name, setting in value.items():
                rule = find(name)
                if rule is None:
                    names = [r.SLUG for r in RULES] + [r.ID for r in RULES]
                    raise ConfigError(f"{source}: [rules] `{name}` is not a check rule{did_you_mean(name, names)}")
                if rule.ID in config.severities or rule.ID in config.options:
                    raise ConfigError(f"{source}: [rules] `{rule.SLUG}` ({rule.ID}) is set twice")
                _set_rule(config, rule, setting, f"{source}: [rules] `{name}`")
        else:
            raise ConfigError(f"{source}: unknown setting `{key}`{did_you_mean(key, ['strict', 'rules'])}; the settings are `strict` and `rules`")
    return config


def _set_rule(config: Config, rule, setting, where: str) -> None:
    if isinstance(setting, str):
        setting = {"severity": setting}
    if not isinstance(setting, dict):
        raise ConfigError(f"{where} must be one of {_choices(SEVERITIES)} or a table such as {{ severity = \"warning\" }}")
    for key, value in setting.items():
        if key == "severity":
            if value not in SEVERITIES:
                raise ConfigError(f"{where}: severity must be one of {_choices(SEVERITIES)}, not `{value}`")
            config.severities[rule.ID] = value
        elif key in rule.OPTIONS:
            config.options.setdefault(rule.ID, {})[key] = _option_value(rule.OPTIONS[key], value, f"{where}: `{key}`")
        else:
            known = ["severity", *rule.OPTIONS]
            raise ConfigError(f"{where}: unknown setting `{key}`{did_you_mean(key, known)}; {rule.SLUG} takes {_choices(known)}")


def _option_value(default, value, where: str):
    """The value, if it has the type of the option's default (a whole number of at least 0 for numbers)."""
    if isinstance(default, bool) or not isinstance(default, int):
        if type(value) is not type(default):
            raise ConfigError(f"{where} must be {type(default).__name__}, not `{value}`")
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{where} must be a whole number of at least 0, not `{value}`")
    return value


def _choices(values) -> str:
    return ", ".join(f"`{v}`" for v in values)

"""The `sopc` command: a thin layer over the library."""

from __future__ import annotations

import sys

import click

from . import __version__

DEFAULT_SOURCES = "sops"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sopc")
def main():
    """sopc compiles Standard Operating Procedures written as YAML decision
    graphs into checks, a searchable site and a JSON runtime."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True, help="How to print problems: text, json, GitHub Actions annotations or SARIF 2.1.0.")
@click.option("--strict/--no-strict", default=None, help="Fail on warnings too (default: `strict` in the settings).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Settings file (sopc.toml or pyproject.toml); default: the nearest one above the working folder.")
def check(paths, fmt, strict, config_path):
    """Check SOP files and folders (default: sops/).

    Prints every problem as path:line:col with its rule code, and exits 1 if
    any error is found (or any warning, with --strict), 2 if the command or
    its settings are wrong, 0 otherwise.
    """
    from .check import check_paths
    from .config import ConfigError, load_config
    from .report import REPORTERS

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        click.echo(f"sopc: {exc}", err=True)
        sys.exit(2)
    if strict is not None:
        config.strict = strict
    result = check_paths(paths or [DEFAULT_SOURCES], config)
    click.echo(REPORTERS[fmt].render(result, config.strict), nl=False)
    sys.exit(1 if result.failed(config.strict) else 0)

"""The `sopc` command: a thin layer over the library."""

from __future__ import annotations

import gc
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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print problems.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--no-cache", is_flag=True, help="Check every file from scratch, without reading or writing .sopc-cache/check/.")
def check(paths, fmt, strict, no_cache):
    """Check SOP files and folders (default: sops/).

    Prints every problem as path:line:col with its rule code, and exits 1 if
    any error is found (or any warning, with --strict), 0 otherwise.
    """
    from .config import Config
    from .report import REPORTERS

    config = Config(strict=strict)
    if no_cache:
        from .check import check_paths

        result = check_paths(paths or [DEFAULT_SOURCES], config)
    else:
        from .cache import check_cached

        result = check_cached(paths or [DEFAULT_SOURCES], config)
    click.echo(REPORTERS[fmt].render(result, strict), nl=False)
    # A large corpus is millions of objects; freezing them spares the exit a
    # last full garbage collection over all of them.
    gc.freeze()
    sys.exit(1 if result.failed(strict) else 0)

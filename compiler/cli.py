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


@main.command()
@click.option("--sources", "sources", multiple=True, type=click.Path(exists=True), show_default="sops",
              help="SOP files or folders to compile (repeatable).")
@click.option("--site-dir", default="site", show_default=True, type=click.Path(file_okay=False),
              help="Where to put the built site; replaced only once the new one is complete.")
@click.option("--config-file", default="mkdocs.yml", show_default=True, type=click.Path(dir_okay=False),
              help="The MkDocs configuration.")
@click.option("--docs-dir", default=None, type=click.Path(file_okay=False),
              help="Where to write the generated pages (default: the configuration's docs_dir).")
def build(sources, site_dir, config_file, docs_dir):
    """Check the SOPs, then build the agents' site.

    Refuses to publish when `sopc check` finds errors (printed as by `sopc
    check`, exit 1). Otherwise compiles every SOP into a page with its
    flowchart, runs MkDocs and swaps the new site into place.
    """
    from .emit.site import CheckFailed, SiteError, build_site

    try:
        outcome = build_site(list(sources) or [DEFAULT_SOURCES], site_dir, config_file, docs_dir)
    except CheckFailed as exc:
        click.echo(str(exc), nl=False)
        click.echo("sopc build: not published; fix the errors above.", err=True)
        sys.exit(1)
    except SiteError as exc:
        click.echo(f"sopc build: {exc}", err=True)
        sys.exit(1)
    if outcome.result.problems:  # warnings only: they do not stop the build
        from .report import REPORTERS

        click.echo(REPORTERS["text"].render(outcome.result), nl=False, err=True)
    drawn = f", {outcome.stats.rendered} flowcharts drawn, {outcome.stats.cached} from cache" if outcome.stats else ""
    click.echo(f"Built {len(outcome.result.corpus.sops)} SOPs into {site_dir}{drawn}.")

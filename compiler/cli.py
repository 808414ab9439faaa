"""The `sopc` command: a thin layer over the library."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from sopc import __version__
from sopc.emit import ENGINES
from sopc.report import FORMATS

DEFAULT_SOURCES = "sops"
NO_SOURCES = "no SOPs found: run `sopc init` or pass a folder"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sopc")
def main():
    """sopc compiles Standard Operating Procedures written as YAML decision
    graphs into checks, a searchable site and a JSON runtime."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="text",
              show_default=True, help="How to print problems: text, json, GitHub Actions annotations or SARIF 2.1.0.")
@click.option("--strict/--no-strict", default=None, help="Fail on warnings too (default: `strict` in the settings).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Settings file (sopc.toml or pyproject.toml); default: the nearest one above the working folder.")
@click.option("--no-cache", is_flag=True, help="Check every file from scratch, without reading or writing .sopc-cache/check/.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Read and check files in this many processes (0: one per CPU).")
def check(paths, fmt, strict, config_path, no_cache, jobs):
    """Check SOP files and folders (default: sops/).

    Prints every problem as path:line:col with its rule code, and exits 1 if
    any error is found (or any warning, with --strict), 2 if the command or
    its settings are wrong, 0 otherwise.
    """
    from sopc.report import reporter

    config = _settings(config_path)
    if strict is not None:
        config.strict = strict
    from sopc.check.workers import job_count

    if no_cache:
        from sopc.check import check_paths

        result = check_paths(_sources(paths), config, keep_models=False, jobs=job_count(jobs))
    else:
        from sopc.check.cache import check_cached

        result = check_cached(_sources(paths), config, jobs=job_count(jobs))
    click.echo(reporter(fmt).render(result, config.strict), nl=False)
    # A large corpus is millions of objects; freezing them spares the exit a
    # last full garbage collection over all of them.
    gc.freeze()
    sys.exit(1 if result.failed(config.strict) else 0)


@main.command()
@click.option("--sources", "sources", multiple=True, type=click.Path(exists=True), show_default="sops",
              help="SOP files or folders to compile (repeatable).")
@click.option("--site-dir", default=None, type=click.Path(file_okay=False), show_default="site",
              help="Where to put the built site; replaced only once the new one is complete.")
@click.option("--config-file", default=None, type=click.Path(dir_okay=False), show_default="mkdocs.yml",
              help="The site configuration (read by both engines).")
@click.option("--docs-dir", default=None, type=click.Path(file_okay=False),
              help="Where to write the generated pages (default: the configuration's docs_dir).")
@click.option("--engine", type=click.Choice(ENGINES), default="mkdocs", show_default=True,
              help="The site engine: MkDocs with Material, or Zensical.")
@click.option("--rule-pages", is_flag=True, help="Also publish the check rules' reference, for authors.")
def build(sources, site_dir, config_file, docs_dir, engine, rule_pages):
    """Check the SOPs, then build the agents' site.

    Refuses to publish when `sopc check` finds errors (printed as by `sopc
    check`, exit 1). Otherwise compiles every SOP into a Markdown page with
    its flowchart, runs the site engine and swaps the new site into place.
    Paths not given are those of the project (the folder of the nearest
    sopc.toml, or the working folder).
    """
    from sopc.config import project_root
    from sopc.emit.site import CheckFailed, SiteError, build_site

    root = project_root()
    site_dir = site_dir or _shown(root / "site")
    try:
        outcome = build_site(_sources(sources), site_dir, config_file or _shown(root / "mkdocs.yml"), docs_dir,
                             engine=engine, rule_pages=rule_pages)
    except CheckFailed as exc:
        click.echo(str(exc), nl=False)
        click.echo("sopc build: not published; fix the errors above.", err=True)
        sys.exit(1)
    except SiteError as exc:
        from sopc.report.terminal import visible_lines

        click.echo(visible_lines(f"sopc build: {exc}"), err=True)
        sys.exit(1)
    if outcome.result.problems:  # warnings only: they do not stop the build
        from sopc.report import reporter

        click.echo(reporter("text").render(outcome.result), nl=False, err=True)
    drawn = f", {outcome.stats.rendered} flowcharts drawn, {outcome.stats.cached} from cache" if outcome.stats else ""
    changed = " (only the changed pages rendered again)" if outcome.only_changed else ""
    click.echo(f"Built {outcome.sops} SOPs into {site_dir} with {engine}{changed}{drawn}.")


def _sources(given) -> list:
    """The SOP files and folders given, or else the project's `sops/` (found
    from the working folder up); exit 2 with what to do if there is none."""
    if given:
        return list(given)
    from sopc.config import project_root

    default = _shown(project_root() / DEFAULT_SOURCES)
    if not os.path.exists(default):
        _fail(NO_SOURCES)
    return [default]


def _shown(path) -> str:
    """A path relative to the working folder when it is inside it (as reports show paths)."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _settings(config_path=None):
    """The check settings (the nearest settings file, or `config_path`); exit 2 if they are wrong."""
    from sopc.config import ConfigError, load_config

    try:
        return load_config(config_path)
    except ConfigError as exc:
        click.echo(f"sopc: {exc}", err=True)
        sys.exit(2)


@main.command()
@click.argument("code", required=False)
def explain(code):
    """Print the documentation of a problem code, by code or name
    (`sopc explain SOP103`, `sopc explain unreachable-step`).

    Without CODE, lists every code. Exits 2 if there is no such code.
    """
    from sopc import codes

    if code is None:
        click.echo(codes.markdown_table(), nl=False)
        return
    found = codes.get(code) or codes.get(code.upper())
    if found is None:
        _fail(f"no problem code `{code}`{codes.unknown(code)}; `sopc explain` lists them")
    click.echo(codes.explanation(found), nl=False)


# -- runtime: export, run, test (docs/runtime.md) ---------------------------

def _checked_corpus(paths, each_sop=None):
    """The corpus, or exit 1 with the located errors that make it unusable (warnings do not).

    With `each_sop` (called with each SOP's model while it is checked), the
    corpus holds only summaries of the SOPs (`check_paths(keep_models=False)`).
    """
    from sopc.check import check_paths
    from sopc.report import reporter

    result = check_paths(_sources(paths), _settings().errors_only(), keep_models=each_sop is None, each_sop=each_sop)
    if result.errors:
        click.echo(reporter("text").render(result), nl=False, err=True)
        click.echo("sopc: fix these errors first; a corpus with errors is not exported or run.", err=True)
        sys.exit(1)
    return result.corpus


def _bundle_or_exit(corpus, sop_id=None, text=False, pretty=False):
    """The bundle (with `text`: and the JSON text to write), or exit 1 with what stops the export."""
    from sopc.emit.bundle import ExportError, build_bundle, export_bundle

    try:
        return export_bundle(corpus, sop_id, pretty) if text else build_bundle(corpus, sop_id)
    except ExportError as exc:
        _report_export_problems(exc.problems)


def _streamed_or_exit(corpus, output, sop_id, spool):
    """Write the bundle SOP by SOP (`write_bundle`); exit 1 with what stops the export or the write."""
    from sopc.emit.bundle import ExportError, write_bundle

    try:
        return write_bundle(corpus, output, sop_id, spool)
    except ExportError as exc:
        _report_export_problems(exc.problems)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}", 1)


def _report_export_problems(problems):
    from sopc.report.text import line

    for p in problems:
        click.echo(line(p), err=True)
    sys.exit(1)


def _fail(message, code=2):
    from sopc.report.terminal import visible

    click.echo(f"sopc: {visible(message)}", err=True)
    sys.exit(code)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the bundle here (default: standard output).")
@click.option("--sop", "sop_id", metavar="ID", help="Export only this SOP and the SOPs it hands off to.")
@click.option("--scenarios", "scenarios_path", type=click.Path(dir_okay=False, writable=True),
              help="Also write the scenarios of the exported SOPs as a runtime-neutral test suite.")
@click.option("--pretty", is_flag=True, help="Indent all of the JSON (default: one line per step, which diffs well).")
def export(paths, output, sop_id, scenarios_path, pretty):
    """Export SOP files and folders (default: sops/) as one JSON runtime bundle.

    Refuses (exit 1) a corpus with check errors. The same corpus always gives
    the same bytes. Format: docs/runtime.md, schema/runtime.schema.json.
    """
    from sopc.emit.bundle import build_scenarios, dumps
    from sopc.problems import did_you_mean

    from sopc.emit.bundle import SopSpool

    # Without --pretty, each SOP's text is written while it is checked and its model let go.
    spool = None if pretty else SopSpool()
    corpus = _checked_corpus(paths, None if spool is None else spool.add)
    if sop_id is not None and sop_id not in corpus.sops:
        _fail(f"no SOP `{sop_id}`{did_you_mean(sop_id, corpus.sops)}; SOPs: {', '.join(sorted(corpus.sops)) or 'none'}")
    if spool is None:
        bundle, text = _bundle_or_exit(corpus, sop_id, text=True, pretty=pretty)
        _write(output, text)
    else:
        bundle = _streamed_or_exit(corpus, output, sop_id, spool)
        spool.close()
    if scenarios_path:
        _write(scenarios_path, dumps(build_scenarios(corpus, bundle)))


def _write(path, text):
    if not path:
        click.echo(text, nl=False)
        return
    from sopc.atomic_file import write_whole

    try:
        write_whole(path, text)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror or exc}", 1)


@main.command()
@click.argument("sop_id", required=False)
@click.option("--sources", multiple=True, type=click.Path(exists=True), help="SOP files or folders (default: sops/).")
@click.option("--answers", help="Answers to the questions, in order, comma-separated: labels or option numbers (from 1).")
@click.option("--answers-file", type=click.File("r", encoding="utf-8"), help="Answers, one a line.")
@click.option("--fact", "facts", multiple=True, metavar="KEY=VALUE", help="A fact known at the start (repeatable).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="The date conditions measure from (default: today).")
@click.option("--save", "save_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Stop at a wait or when the answers run out, and save the walk to FILE (also saved at the end).")
@click.option("--resume", "resume_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Go on with a walk saved by --save (or by any sopc runtime).")
def run(sop_id, sources, answers, answers_file, facts, today, save_path, resume_path):
    """Walk through an SOP in the terminal.

    Without --answers it asks for the facts its scripts and decisions use and
    then each question. With --answers (or --answers-file) it runs unattended
    and fails (exit 2) if an answer is not an option or the answers run out.
    With --save FILE it stops at a wait, or where the answers run out, and
    saves the walk; `sopc run --resume FILE` goes on with it.
    """
    from datetime import date

    from sopc.problems import did_you_mean
    from sopc.runtime import Bundle, SopcRuntimeError
    from sopc.commands.run import (SaveError, Saver, WalkError, ask_facts, parse_facts, restore, resume_walk, walk,
                                   walked_sop)

    if answers is not None and answers_file is not None:
        _fail("give --answers or --answers-file, not both")
    if sop_id is None and resume_path is None:
        _fail("give the id of the SOP to walk, or --resume FILE")
    corpus = _checked_corpus(list(sources))
    if sop_id is not None and sop_id not in corpus.sops:
        _fail(f"no SOP `{sop_id}`{did_you_mean(sop_id, corpus.sops)}; SOPs: {', '.join(sorted(corpus.sops)) or 'none'}")
    bundle = Bundle.load(_bundle_or_exit(corpus))
    planned = None
    if answers is not None:
        planned = [a.strip() for a in answers.split(",") if a.strip()]
    elif answers_file is not None:
        try:
            planned = [line.strip() for line in answers_file if line.strip()]
        except UnicodeDecodeError:
            _fail(f"--answers-file {answers_file.name}: not UTF-8 text")
    saver = Saver(save_path)
    try:
        if resume_path is not None:
            session = restore(bundle, resume_path, sop_id)
            if today:
                session.today = today.date()
            resume_walk(session, parse_facts(bundle, walked_sop(session), facts), planned, saver)
            return
        known = parse_facts(bundle, sop_id, facts)
        if planned is None:
            ask_facts(bundle, sop_id, known)
        walk(bundle, sop_id, known, planned, today.date() if today else date.today(), saver)
    except WalkError as exc:
        _fail(str(exc))
    except SaveError as exc:
        _fail(str(exc), 1)
    except SopcRuntimeError as exc:
        _fail(str(exc), 1)
    except click.Abort:
        _fail("input ended before the walk did")


@main.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--min-coverage", type=click.FloatRange(0, 100), metavar="PERCENT",
              help="Fail when the scenarios walk less than this share of the edges.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def test_command(paths, min_coverage, fmt):
    """Run the scenarios of SOP files and folders (default: sops/) and report
    failures and flow coverage. Exits 1 on a failure or too little coverage."""
    from sopc.commands.test import failed, render_json, render_text, run_tests
    from sopc.runtime import Bundle

    corpus = _checked_corpus(paths)
    report = run_tests(corpus, Bundle.load(_bundle_or_exit(corpus)))
    render = render_json if fmt == "json" else render_text
    click.echo(render(report, min_coverage), nl=False)
    sys.exit(1 if failed(report, min_coverage) else 0)


@main.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--sources", multiple=True, metavar="PATH", show_default="sops",
              help="Where the SOPs are in a revision or the working tree (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text for a terminal, markdown for a pull request comment, json for tools.")
@click.option("--fail-on", "fail_on", multiple=True, metavar="CONDITION",
              help="Exit 1 when the changes include this (repeatable, or comma-separated): "
                   "unreachable, outcome-removed, removed, missing-target, scenario, problems, any, or a change kind.")
def diff(base, head, sources, fmt, fail_on):
    """Compare two versions of the SOPs as models: what changed and what it does to the flow.

    BASE and HEAD are git revisions of the repository here (HEAD defaults to
    the working tree) or two SOP files or folders. Exits 0 whatever changed,
    1 when a --fail-on condition is met, 2 on a usage mistake.
    """
    from sopc.config import project_root
    from sopc.diff import FAIL_CONDITIONS, SideError, diff_sides
    from sopc.diff.render import render

    conditions = [c.strip() for value in fail_on for c in value.split(",") if c.strip()]
    unknown = [c for c in conditions if c not in FAIL_CONDITIONS]
    if unknown:
        _fail(f"--fail-on {unknown[0]}: not a condition; use one of {', '.join(FAIL_CONDITIONS)}")
    try:
        report = diff_sides(base, head, list(sources) or [_shown(project_root() / DEFAULT_SOURCES)])
    except SideError as exc:
        _fail(str(exc))
    click.echo(render(report, fmt), nl=False)
    met = report.failing(conditions)
    if met:
        click.echo(f"sopc diff: failing on {', '.join(met)}", err=True)
    sys.exit(1 if met else 0)


@main.command()
@click.option("--sources", "sources", multiple=True, type=click.Path(exists=True), show_default="sops",
              help="SOP files or folders to compile (repeatable).")
@click.option("--config-file", default=None, type=click.Path(dir_okay=False), show_default="mkdocs.yml",
              help="The site configuration.")
@click.option("--docs-dir", default=None, type=click.Path(file_okay=False),
              help="Where to write the generated pages (default: the configuration's docs_dir).")
@click.option("--engine", type=click.Choice(ENGINES), default="mkdocs", show_default=True, help="The site engine.")
@click.option("--rule-pages", is_flag=True, help="Also show the check rules' reference.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port on 127.0.0.1 (0: any free one).")
def serve(sources, config_file, docs_dir, engine, rule_pages, port):
    """Preview the agents' site on http://127.0.0.1:PORT/ while you write.

    Rebuilds when an SOP, the site configuration or the settings change, and
    reloads the open pages. While the SOPs have errors, the browser shows
    them (path:line:col, as `sopc check` does) until they are fixed. Stop
    with Ctrl+C; nothing is written to site/.
    """
    from sopc.commands.serve import Options
    from sopc.commands.serve import serve as run_preview
    from sopc.config import project_root

    options = Options(_sources(sources), config_file or _shown(project_root() / "mkdocs.yml"), docs_dir, engine,
                      rule_pages)
    try:
        run_preview(options, port, say=click.echo)
    except OSError as exc:
        _fail(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}", 1)


# -- a knowledge-base repository: init, schema -------------------------------

@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
def init(directory):
    """Make DIRECTORY (default: here) a knowledge-base repository.

    Writes an example SOP and a procedures file in sops/, sopc.toml, the
    site configuration (mkdocs.yml), the SOP schema the files' modelines
    point at, a GitHub Actions workflow and a pre-commit configuration.
    Never overwrites a file: one that is there is kept as it is.
    """
    from sopc.commands.init import scaffold

    try:
        done = scaffold(directory)
    except OSError as exc:
        _fail(f"cannot write in {directory}: {exc.strerror or exc}", 1)
    for relative in done.written:
        click.echo(f"wrote {_shown(done.root / relative)}")
    for relative in done.kept:
        click.echo(f"kept  {_shown(done.root / relative)} (already there)")
    where = "" if done.root.resolve() == Path.cwd() else f"cd {_shown(done.root)} && "
    click.echo(f"Next: {where}sopc check && sopc test && sopc build   (sopc serve to preview while writing)")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the schema here (default: standard output).")
@click.option("--runtime", is_flag=True, help="The runtime bundle's schema instead of the SOP language's.")
def schema(output, runtime):
    """Print the JSON Schema of SOP files (for editors: the YAML modeline
    `# yaml-language-server: $schema=../schema/sop.schema.json` of a file in
    sops/ finds it at schema/sop.schema.json), or of the runtime bundle."""
    from sopc.schemas import RUNTIME_SCHEMA, SOP_SCHEMA

    _write(output, (RUNTIME_SCHEMA if runtime else SOP_SCHEMA).read_text(encoding="utf-8"))

"""MkDocs plugins, registered through the `mkdocs.plugins` entry point.

`sopc`: for people who run `mkdocs build` or `mkdocs serve` themselves
(`plugins: [search, sopc]` in mkdocs.yml). Before every (re)build it checks
the SOPs, writes the generated pages into the docs folder and sets the menu,
exactly as `sopc build` does; `serve` also watches the SOP folders. `sopc
build` does not need it (it generates the pages before any engine runs), and
Zensical skips it: both get the same pages and menu from sopc itself.

    plugins:
      - search
      - sopc:
          sources: [sops]      # SOP folders or files, relative to mkdocs.yml
          rule_pages: false    # true: add the check rules' reference

`sopc-reference`: sopc's own documentation site (docs/mkdocs.yml) adds the
pages generated from the code: one page per check rule and the command-line
reference.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path

import jinja2
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File

from sopc import cache_seal
from sopc.emit import engines, sanitize, search_index, site

log = logging.getLogger("mkdocs.plugins.sopc")
TEMPLATES = "templates"  # the theme's compiled templates, in the project's cache folder


class SealedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache in `folder`, each file sealed (`sopc.cache_seal`).

    Compiled templates are Python code that the build runs, and a pull
    request can add files to the project's cache folder: only bytecode this
    user's sopc wrote is loaded, any other file is compiled again from the
    template.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket) -> None:
        content = cache_seal.read(self.folder / f"{bucket.key}.cache")
        if content is not None:
            bucket.bytecode_from_string(content)  # Jinja checks its own version and the source's checksum

    def dump_bytecode(self, bucket) -> None:
        try:
            cache_seal.write(self.folder / f"{bucket.key}.cache", bucket.bytecode_to_string())
        except OSError:  # a full disk only costs speed
            pass


class SopcOptions(Config):
    sources = c.ListOfItems(c.Type(str), default=[site.DEFAULT_SOURCES])
    rule_pages = c.Type(bool, default=False)


class PageSanitizer(BasePlugin):
    """The rendered HTML of every generated page through the allow-list
    sanitizer (`sanitize.page_html`) before MkDocs writes it or indexes it for
    search. Added by `sopc build` itself and by the `sopc` plugin."""

    NAME = "sopc-sanitize"

    def __init__(self, pages: frozenset = frozenset()):
        super().__init__()
        self.pages = frozenset(pages)
        self.current: str | None = None  # the page being rendered, for messages

    def on_env(self, env, *, config, files):
        """Keep the theme's templates compiled between builds.

        MkDocs compiles Material's templates again at every build (about a
        sixth of a rebuild after one edit at 100 SOPs). Jinja keeps each
        template's bytecode under the project's cache folder, keyed by the
        template's source, so an upgraded theme is compiled again.
        """
        folder = Path(config.config_file_path or ".").resolve().parent / site.CACHE_DIR / TEMPLATES
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only project only costs speed
            return env
        env.bytecode_cache = SealedBytecodeCache(folder)
        return env

    def on_page_markdown(self, markdown, page, **_):
        self.current = page.file.src_uri
        return markdown

    def on_page_content(self, html, page, **_):
        return sanitize.page_html(html) if page.file.src_uri in self.pages else html

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config):
        search_index.compact(config.site_dir)


class SopcPlugin(BasePlugin[SopcOptions]):
    """Compile the SOPs into the docs folder before MkDocs reads it.

    Under `mkdocs serve`, SOPs with errors do not stop the rebuild (MkDocs
    would then leave the browser's request waiting until they are fixed):
    the pages of the last good build are served with the located errors on
    top of each, until a save fixes them.
    """

    def __init__(self):
        super().__init__()
        self.sanitizer = PageSanitizer()
        self.serving = False
        self.problems: str | None = None  # the check report while the SOPs have errors (serve only)

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    def on_env(self, env, *, config, files):
        return self.sanitizer.on_env(env, config=config, files=files)

    def on_page_markdown(self, markdown, page, **kwargs):
        return self.sanitizer.on_page_markdown(markdown, page, **kwargs)

    def on_page_content(self, html, page, **kwargs):
        html = self.sanitizer.on_page_content(html, page, **kwargs)
        return problems_banner(self.problems) + html if self.problems else html

    @event_priority(-100)
    def on_post_build(self, *, config):
        self.sanitizer.on_post_build(config=config)

    def on_files(self, files, config):
        if self.problems and files.get_file_from_path("index.md") is None:  # nothing built yet to show them on
            files.append(File.generated(config, "index.md", content="# The SOPs have errors\n"))
        return files

    def on_config(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        sources = self._sources(root)
        self.problems = None
        try:
            corpus = site.checked_corpus(sources, start=root)
        except site.CheckFailed as exc:
            if not self.serving:
                raise PluginError(f"sopc: {exc}") from exc
            self.problems = str(exc)
            log.error("sopc: the SOPs have errors; the pages show them until they are fixed:\n%s", exc)
            return self._assets_and_watch(config, sources)
        except site.SiteError as exc:
            raise PluginError(f"sopc: {exc}") from exc
        try:
            generated = site.generate_docs(corpus, config.docs_dir, root / site.CACHE_DIR,
                                           directory_urls=config.use_directory_urls, site_name=config.site_name,
                                           rule_pages=self.config.rule_pages)
        except site.SiteError as exc:
            raise PluginError(f"sopc: {exc}") from exc
        self.sanitizer.pages = generated.pages()
        log.info("sopc: %d pages, %d flowcharts drawn, %d from cache", len(generated.files),
                 generated.stats.rendered, generated.stats.cached)
        if not config.nav:
            config.nav = site.navigation(self.config.rule_pages)
        return self._assets_and_watch(config, sources)

    @staticmethod
    def _assets_and_watch(config, sources: list[Path]):
        if engines.CSS not in config.extra_css:
            config.extra_css.append(engines.CSS)
        config.extra_javascript.extend(engines.missing_scripts(
            [getattr(item, "path", item) for item in config.extra_javascript]))
        for source in sources:
            if source.exists() and str(source) not in config.watch:
                config.watch.append(str(source))
        return config

    def _sources(self, root: Path) -> list[Path]:
        # SOPC_SOURCES previews another folder without editing mkdocs.yml.
        named = [os.environ["SOPC_SOURCES"]] if os.environ.get("SOPC_SOURCES") else self.config.sources
        return [root / source for source in named]


def problems_banner(report: str) -> str:
    return ('<div class="admonition danger sopc-problems"><p class="admonition-title">The SOPs have errors: '
            'this preview shows the last good build until they are fixed</p>'
            f'<pre>{html.escape(report)}</pre></div>')


class ReferencePlugin(BasePlugin):
    """Add the pages sopc generates from its code to its documentation site."""

    def on_files(self, files, config):
        pages = {**site.rule_reference(), "cli.md": cli_reference()}
        for path, text in pages.items():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=text))
        return files


def cli_reference() -> str:
    """Every `sopc` command with its options, from the command line's own help."""
    import click

    from sopc.cli import main

    parts = ["# Command-line reference",
             "Generated from `sopc --help`: every command, its arguments and options."]
    with click.Context(main, info_name="sopc") as parent:
        for name in sorted(main.commands):
            command = main.commands[name]
            with click.Context(command, info_name=name, parent=parent) as context:
                parts.append(f"## sopc {name}\n\n```text\n{command.get_help(context)}\n```")
    return "\n\n".join(parts) + "\n"

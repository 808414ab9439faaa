"""MkDocs hook: `mkdocs build` and `mkdocs serve` compile the SOPs first.

Listed under `hooks:` in mkdocs.yml. On every (re)build it checks the sources
(`sops/`, or the folder named by SOPC_SOURCES, relative to mkdocs.yml),
writes the generated pages into the docs folder and sets the menu. `serve`
watches the sources, so saving a YAML file rebuilds the site.
"""

from __future__ import annotations

from mkdocs.exceptions import PluginError

from sopc.emit import site


def on_config(config):
    try:
        return site.configure_mkdocs(config)
    except site.SiteError as exc:
        if site.in_sopc_build():
            raise  # `sopc build` reports it itself
        raise PluginError(f"sopc: {exc}") from exc

#!/usr/bin/env bash
# Installs what a fresh machine lacks to build the site and run every test:
# Graphviz (flowcharts), Chromium (browser tests), Node packages (the
# cross-language validator) and sopc itself with its Python dependencies.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -q "${missing[@]}" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

# Again when the lock changed since the last install (npm records it in node_modules/.package-lock.json).
if [ -f package-lock.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: installing Node packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

here=$(pwd)
# Checked from another folder, so that this checkout's own files do not pass for an install.
# The MkDocs plugin is found through its entry point, which only an install registers.
if ! (cd / && python3 -c "import sopc, mkdocs, material, nh3, zensical, pytest, playwright, cmarkgfm, pre_commit, sys
from importlib.metadata import entry_points
sys.exit(not sopc.__file__.startswith('$here/') or not entry_points(group='mkdocs.plugins', name='sopc'))") >/dev/null 2>&1 \
   || ! command -v sopc >/dev/null 2>&1; then
  echo "setup: installing sopc and its Python packages"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -e ".[site,zensical,test]"
fi
echo "setup: ready"

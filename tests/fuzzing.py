"""Mutations of valid SOP sources, and the promise every command keeps on them.

The promise (see docs/robustness.md): whatever the input, a command exits 0,
1 or 2, prints no Python traceback, and every problem line it prints starts
with `path:line:col:`. Mutations are drawn from a seeded `random.Random`, so a
failure names the seed that reproduces it.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "schema" / "sop.schema.json").read_text(encoding="utf-8"))
SEEDS = sorted((REPO / "sops").glob("*.yaml")) + sorted((REPO / "tests" / "language" / "valid").glob("*.yaml"))

# Names of Python exceptions that must never reach the user.
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|\b(?:[A-Z][a-zA-Z]*Error|Exception|KeyError|"
                       r"RecursionError|AttributeError|TypeError|IndexError)\b:")
# A problem line: `path:line:col: severity[CODE slug]: message` (text) or an annotation (github).
PROBLEM_LINE = re.compile(r"^(?:::(?:error|warning|notice) file=[^,]+,line=\d+,col=\d+|\S.*:\d+:\d+: "
                          r"(?:error|warning)\[SOP\d{3} [a-z-]+\]: )")
LOOKS_LIKE_PROBLEM = re.compile(r"(?:error|warning)\[SOP\d{3}")
# What must never be printed: a control character a terminal acts on (a tab is
# harmless), or a GitHub workflow command sopc did not write itself.
ACTS_ON_A_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORGED_COMMAND = re.compile(r"^\s*::(?!(?:error|warning) file=[^\n]*,line=\d+,col=\d+,title=SOP\d{3} [a-z-]+::)|##\[")


def seed_texts() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in SEEDS}


# -- values a field should never hold ----------------------------------------

def odd_values(rng: random.Random) -> list:
    deep: object = "leaf"
    for _ in range(rng.choice([20, 60, 300])):
        deep = [deep] if rng.random() < 0.5 else {"k": deep}
    return [
        None, True, False, 0, -1, 10**30, -(10**30), 1e308, float("inf"), float("nan"), 3.5,
        "", " ", "x" * rng.choice([1000, 100_000]), "\u202e\u05d0\u05d1 rtl", "emoji-\U0001f600-id",
        "\ufeffbom", "\\ud800 lone surrogate escaped", "{{ }}", "{{ nope }}", "{{", "<script>x</script>",
        "javascript:alert(1)", "2026-02-30", "0000-00-00", "99 hours", "-5 days", "nan", "~",
        [], [None], [[]], [{}], ["a", "a"], {}, {"": None}, {"x": [1, {"y": None}]},
        deep, rng.random(), rng.randint(-5, 5), "café", "a" * 65,
    ] + HOSTILE_TEXTS


# Texts that try to act on a terminal, a CI log or a page: control characters,
# forged workflow commands, bidirectional controls, noncharacters.
HOSTILE_TEXTS = [
    "x\n::error file=README.md,line=1::forged", "\x1b[2J\x1b]0;retitled\x07", "\x1b]8;;https://evil.example\x1b\\link",
    "a\rb", "##[warning]old-style", "\u202eevil", "\ufffe", "\uffff", "tab\there", "\x00nul", "\x85nel",
    "</title><script>alert(1)</script>", "[x](javascript:alert(1))", "{: onclick=alert(1) }", "!!! danger \"fake\"",
    "https://example.com/>)<svg/onload=alert(1)>", "{{" + " " * 5000, "[" * 8000, "sop: \"evil\\n\"",
]
HOSTILE_KEYS = ["x\n::error file=README.md,line=1::forged", "\x1b[31mred", "index", "readme", "a" * 300, "\u202ertl"]


def schema_keys() -> list[str]:
    """Every property name the schema knows, to plant where it does not belong."""
    keys: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for name, sub in node.items():
                if name == "properties" and isinstance(sub, dict):
                    keys.update(sub)
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(SCHEMA)
    return sorted(keys)


SCHEMA_KEYS = schema_keys()


# -- data-level mutations ------------------------------------------------------

def _containers(data, path=()):
    """(path, container) of every mapping and list in `data`."""
    if isinstance(data, (dict, list)) and len(path) < 12:
        yield path, data
        items = data.items() if isinstance(data, dict) else enumerate(data)
        for key, value in items:
            yield from _containers(value, path + (key,))


def mutate_data(data, rng: random.Random):
    """`data` with one field replaced, added or removed; a structural mutation."""
    containers = [c for _, c in _containers(data)]
    target = rng.choice(containers)
    action = rng.random()
    if isinstance(target, dict) and target and action < 0.15:
        del target[rng.choice(list(target))]
    elif isinstance(target, dict) and action < 0.35:
        key = rng.choice(SCHEMA_KEYS) if rng.random() < 0.8 else rng.choice(HOSTILE_KEYS)
        target[key] = rng.choice(odd_values(rng) + ["x", 1, True])
    elif isinstance(target, dict) and target:
        target[rng.choice(list(target))] = rng.choice(odd_values(rng))
    elif isinstance(target, list) and target:
        index = rng.randrange(len(target))
        if action < 0.2:
            del target[index]
        elif action < 0.4:
            target.append(target[index])
        else:
            target[index] = rng.choice(odd_values(rng))
    return data


def rename_ids(data, rng: random.Random):
    """Step ids, SOP ids and input names replaced with odd text."""
    odd = rng.choice(["", "a b", "\u202eevil", "\U0001f600", "x" * 300, "Caps", "1", "null", "-", "a/b", "..",
                      "<b>", "a\tb", "true"] + HOSTILE_KEYS)
    if isinstance(data, dict):
        if "sop" in data and rng.random() < 0.3:
            data["sop"] = odd
        for key in ("steps", "inputs", "procedures"):
            table = data.get(key)
            if isinstance(table, dict) and table and rng.random() < 0.7:
                old = rng.choice(list(table))
                data[key] = {(odd if k == old else k): v for k, v in table.items()}
    return data


def dump(data) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


# -- byte-level mutations ------------------------------------------------------

YAML_SNIPPETS = [
    b"&a ", b"*a", b"<<: *a\n", b"!!python/object:os.system ", b"!!binary ", b"!!set ", b"? ", b"- ", b": ",
    b"\t", b"\"", b"'", b"{", b"[", b"}", b"]", b"|", b">", b"%YAML 1.2\n", b"---\n", b"...\n", b"#", b"\xef\xbb\xbf",
    b"\x00", b"\xff\xfe", b"\xed\xa0\x80", b"\\ud800", b"\xe2\x80\xae", b"\xf0\x9f\x98\x80", b"\r", b"\r\n", b"\x85",
    "\u2028".encode("utf-8"), b"!!int ", b"!!str ", b"!custom ", b"0x1F", b".inf",
    b"2026-13-45", b"1_000", b"0o777", b"=", b"!!timestamp ",
]


def mutate_bytes(raw: bytes, rng: random.Random) -> bytes:
    choice = rng.random()
    if not raw:
        return rng.choice(YAML_SNIPPETS)
    offset = rng.randrange(len(raw) + 1)
    if choice < 0.25:
        return raw[:offset]
    if choice < 0.45:
        flipped = bytearray(raw)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(flipped))
            flipped[i] = rng.randrange(256)
        return bytes(flipped)
    if choice < 0.8:
        return raw[:offset] + rng.choice(YAML_SNIPPETS) + raw[offset:]
    if choice < 0.9:  # a line duplicated: duplicate keys, repeated list items
        lines = raw.splitlines(keepends=True)
        i = rng.randrange(len(lines))
        return b"".join(lines[: i + 1] + [lines[i]] + lines[i + 1:])
    lines = raw.splitlines(keepends=True)  # a line's indentation changed
    i = rng.randrange(len(lines))
    return b"".join(lines[:i] + [b" " * rng.randint(0, 5) + lines[i].lstrip(b" ")] + lines[i + 1:])


def mutant(raw: bytes, rng: random.Random) -> bytes:
    """One mutation of a valid source: byte-level or structural."""
    if rng.random() < 0.4:
        return mutate_bytes(raw, rng)
    data = yaml.safe_load(raw)
    for _ in range(rng.randint(1, 3)):
        data = rename_ids(data, rng) if rng.random() < 0.15 else mutate_data(data, rng)
    try:
        return dump(data)
    except (yaml.YAMLError, RecursionError, UnicodeError):
        return mutate_bytes(raw, rng)


# -- fixed nasty inputs --------------------------------------------------------

BILLION_LAUGHS = b"""sop: lol
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""

NASTY_FILES = {
    "billion-laughs": BILLION_LAUGHS,
    "python-object": b"sop: !!python/object/apply:os.system ['echo hi']\ntitle: x\nsteps: {a: {end: resolved}}\n",
    "python-name": b"!!python/name:os.system\n",
    "merge-key": b"sop: m\ntitle: t\nbase: &b {end: resolved}\nsteps:\n  a:\n    <<: *b\n",
    "duplicate-keys": b"sop: d\nsop: d\ntitle: t\nsteps:\n  a: {end: resolved}\n  a: {end: resolved}\n",
    "bom": b"\xef\xbb\xbfsop: bom\ntitle: t\nsteps:\n  a: {end: resolved}\n",
    "double-bom": b"\xef\xbb\xbf\xef\xbb\xbfsop: bom\ntitle: t\nsteps:\n  a: {end: resolved}\n",
    "nul": b"sop: n\x00\n",
    "latin1": b"sop: caf\xe9\n",
    "utf16": "sop: x\ntitle: t\n".encode("utf-16"),
    "empty": b"",
    "whitespace": b"   \n\n\t\n",
    "comment-only": b"# nothing\n",
    "document-end": b"...\n",
    "two-documents": b"sop: a\ntitle: t\nsteps: {a: {end: resolved}}\n---\nsop: b\n",
    "scalar": b"just text\n",
    "list": b"- 1\n- 2\n",
    "null-doc": b"~\n",
    "deep-flow": b"sop: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "deep-block": b"sop: x\ntitle: t\nsteps:\n" + b"".join(b"  " * (i + 1) + b"k:\n" for i in range(400)),
    "non-string-keys": b"1: a\ntrue: b\nnull: c\n[a]: d\n{a: 1}: e\n",
    "complex-key": b"? [a, b]\n: c\nsop: x\n",
    "lone-surrogate-escape": b"sop: \"\\ud800\"\ntitle: \"\\udfff\"\nsteps: {a: {end: resolved}}\n",
    "rtl-and-emoji-ids": "sop: \u202eevil\ntitle: t\nsteps:\n  \U0001f600: {end: resolved}\n".encode(),
    "huge": b"sop: big\ntitle: t\nsteps:\n" + b"".join(b"  s%d: {next: s%d}\n" % (i, i + 1) for i in range(120_000)),
    "huge-number": b"sop: n\ntitle: t\nrevision: " + b"9" * 5000 + b"\nsteps: {a: {end: resolved}}\n",
    "float-exp": b"sop: n\ntitle: t\nrevision: 1e999999\nsteps: {a: {end: resolved}}\n",
    "bad-timestamp": b"sop: n\ntitle: t\nreviewed: 2026-02-31\nsteps: {a: {end: resolved}}\n",
    "timestamp-time": b"sop: n\ntitle: t\nreviewed: 2026-01-01 10:00:00\nsteps: {a: {end: resolved}}\n",
    "long-line": b"sop: n\ntitle: " + b"x" * 1_000_000 + b"\nsteps: {a: {end: resolved}}\n",
    "tab-indent": b"sop: n\n\ttitle: t\n",
    "crlf": b"sop: n\r\ntitle: t\r\nsteps:\r\n  a: {end: resolved}\r\n",
    "cr-only": b"sop: n\rtitle: t\rsteps: {a: {end: resolved}}\r",
    "nel-ls": "sop: n\u0085title: t\u2028steps: {a: {end: resolved}}\n".encode(),
    "directive": b"%YAML 1.1\n%TAG ! tag:evil.com,2000:\n---\nsop: !x n\n",
    "binary-tag": b"sop: !!binary aGVsbG8=\n",
    "set-tag": b"sop: n\ntitle: t\ntags: !!set {a, b}\nsteps: {a: {end: resolved}}\n",
    "omap": b"sop: n\ntitle: t\nsteps: !!omap [{a: {end: resolved}}]\n",
    "int-keys-steps": b"sop: n\ntitle: t\nsteps:\n  1: {next: 2}\n  2: {end: resolved}\n",
    "bool-keys-inputs": b"sop: n\ntitle: t\ninputs: {yes: text, null: text}\nsteps:\n  a: {end: resolved}\n",
    "procedures-odd": b"procedures:\n  1: {title: x}\n  '': {title: y}\n  a: null\n",
    "both-kinds": b"sop: n\nprocedures: {}\n",
}


# -- the file system -------------------------------------------------------------

def plant_link(folder: Path, outside: Path, rng: random.Random) -> None:
    """A symbolic link among the sources: to a secret outside the repository, to
    a source inside it, to nothing, or to itself."""
    secret = outside / "secret.yaml"
    secret.write_text("password: " + SECRET + "\n", encoding="utf-8")
    name = folder / f"link-{rng.randrange(1000)}.yaml"
    choice = rng.random()
    if choice < 0.5:
        name.symlink_to(secret)
    elif choice < 0.7:
        name.symlink_to(next(folder.glob("*.yaml")))
    elif choice < 0.85:
        name.symlink_to(folder / "missing.yaml")
    else:
        name.symlink_to(name)


SECRET = "fuzz-secret-never-printed"


# -- a time budget for long runs ---------------------------------------------------

_STARTED = time.monotonic()
BUDGET = float(os.environ.get("SOPC_FUZZ_SECONDS", "inf"))


def skip_when_out_of_time() -> None:
    """Skip the rest of a long fuzz run once SOPC_FUZZ_SECONDS have passed, so CI time stays bounded."""
    if time.monotonic() - _STARTED > BUDGET:
        import pytest

        pytest.skip(f"the fuzz time budget of {BUDGET:g} s is used up")

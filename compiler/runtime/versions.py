"""The versions of the documents a runtime reads, in one place.

A bundle and a saved session each say which format version they are written
in (`format_version`) and the oldest runtime that can use them
(`min_runtime_version`). A runtime reads a document of its own major version
whose minimum it meets, and ignores the keys it does not know: a minor
version only adds. A new major version is refused, naming the version.

Saved sessions are versioned on their own (a session format can change
without the bundle format changing), and a runtime also names the oldest
saved-session version it still restores, as ink's save state does.
"""

from __future__ import annotations

import json

BUNDLE_FORMAT = "sopc-runtime"
# The bundle format this runtime implements, and the one the exporter writes.
FORMAT_VERSION = "1.0"
# Written as a bundle's `min_runtime_version`. Raise it only when bundles
# start using something an older runtime would run wrongly.
MIN_RUNTIME_VERSION = "1.0"

SESSION_FORMAT = "sopc-session"
# The saved-session format this runtime writes and restores.
SESSION_VERSION = "1.0"
# Written as a saved session's `min_runtime_version`: the oldest session
# version a runtime must implement to restore what this one saves.
SESSION_MIN_RUNTIME_VERSION = "1.0"
# The oldest saved-session version this runtime still restores.
MIN_SESSION_VERSION = "1.0"

# The runtime-neutral flow tests of `sopc export --scenarios`.
SCENARIOS_FORMAT = "sopc-scenarios"
SCENARIOS_VERSION = "1.0"


def parse_version(text, what: str, error: type[Exception]) -> tuple[int, int]:
    """`MAJOR.MINOR` as two numbers; anything else is an `error` naming `what`."""
    parts = text.split(".") if isinstance(text, str) else []
    if len(parts) != 2 or not all(part.isascii() and part.isdecimal() for part in parts):
        raise error(f"{what} {json.dumps(text)} is not a version; expected MAJOR.MINOR such as `1.0`")
    return int(parts[0]), int(parts[1])


def require_compatible(document: dict, *, fmt: str, implemented: str, what: str, error: type[Exception],
                       oldest: str | None = None, again: str = "") -> None:
    """Refuse (raise `error`) a document this runtime cannot use, naming the versions involved.

    `implemented` is the version of `fmt` this runtime implements, `oldest`
    the oldest version of it still read (None: every version of the same
    major), `again` what the user can do instead.
    """
    if document.get("format") != fmt:
        raise error(f"not a {what}: `format` is {json.dumps(document.get('format'))}, expected \"{fmt}\"")
    own = parse_version(implemented, "runtime version", error)
    written = document.get("format_version")
    version = parse_version(written, f"{what} `format_version`", error)
    needed_text = document.get("min_runtime_version", written)
    needed = parse_version(needed_text, f"{what} `min_runtime_version`", error)
    if version[0] != own[0]:
        raise error(f"{what} format version {written} is not supported: this runtime (version {implemented}) "
                    f"reads version {own[0]}.x{again}")
    if needed > own:
        raise error(f"{what} needs a runtime of version {needed_text} or later; this runtime is version {implemented}{again}")
    if oldest is not None and version < parse_version(oldest, "oldest version", error):
        raise error(f"{what} format version {written} is too old: this runtime reads version {oldest} or later{again}")

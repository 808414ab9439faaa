"""The compact JSON a bundle's digest covers: sorted keys, no spaces, text as
it is (no `\\u` escapes beyond what JSON requires).

The digest is defined by Python's `json` (`sort_keys`, separators `,` and
`:`, `ensure_ascii=False`). orjson writes the same bytes several times
faster for everything a bundle holds but three things: a float that Python
writes with an exponent (`1e+16`, orjson `1e16`) or that is not finite, an
integer beyond 64 bits and a lone surrogate. orjson refuses the last two;
the exporter marks such floats with `exact()`, which orjson refuses too; what
orjson refuses, `json` writes. Standard library only without orjson.
"""

from __future__ import annotations

import json
import math

try:
    import orjson
except ImportError:  # pragma: no cover - a declared dependency; optional for the runtime alone
    orjson = None


class ExactFloat(float):
    """A float to be written by `json`: orjson does not take subclasses of float."""

    __slots__ = ()


def exact(value):
    """`value` with every float that orjson would write differently marked (lists too)."""
    if isinstance(value, float) and (not math.isfinite(value) or "e" in repr(value)):
        return ExactFloat(value)
    if isinstance(value, list):
        return [exact(item) for item in value]
    return value


def _make_json_compact():
    """The `json` encoder, made once: `json.dumps` makes a new C encoder per call,
    which costs more than encoding one step."""
    encoder = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - Python built without the C accelerator
        return encoder.encode
    # Without markers (no check for cycles): a bundle is plain acyclic data.
    encode = make(None, encoder.default, json.encoder.encode_basestring, None, ":", ",", True, False, True)
    return lambda value: "".join(encode(value, 0))


json_compact = _make_json_compact()


def compact(value) -> str:
    """The compact text of `value`, byte for byte what `json_compact` writes."""
    written = _by_orjson(value)
    return written.decode("utf-8") if written is not None else json_compact(value)


def compact_bytes(value) -> bytes:
    """`compact(value)` in UTF-8: what orjson writes, without decoding it."""
    written = _by_orjson(value)
    return written if written is not None else json_compact(value).encode("utf-8")


def _by_orjson(value) -> bytes | None:
    if orjson is None:
        return None
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # what orjson refuses, `json` writes (see above)
        return None

"""The reference runtime for sopc bundles (docs/runtime.md).

Standard library only (jsonschema is used when installed), so any Python tool
can step through an exported bundle:

    from compiler.runtime import Bundle, Session
    bundle = Bundle.load("sops.json")
    session = Session.start(bundle, "rejected-payment-outreach", facts={"homeowner_name": "Ada"})
    session.view()           # the step it stopped at, filled
    session.choose("Answered")
"""

from .bundle import FORMAT, FORMAT_VERSION, RUNTIME_VERSION, Bundle
from .errors import (AnswerError, FactError, FlowError, RuntimeFormatError, SessionFormatError,
                     SessionStateError, SopcRuntimeError, UnknownSopError)
from .session import Session

__all__ = [
    "FORMAT", "FORMAT_VERSION", "RUNTIME_VERSION", "Bundle", "Session",
    "AnswerError", "FactError", "FlowError", "RuntimeFormatError", "SessionFormatError",
    "SessionStateError", "SopcRuntimeError", "UnknownSopError",
]

"""The reference runtime for sopc bundles (docs/runtime.md).

Standard library only (jsonschema is used when installed), so any Python tool
can step through an exported bundle:

    from sopc.runtime import Bundle, Session
    bundle = Bundle.load("sops.json")
    session = Session.start(bundle, "rejected-payment-outreach", facts={"homeowner_name": "Ada"})
    session.view()           # the step it stopped at, filled
    session.choose("Answered")
"""

from sopc.runtime.bundle import FORMAT, FORMAT_VERSION, RUNTIME_VERSION, Bundle
from sopc.runtime.errors import (AnswerError, FactError, FlowError, RuntimeFormatError, SessionFormatError,
                     SessionStateError, SopcRuntimeError, UnknownSopError)
from sopc.runtime.session import Session

__all__ = [
    "FORMAT", "FORMAT_VERSION", "RUNTIME_VERSION", "Bundle", "Session",
    "AnswerError", "FactError", "FlowError", "RuntimeFormatError", "SessionFormatError",
    "SessionStateError", "SopcRuntimeError", "UnknownSopError",
]

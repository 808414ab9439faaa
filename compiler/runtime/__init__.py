"""The reference runtime for sopc bundles (docs/runtime.md).

Standard library only (jsonschema is used when installed), so any Python tool
can step through an exported bundle:

    from sopc.runtime import Bundle, Session
    bundle = Bundle.load("sops.json")
    session = Session.start(bundle, "rejected-payment-outreach", facts={"homeowner_name": "Ada"})
    session.view()           # the step it stopped at, filled
    session.choose("Answered")
"""

from sopc.runtime.bundle import Bundle
from sopc.runtime.errors import (AnswerError, FactError, FlowError, RuntimeFormatError, SessionFormatError,
                     SessionStateError, SopcRuntimeError, UnknownSopError)
from sopc.runtime.session import Session
from sopc.runtime.versions import BUNDLE_FORMAT, FORMAT_VERSION, SESSION_FORMAT, SESSION_VERSION

__all__ = [
    "BUNDLE_FORMAT", "FORMAT_VERSION", "SESSION_FORMAT", "SESSION_VERSION", "Bundle", "Session",
    "AnswerError", "FactError", "FlowError", "RuntimeFormatError", "SessionFormatError",
    "SessionStateError", "SopcRuntimeError", "UnknownSopError",
]

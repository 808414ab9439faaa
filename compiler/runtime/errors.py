"""What the runtime raises. Every message names what was wrong and what is
allowed, so a tool can show it to a person as it is."""


class SopcRuntimeError(Exception):
    """Base of every error the reference runtime raises on purpose."""


class RuntimeFormatError(SopcRuntimeError):
    """The bundle cannot be run: malformed, tampered with, or of another version."""


class SessionFormatError(RuntimeFormatError):
    """A saved session cannot be restored: malformed, or of another state format."""


class UnknownSopError(SopcRuntimeError):
    """The bundle has no SOP with this id."""


class AnswerError(SopcRuntimeError):
    """An answer that is not one of the pending question's options."""


class FactError(SopcRuntimeError):
    """A fact the bundle does not declare, or a value its type does not allow."""


class SessionStateError(SopcRuntimeError):
    """An operation the session cannot do in its current status."""


class FlowError(SopcRuntimeError):
    """The flow cannot go on: it loops without asking, or hands off too deep."""

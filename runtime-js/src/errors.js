/**
 * What the runtime throws: the same kinds of error as the Python reference
 * runtime, each naming what was wrong and what is allowed.
 */

/** Base of every error the runtime throws on purpose. */
export class SopcRuntimeError extends Error {
  constructor(message) {
    super(message);
    this.name = new.target.name;
  }
}

/** The bundle cannot be run: malformed, tampered with, or of another version. */
export class RuntimeFormatError extends SopcRuntimeError {}

/** A saved session cannot be restored: malformed, or of another state format. */
export class SessionFormatError extends RuntimeFormatError {}

/** The bundle has no SOP with this id. */
export class UnknownSopError extends SopcRuntimeError {}

/** An answer that is not one of the pending question's options. */
export class AnswerError extends SopcRuntimeError {}

/** A fact the bundle does not declare, or a value its type does not allow. */
export class FactError extends SopcRuntimeError {}

/** An operation the session cannot do in its current status. */
export class SessionStateError extends SopcRuntimeError {}

/** The flow cannot go on: it loops without asking, or hands off too deep. */
export class FlowError extends SopcRuntimeError {}

/**
 * The sopc runtime for JavaScript (docs/runtime.md): load a bundle written by
 * `sopc export` and walk its SOPs, in browsers and Node >= 18.
 *
 *     import { Bundle, Session } from "sopc-runtime";
 *     const bundle = await Bundle.load(await (await fetch("sops.json")).text());
 *     const session = Session.start(bundle, "rejected-payment-outreach", { homeowner_name: "Ada" });
 *     session.view();            // the step it stopped at, filled
 *     session.choose("Answered");
 */

export { Bundle, canonicalText, digestOf } from "./bundle.js";
export { Session, renderStep, HANDED_OFF, QUESTION, WAITING, ENDED } from "./session.js";
export { evaluate } from "./conditions.js";
export { fill, factText } from "./templates.js";
export { runScenario } from "./scenarios.js";
export { BUNDLE_FORMAT, FORMAT_VERSION, SESSION_FORMAT, SESSION_VERSION, MIN_SESSION_VERSION } from "./versions.js";
export {
  SopcRuntimeError, RuntimeFormatError, SessionFormatError, UnknownSopError, AnswerError, FactError,
  SessionStateError, FlowError,
} from "./errors.js";

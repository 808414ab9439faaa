/**
 * What a saved session may hold (docs/runtime.md, "Saved sessions"): the
 * same checks as the Python runtime's `saved_state.py`. A saved state comes
 * back from wherever a tool kept it, so it is checked against the bundle
 * before a session is rebuilt from it: every part has its shape, every SOP
 * and step it names exists, every fact is declared and of its input's type,
 * and the status agrees with the rest. Anything else is a `SessionFormatError`.
 */

import { FactError, SessionFormatError } from "./errors.js";
import { dayNumber } from "./facts.js";

const STATUSES = ["question", "waiting", "ended"];
const OUTCOMES = ["resolved", "transferred", "escalated", "referred", "pending", "closed-no-contact", "handed-off"];
const EDGE_KINDS = ["next", "option", "repeat", "return"];
const DECIDED_BY = ["agent", "facts"];
const WAIT_REASONS = ["wait", "repeat"];
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function refuse(what) {
  throw new SessionFormatError(`malformed session state: ${what}`);
}

const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

function oneOf(value, allowed, what) {
  if (typeof value !== "string" || !allowed.includes(value)) {
    const shown = typeof value === "string" ? value : String(JSON.stringify(value ?? null)).slice(0, 40);
    refuse(`${what} is \`${shown}\`; it must be one of ${allowed.join(", ")}`);
  }
  return value;
}

function mapping(value, what) {
  if (!isObject(value)) refuse(`${what} must be an object`);
  return value;
}

function list(value, what) {
  if (!Array.isArray(value)) refuse(`${what} must be a list`);
  return value;
}

function text(value, what, optional = false) {
  if (value === null && optional) return null;
  if (typeof value !== "string") refuse(`${what} must be text`);
  if (LONE_SURROGATE.test(value)) refuse(`${what} holds a lone surrogate, which is not a character`);
  return value;
}

/**
 * Throws a `SessionFormatError` unless `state` is a session of `bundle` a runtime could have saved.
 * @param {import("./bundle.js").Bundle} bundle
 * @param {Record<string, unknown>} state
 * @param {number} maxFrames
 * @param {(bundle: object, sop: string, step: string, facts: object) => object} render how a step is shown
 */
export function checkState(bundle, state, maxFrames, render) {
  if (dayNumber(text(state.today, "`today`")) === null) refuse("`today` must be a date written YYYY-MM-DD");
  const status = oneOf(state.status, STATUSES, "`status`");
  const frames = checkFrames(bundle, state.frames, maxFrames);
  checkPending(bundle, state.pending, frames);
  checkFacts(bundle, state.facts, frames);
  for (const [sop, counts] of Object.entries(mapping(state.counters, "`counters`"))) {
    for (const [step, count] of Object.entries(mapping(counts, "`counters` of an SOP"))) {
      stepOf(bundle, { sop, step }, "a counter");
      if (!Number.isInteger(count) || count < 0 || count > 100) {
        refuse(`the counter of \`${sop}:${step}\` must be a whole number from 0 to 100`);
      }
    }
  }
  for (const entry of list(state.log, "`log`")) {
    const [sop, step] = stepOf(bundle, entry, "a log entry");
    // An entry is the step as it was shown: the shape of the step rendered now, only the placeholders filled differently.
    if (!sameShape(entry, render(bundle, sop, step, {}))) refuse(`the log entry of \`${sop}:${step}\` is not that step as shown`);
  }
  for (const edge of list(state.edges, "`edges`")) {
    stepOf(bundle, edge, "an edge", "sop", "source");
    stepOf(bundle, edge, "an edge", "sop", "target");
    oneOf(edge.kind, EDGE_KINDS, "an edge's `kind`");
    text(edge.label ?? null, "an edge's `label`", true);
  }
  for (const decision of list(state.decisions, "`decisions`")) {
    stepOf(bundle, decision, "a decision");
    text(decision.label, "a decision's `label`");
    oneOf(decision.by, DECIDED_BY, "a decision's `by`");
  }
  for (const handoff of list(state.handoffs, "`handoffs`")) {
    stepOf(bundle, handoff, "a hand-off");
    const target = oneOf(handoff.target, ["sop", "procedure"], "a hand-off's `target`");
    const known = target === "sop" ? bundle.sops : bundle.procedures;
    if (!Object.hasOwn(known, text(handoff.to, "a hand-off's `to`"))) refuse(`a hand-off to unknown ${target} \`${handoff.to}\``);
  }
  checkWaiting(state.waiting ?? null);
  if (state.outcome !== null && state.outcome !== undefined) oneOf(state.outcome, OUTCOMES, "`outcome`");
  if (state.end !== null && state.end !== undefined) stepOf(bundle, state.end, "`end`");
  statusAgrees(bundle, status, frames, state);
}

function stepOf(bundle, item, what, sopKey = "sop", stepKey = "step") {
  mapping(item, what);
  const sop = text(item[sopKey], `${what}.${sopKey}`);
  const step = text(item[stepKey], `${what}.${stepKey}`);
  if (!bundle.hasStep(sop, step)) {
    throw new SessionFormatError(`saved session names step \`${sop}:${step}\`, which this bundle does not have; it was saved with another bundle`);
  }
  return [sop, step];
}

function checkFrames(bundle, value, maxFrames) {
  const frames = list(value, "`frames`").map((item) => stepOf(bundle, item, "a frame"));
  if (frames.length > maxFrames) refuse(`${frames.length} frames; hand-offs nest at most ${maxFrames} deep`);
  for (let i = 0; i + 1 < frames.length; i++) {
    const [outerSop, outerStep] = frames[i];
    const [innerSop] = frames[i + 1];
    const handoff = bundle.step(outerSop, outerStep).handoff;
    if (!handoff || handoff.target !== "sop" || handoff.to !== innerSop) {
      refuse(`frame \`${outerSop}:${outerStep}\` does not hand off to \`${innerSop}\``);
    }
  }
  return frames;
}

function checkPending(bundle, value, frames) {
  if (value === null || value === undefined) return;
  const action = oneOf(mapping(value, "`pending`").do, ["enter", "flow"], "`pending.do`");
  if (!frames.length) refuse("`pending` says what to do next, but the session is at no step");
  if (action === "enter") {
    const sop = frames.at(-1)[0];
    const step = text(value.step, "`pending.step`");
    if (!bundle.hasStep(sop, step)) refuse(`\`pending\` enters step \`${sop}:${step}\`, which this bundle does not have`);
  }
}

function checkFacts(bundle, value, frames) {
  const sop = frames.length ? frames.at(-1)[0] : null;
  for (const [name, fact] of Object.entries(mapping(value, "`facts`"))) {
    text(name, "a fact's name");
    if (typeof fact === "string") text(fact, `fact \`${name}\``);
    let coerced;
    try {
      coerced = bundle.coerce(name, fact, sop);
    } catch (error) {
      if (!(error instanceof FactError)) throw error;
      refuse(`fact ${error.message}`);
    }
    if (coerced !== fact) refuse(`fact \`${name}\` is not stored as its input's type`);
  }
}

function checkWaiting(value) {
  if (value === null) return;
  mapping(value, "`waiting`");
  oneOf(value.reason, WAIT_REASONS, "`waiting.reason`");
  text(value.until ?? null, "`waiting.until`", true);
  const duration = value.for ?? null;
  if (duration !== null) text(mapping(duration, "`waiting.for`").text, "`waiting.for.text`");
}

function statusAgrees(bundle, status, frames, state) {
  const pending = state.pending ?? null;
  if (status === "ended") {
    if (frames.length || pending !== null) refuse("an ended session is at no step and has nothing left to do");
    return;
  }
  if (!frames.length) refuse(`a session that is \`${status}\` must be at a step`);
  if (status === "question") {
    const [sop, step] = frames.at(-1);
    if (!bundle.step(sop, step).decision || pending !== null) {
      refuse(`the session asks a question at \`${sop}:${step}\`, which is not a decision`);
    }
  } else if ((state.waiting ?? null) === null || pending === null) {
    refuse("a waiting session must say what it waits for and what follows");
  }
}

/** Whether `entry` has the keys, list lengths and kinds of value of `shown` (texts may differ). */
function sameShape(entry, shown) {
  const todo = [[entry, shown]];
  while (todo.length) {
    const [one, two] = todo.pop();
    if (isObject(two)) {
      if (!isObject(one)) return false;
      const keys = Object.keys(two);
      if (Object.keys(one).length !== keys.length || !keys.every((key) => Object.hasOwn(one, key))) return false;
      keys.forEach((key) => todo.push([one[key], two[key]]));
    } else if (Array.isArray(two)) {
      if (!Array.isArray(one) || one.length !== two.length) return false;
      two.forEach((item, i) => todo.push([one[i], item]));
    } else if (typeof two === "string") {
      if (typeof one !== "string" || LONE_SURROGATE.test(one)) return false;
    } else if (one !== two && !(typeof one === "boolean" && typeof two === "boolean")) {
      return false;
    }
  }
  return true;
}

/**
 * A walk through one SOP of a bundle (docs/runtime.md, "Sessions").
 *
 * The session moves on by itself through steps that need nobody (actions,
 * decisions that known facts decide, repeats, hand-offs) and stops where a
 * person is needed: a question (`status === "question"`), a wait
 * (`status === "waiting"`) or the end (`status === "ended"`).
 */

import { evaluate } from "./conditions.js";
import { AnswerError, FlowError, SessionFormatError, SessionStateError } from "./errors.js";
import { dayNumber, localToday } from "./facts.js";
import { compareKeys, dumps } from "./json.js";
import { fill } from "./templates.js";
import { checkState as checkSavedState } from "./saved-state.js";
import { MIN_SESSION_VERSION, SESSION_FORMAT, SESSION_MIN_RUNTIME_VERSION, SESSION_VERSION, requireCompatible } from "./versions.js";

export const HANDED_OFF = "handed-off";
export const MAX_FRAMES = 32; // hand-offs nested deeper than this are a cycle
export const MAX_AUTO_STEPS = 10_000; // steps passed without stopping: the flow loops by itself
export const QUESTION = "question";
export const WAITING = "waiting";
export const ENDED = "ended";
const RUNNING = "running";
const STATE_KEYS = ["status", "frames", "pending", "facts", "counters", "log", "edges", "decisions", "handoffs", "waiting", "outcome", "end"];

export class Session {
  /** @param {import("./bundle.js").Bundle} bundle @param {string} today YYYY-MM-DD */
  constructor(bundle, today) {
    this.bundle = bundle;
    this.today = today;
    this.facts = {};
    this.frames = []; // {sop, step}: the innermost SOP last
    this.status = RUNNING;
    this.pending = null; // what to do when the session goes on
    this.counters = {};
    this.log = []; // each step as shown when the walk reached it
    this.edges = [];
    this.decisions = [];
    this.handoffs = [];
    this.waiting = null;
    this.outcome = null;
    this.end = null;
  }

  // -- starting and answering ----------------------------------------------

  /**
   * @param {import("./bundle.js").Bundle} bundle
   * @param {string} sopId
   * @param {Record<string, unknown>} [facts]
   * @param {string} [today] YYYY-MM-DD; the local date by default
   */
  static start(bundle, sopId, facts = {}, today = undefined) {
    const sop = bundle.sop(sopId);
    const session = new Session(bundle, checkedToday(today ?? localToday()));
    for (const [name, value] of Object.entries(facts ?? {})) session.facts[name] = bundle.coerce(name, value, sopId);
    session.frames.push({ sop: sopId, step: sop.start });
    session.pending = { do: "enter", step: sop.start };
    session.#run();
    return session;
  }

  /** Answer the pending question by option label (text, as written) or by its number (from 1). */
  choose(answer) {
    this.#expect(QUESTION, "choose an option");
    const options = this.#step().decision.options;
    const index = optionIndex(options, answer);
    if (index === null) {
      const labels = options.map((o, n) => `${n + 1}) ${o.label}`).join("; ");
      throw new AnswerError(`\`${answer}\` is not an option of \`${this.#where()}\`; options: ${labels}`);
    }
    this.#take(index, "agent");
    this.#run();
  }

  /** Learn a fact; a pending question it decides is answered at once. */
  supply(name, value) {
    this.facts[name] = this.bundle.coerce(name, value, this.frames.length ? this.frames.at(-1).sop : null);
    if (this.status === QUESTION) {
      this.#decide();
      this.#run();
    }
  }

  /** The wait is over: go on. */
  resume() {
    this.#expect(WAITING, "resume");
    this.status = RUNNING;
    this.waiting = null;
    this.#run();
  }

  // -- what the walk shows and made -------------------------------------------

  /** @returns {[string, string][]} (sop, step) of every step entered, in order */
  get path() {
    return this.log.map((visit) => [visit.sop, visit.step]);
  }

  get records() {
    return this.log.flatMap((visit) => visit.records);
  }

  get scripts() {
    return this.log.flatMap((visit) => visit.scripts);
  }

  /** The step the session stopped at, filled with what is known now. */
  view() {
    if (!this.frames.length) {
      const last = this.log.at(-1) ?? {};
      return { ...last, status: this.status, outcome: this.outcome, options: [], needs: [], waiting: null };
    }
    const frame = this.frames.at(-1);
    const shown = renderStep(this.bundle, frame.sop, frame.step, this.facts);
    Object.assign(shown, { status: this.status, outcome: this.outcome, waiting: this.waiting, options: [], needs: [] });
    if (this.status === QUESTION) {
      shown.options = this.#step().decision.options.map((o, n) => ({ number: n + 1, label: o.label }));
      shown.needs = this.#neededFacts();
    }
    return shown;
  }

  // -- the engine -------------------------------------------------------------

  #run() {
    for (let i = 0; i < MAX_AUTO_STEPS; i++) {
      if (this.status !== RUNNING) return;
      const action = this.pending;
      this.pending = null;
      if (action === null) return;
      if (action.do === "enter") this.#enter(action.step);
      else this.#flow();
    }
    throw new FlowError(`the flow passed ${MAX_AUTO_STEPS} steps without stopping at \`${this.#where()}\`; it loops without asking anything`);
  }

  #enter(stepId) {
    const frame = this.frames.at(-1);
    frame.step = stepId;
    this.log.push(renderStep(this.bundle, frame.sop, stepId, this.facts));
    const wait = this.#step().wait;
    this.pending = { do: "flow" };
    if (wait) this.#wait(wait.duration ?? null, wait.until ?? null, "wait");
  }

  #wait(duration, until, reason) {
    this.status = WAITING;
    this.waiting = { for: duration, until, reason };
  }

  #flow() {
    const step = this.#step();
    if (step.kind === "end") this.#finish(step.outcome);
    else if (step.kind === "handoff") this.#handOff(step);
    else if (step.kind === "decision") this.#decide();
    else if (step.kind === "repeat") this.#repeat(step);
    else this.#go(step.next, "next");
  }

  #go(target, kind, label = null) {
    if (target === null) {
      this.#finish(null); // a dead end: nothing says how to go on
      return;
    }
    const frame = this.frames.at(-1);
    this.edges.push({ sop: frame.sop, source: frame.step, target, kind, label });
    this.pending = { do: "enter", step: target };
  }

  #decide() {
    const [chosen] = this.#evaluate();
    if (chosen === null) {
      this.status = QUESTION;
      return;
    }
    this.#take(chosen, "facts");
  }

  /** The option the facts select (first true wins, `otherwise` last), else null; and the facts that would decide. */
  #evaluate() {
    const needs = new Set();
    const options = this.#step().decision.options;
    for (let index = 0; index < options.length; index++) {
      const option = options[index];
      if (option.otherwise) return [index, needs];
      if (option.condition === null) return [null, needs];
      const result = evaluate(option.condition, this.facts, this.today, needs);
      if (result === null) return [null, needs];
      if (result) return [index, needs];
    }
    return [null, needs];
  }

  #neededFacts() {
    const [, needs] = this.#evaluate();
    const sopId = this.frames.at(-1).sop;
    return [...needs].sort(compareKeys).map((name) => {
      const declared = this.bundle.inputDef(name, sopId) ?? { id: name, label: name, type: "text", values: [] };
      return { id: name, label: declared.label, type: declared.type, values: declared.values ?? [] };
    });
  }

  #take(index, by) {
    const frame = this.frames.at(-1);
    const option = this.#step().decision.options[index];
    this.decisions.push({ sop: frame.sop, step: frame.step, label: option.label, by });
    this.status = RUNNING;
    this.#go(option.goto, "option", option.label);
  }

  #repeat(step) {
    const frame = this.frames.at(-1);
    const counts = (this.counters[frame.sop] ??= {});
    counts[frame.step] = (counts[frame.step] ?? 0) + 1;
    const repeat = step.repeat;
    if (counts[frame.step] < repeat.max_attempts) {
      this.#go(repeat.back_to, "repeat");
      if (repeat.every) this.#wait(repeat.every, null, "repeat");
    } else {
      this.#go(step.next, "next");
    }
  }

  #handOff(step) {
    const handoff = step.handoff;
    const frame = this.frames.at(-1);
    this.handoffs.push({ sop: frame.sop, step: frame.step, to: handoff.to, target: handoff.target });
    if (handoff.target === "sop") {
      if (this.frames.length >= MAX_FRAMES) {
        throw new FlowError(`hand-offs nested ${MAX_FRAMES} deep at \`${this.#where()}\`; the SOPs hand off to each other in a cycle`);
      }
      const start = this.bundle.sop(handoff.to).start;
      this.frames.push({ sop: handoff.to, step: start });
      this.pending = { do: "enter", step: start };
    } else if (handoff.then) {
      this.#go(handoff.then, "return");
    } else {
      this.#finish(HANDED_OFF);
    }
  }

  /** The innermost SOP ended: return to the hand-off's `then`, or end the SOP that handed off too, with the same outcome. */
  #finish(outcome) {
    this.end = { ...this.frames.at(-1) };
    for (;;) {
      this.frames.pop();
      if (!this.frames.length) {
        this.status = ENDED;
        this.outcome = outcome;
        return;
      }
      const handoff = this.#step().handoff;
      if (handoff.then) {
        this.end = null;
        this.#go(handoff.then, "return");
        return;
      }
    }
  }

  // -- helpers ------------------------------------------------------------------

  #step() {
    const frame = this.frames.at(-1);
    return this.bundle.step(frame.sop, frame.step);
  }

  #where() {
    return this.frames.length ? `${this.frames.at(-1).sop}:${this.frames.at(-1).step}` : "(ended)";
  }

  #expect(status, doing) {
    if (this.status !== status) throw new SessionStateError(`cannot ${doing}: the session is \`${this.status}\`, not \`${status}\``);
  }

  // -- saving and restoring -------------------------------------------------------

  /** The session state as JSON text, in the saved-session format both runtimes read. */
  toJSON() {
    return dumps(this.state(), { indent: 2 }) + "\n";
  }

  /** The session state as an object (what `toJSON` writes). */
  state() {
    const state = {
      format: SESSION_FORMAT, format_version: SESSION_VERSION, min_runtime_version: SESSION_MIN_RUNTIME_VERSION,
      bundle_digest: this.bundle.digest, today: this.today,
    };
    for (const key of STATE_KEYS) state[key] = this[key];
    return structuredClone(state);
  }

  /**
   * A session restored from saved state (text or object) on the bundle it was started with.
   * @param {import("./bundle.js").Bundle} bundle
   * @param {string | object} text
   */
  static fromJSON(bundle, text) {
    const state = readState(text);
    checkSavedState(bundle, state, MAX_FRAMES, renderStep);
    const session = new Session(bundle, state.today);
    for (const key of STATE_KEYS) session[key] = structuredClone(state[key] ?? null);
    return session;
  }
}

function checkedToday(today, error = TypeError) {
  if (dayNumber(today) === null) throw new error(`today must be a date written YYYY-MM-DD, not ${JSON.stringify(today ?? null)}`);
  return today;
}

/** A step with every template filled: what an agent sees. */
export function renderStep(bundle, sopId, stepId, facts) {
  const step = bundle.step(sopId, stepId);
  const labels = bundle.labels(sopId);
  const filled = (text) => fill(text, facts, labels);
  const decision = step.decision;
  return {
    sop: sopId, step: stepId, kind: step.kind, title: step.title,
    do: filled(step.do),
    callouts: step.callouts.map((c) => ({ kind: c.kind, text: filled(c.text) })),
    scripts: step.scripts.map((s) => ({ mode: s.mode, title: s.title, text: filled(s.template) })),
    records: step.records.map((record) => renderRecord(record, filled)),
    gaps: [...step.gaps],
    ask: decision ? filled(decision.ask) : null,
  };
}

function renderRecord(record, filled) {
  const title = record.title ?? `${record.system} ${record.action}`;
  const fields = record.fields.map((f) => ({ name: f.name, values: f.templates.map(filled), multiple: f.multiple }));
  return { title, system: record.system, action: record.action, fields };
}

/** A label (text, exactly as written) or a number counted from 1. */
function optionIndex(options, answer) {
  if (typeof answer === "string") {
    const index = options.findIndex((option) => option.label === answer);
    return index === -1 ? null : index;
  }
  if (Number.isInteger(answer) && answer >= 1 && answer <= options.length) return answer - 1;
  return null;
}

function readState(text) {
  let state = text;
  if (typeof text === "string") {
    try {
      state = JSON.parse(text);
    } catch (error) {
      throw new SessionFormatError(`saved session is not valid JSON (truncated or damaged?): ${error.message}`);
    }
  }
  if (typeof state !== "object" || state === null || Array.isArray(state)) {
    throw new SessionFormatError("not a saved sopc session: the top level must be a JSON object");
  }
  requireCompatible(state, {
    fmt: SESSION_FORMAT, implemented: SESSION_VERSION, oldest: MIN_SESSION_VERSION,
    what: "saved sopc session", error: SessionFormatError, again: "; start the session again",
  });
  return state;
}

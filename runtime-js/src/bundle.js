/**
 * Loading a runtime bundle: version negotiation, digest, shape, lookups.
 *
 * A bundle is refused with a `RuntimeFormatError` when it is not JSON, not a
 * sopc runtime bundle, of a version this runtime cannot run, changed after
 * export (its digest no longer matches), or inconsistent (a step leads to a
 * step that does not exist).
 */

import { FactError, RuntimeFormatError, UnknownSopError } from "./errors.js";
import { exportedCanonical } from "./exported-text.js";
import { coerce } from "./facts.js";
import { canonicalText as canonicalJson, compareKeys, jsonForm, parseWithCanonical, quote } from "./json.js";
import { sha256Hex } from "./sha256.js";
import { checkShape } from "./shape.js";
import { BUNDLE_FORMAT, FORMAT_VERSION, requireCompatible } from "./versions.js";

/** The text the digest covers: sorted keys, no spaces, without `digest`. */
export function canonicalText(data) {
  return canonicalJson(contentOf(data));
}

/** The bundle without its `digest`: what the digest covers. */
function contentOf(data) {
  return Object.fromEntries(Object.entries(data).filter(([key]) => key !== "digest"));
}

/** `sha256:` and the hex SHA-256 of a canonical text (or of its parts in order). */
export async function digestOf(canonical) {
  return "sha256:" + (await sha256Hex(canonical));
}

export class Bundle {
  #labels = new Map(); // each SOP's input labels by id, kept: every step shown asks for them
  #firstInputs = null; // each input id's declaration in the first SOP by id that declares it

  /** @param {object} data a bundle already checked by `Bundle.load` */
  constructor(data) {
    this.data = data;
    this.digest = data.digest ?? null;
    this.sops = data.sops;
    this.procedures = data.procedures;
    /** @type {Map<string, Map<string, object>>} */
    this.steps = new Map(Object.entries(this.sops).map(([id, sop]) => [id, new Map(sop.steps.map((s) => [s.id, s]))]));
  }

  /**
   * A bundle from JSON text (a string or bytes) or an object already parsed.
   * Text is exact; an object parsed elsewhere has lost whether a whole number
   * was written `1.0`, which the digest covers, so prefer the text.
   * @param {string | Uint8Array | ArrayBuffer | object} source
   * @param {{verifyDigest?: boolean}} [options]
   * @returns {Promise<Bundle>}
   */
  static async load(source, { verifyDigest = true } = {}) {
    const bundle = await loadChecked(source, verifyDigest);
    checkReferences(bundle);
    return bundle;
  }

  /**
   * The part of one SOP, as a site publishes them (`assets/sopc/bundles/<id>.json`):
   * a bundle of that SOP alone, whose hand-offs to other SOPs are found in
   * their own parts. Checked as `load` checks a bundle (version, shape,
   * digest, steps), except that the SOPs it hands off to are not in it; it
   * must be the part of `sopId` and of nothing else.
   * @param {string | Uint8Array | ArrayBuffer | object} source
   * @param {string} sopId
   * @param {{verifyDigest?: boolean}} [options]
   * @returns {Promise<Bundle>}
   */
  static async loadPart(source, sopId, { verifyDigest = true } = {}) {
    const bundle = await loadChecked(source, verifyDigest);
    const ids = Object.keys(bundle.sops);
    if (bundle.data.entry !== sopId || ids.length !== 1 || ids[0] !== sopId) {
      throw new RuntimeFormatError(`malformed bundle part: expected the part of SOP \`${sopId}\`, found ${ids.length === 1 ? `the part of \`${ids[0]}\`` : `${ids.length} SOPs`}`);
    }
    checkReferences(bundle, { otherSops: true });
    return bundle;
  }

  /**
   * One bundle of parts loaded with `loadPart`, the first one its entry; every
   * hand-off must now lead to an SOP among them.
   * @param {Bundle[]} parts
   * @returns {Bundle}
   */
  static combine(parts) {
    if (!parts.length) throw new RuntimeFormatError("malformed bundle: no part to combine");
    const data = { ...parts[0].data, sops: {}, procedures: {} };
    for (const part of parts) {
      if (part.data.format_version !== data.format_version) {
        throw new RuntimeFormatError("malformed bundle: its parts were exported in different formats");
      }
      Object.assign(data.sops, part.sops);
      Object.assign(data.procedures, part.procedures);
    }
    const bundle = new Bundle(data);
    checkReferences(bundle);
    return bundle;
  }

  sop(sopId) {
    if (!Object.hasOwn(this.sops, sopId)) {
      const known = Object.keys(this.sops).sort(compareKeys).join(", ") || "none";
      throw new UnknownSopError(`no SOP \`${sopId}\` in this bundle; SOPs: ${known}`);
    }
    return this.sops[sopId];
  }

  step(sopId, stepId) {
    return this.steps.get(sopId).get(stepId);
  }

  hasStep(sopId, stepId) {
    return this.steps.has(sopId) && this.steps.get(sopId).has(stepId);
  }

  /** The input declaration for a fact: the given SOP's first, else any SOP's. */
  inputDef(name, sopId = null) {
    const own = sopId !== null && Object.hasOwn(this.sops, sopId) ? this.sops[sopId].inputs.find((item) => item.id === name) : null;
    if (own) return own;
    if (this.#firstInputs === null) {
      this.#firstInputs = new Map();
      for (const candidate of Object.keys(this.sops).sort(compareKeys)) {
        for (const item of this.sops[candidate].inputs) if (!this.#firstInputs.has(item.id)) this.#firstInputs.set(item.id, item);
      }
    }
    return this.#firstInputs.get(name) ?? null;
  }

  labels(sopId) {
    let found = this.#labels.get(sopId);
    if (found === undefined) {
      found = Object.fromEntries(this.sops[sopId].inputs.map((item) => [item.id, item.label]));
      this.#labels.set(sopId, found);
    }
    return found;
  }

  /** The fact's value in its input's type; text from a form or a command line is converted. */
  coerce(name, value, sopId = null) {
    const declared = this.inputDef(name, sopId);
    if (declared === null) throw new FactError(`unknown fact \`${name}\`: no SOP of the bundle declares an input with this id`);
    return coerce(declared, value);
  }
}

// Every number token whose form parsing loses holds one of these (a digit before a fraction or an
// exponent, or 16 digits in a row); so does much text inside strings, which is passed over.
const CANDIDATE = /\d[.eE]|\d{16}/g;
const NUMBER_AT = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NUMBER_CHARACTER = /[-+.\deE]/;

/** Whether the canonical text can be written from the parsed value: no number whose form parsing loses. */
function numbersSurviveParsing(text) {
  CANDIDATE.lastIndex = 0;
  let inString = false;
  let quote = text.indexOf('"');
  for (let found; (found = CANDIDATE.exec(text)) !== null; ) {
    for (; quote !== -1 && quote < found.index; quote = text.indexOf('"', quote + 1)) {
      if (!inString || !isEscaped(text, quote)) inString = !inString;
    }
    if (inString) continue;
    let start = found.index;
    while (start > 0 && NUMBER_CHARACTER.test(text[start - 1])) start--;
    NUMBER_AT.lastIndex = start;
    const token = NUMBER_AT.exec(text)?.[0] ?? "";
    if (token && losesItsForm(token)) return false;
    CANDIDATE.lastIndex = Math.max(CANDIDATE.lastIndex, start + token.length);
  }
  return true;
}

function isEscaped(text, at) {
  let backslashes = 0;
  while (text.charCodeAt(at - 1 - backslashes) === 92) backslashes++;
  return backslashes % 2 === 1;
}

/** `1.0` and `1e3` parse to a whole number, written `1` and `1000`; more than 15 digits may not survive a double. */
function losesItsForm(token) {
  return /^-?\d+$/.test(token) ? token.replace("-", "").length > 15 : Number.isInteger(Number(token));
}

/**
 * The parsed bundle, and the canonical text its digest covers when `withCanonical` (null: write it
 * from the data; a list: the text in parts, in order).
 */
function read(source, withCanonical) {
  if (source instanceof ArrayBuffer) source = new Uint8Array(source);
  if (source instanceof Uint8Array) source = new TextDecoder().decode(source);
  if (typeof source !== "string") return { data: source, canonical: null };
  // The common case, and much faster: the engine's own parser. A number written `1.0`
  // (or too long for a double) needs the exact parser below.
  let data;
  try {
    data = JSON.parse(source);
  } catch {
    data = undefined;
  }
  if (data !== undefined && withCanonical) {
    const canonical = exportedCanonical(source, data);
    if (canonical !== null) return { data, canonical };
  }
  const form = data === undefined ? "deep" : jsonForm(data); // too deep for what walks it later: the exact parser refuses it
  if (form !== "deep" && (!withCanonical || numbersSurviveParsing(source))) return { data, canonical: null };
  const { value, canonical } = parseWithCanonical(source, "bundle");
  if (canonical === null) return { data: value, canonical: null };
  canonical.delete("digest");
  const keys = [...canonical.keys()].sort(compareKeys);
  return { data: value, canonical: "{" + keys.map((k) => quote(k) + ":" + canonical.get(k)).join(",") + "}" };
}

/** A bundle whose version, shape and (with `verifyDigest`) digest are checked; not yet its references. */
async function loadChecked(source, verifyDigest) {
  const { data, canonical } = read(source, verifyDigest);
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new RuntimeFormatError("malformed bundle: the top level must be a JSON object");
  }
  requireCompatible(data, { fmt: BUNDLE_FORMAT, implemented: FORMAT_VERSION, what: "sopc runtime bundle", error: RuntimeFormatError });
  checkShape(data);
  if (verifyDigest) await verifyDigestOf(data, canonical);
  return new Bundle(data);
}

async function verifyDigestOf(data, canonical) {
  if (data.digest === undefined || data.digest === null) throw new RuntimeFormatError("malformed bundle: `digest` is missing");
  const actual = await digestOf(canonical ?? canonicalText(data));
  if (data.digest !== actual) {
    throw new RuntimeFormatError("bundle was changed after export: its content no longer matches its `digest`; export it again with `sopc export`");
  }
}

/** Calls `visit` with each step a step can lead to inside its own SOP, in order. */
function visitTargets(step, visit) {
  if (step.next) visit(step.next);
  if (step.decision) {
    const options = step.decision.options; // counted, as checkReferences counts steps
    for (let i = 0; i < options.length; i++) visit(options[i].goto);
  }
  if (step.repeat) visit(step.repeat.back_to);
  if (step.handoff?.then) visit(step.handoff.then);
}

/** The steps a step can lead to inside its own SOP. */
export function stepTargets(step) {
  const targets = [];
  visitTargets(step, (target) => targets.push(target));
  return targets;
}

/** Every step leads to a step, SOP or procedure of the bundle (`otherSops`: SOPs may be elsewhere). */
function checkReferences(bundle, { otherSops = false } = {}) {
  // Messages are written only to fail: writing one for every step checked costs more than the checks.
  const fail = (message) => {
    throw new RuntimeFormatError(`malformed bundle: ${message}`);
  };
  for (const sopId of Object.keys(bundle.sops)) {
    const sop = bundle.sops[sopId];
    const steps = bundle.steps.get(sopId);
    if (steps.size !== sop.steps.length) fail(`SOP \`${sopId}\` has two steps with the same id`);
    if (!steps.has(sop.start)) fail(`SOP \`${sopId}\` starts at unknown step \`${sop.start}\``);
    let step = null;
    const known = (target) => {
      if (!steps.has(target)) fail(`step \`${sopId}:${step.id}\` leads to unknown step \`${target}\``);
    };
    let decides = false;
    // Counted loops, not for-of: a load runs this once, mostly before the engine has optimized it,
    // where an iterator costs a call for every step.
    for (let i = 0; i < sop.steps.length; i++) {
      step = sop.steps[i];
      visitTargets(step, known);
      decides ||= Boolean(step.decision);
      const handoff = step.handoff;
      if (handoff && !(otherSops && handoff.target === "sop") && !Object.hasOwn(handoff.target === "sop" ? bundle.sops : bundle.procedures, handoff.to)) {
        fail(`step \`${sopId}:${step.id}\` hands off to unknown ${handoff.target} \`${handoff.to}\``);
      }
    }
    if (!decides) continue;
    const declared = new Set(sop.inputs.map((item) => item.id));
    for (let i = 0; i < sop.steps.length; i++) {
      step = sop.steps[i];
      if (!step.decision) continue;
      for (const name of inputsDecidedOn(step.decision)) {
        if (!declared.has(name)) fail(`step \`${sopId}:${step.id}\` decides on \`${name}\`, which SOP \`${sopId}\` does not declare`);
      }
    }
  }
}

/** The inputs a decision is bound to or whose values its conditions compare, in order (a name may come again). */
function* inputsDecidedOn(decision) {
  if (decision.input) yield decision.input;
  const todo = [];
  for (const option of decision.options) if (option.condition) todo.push(option.condition);
  while (todo.length) {
    const condition = todo.pop();
    if ("input" in condition) yield condition.input;
    if (condition.all) todo.push(...condition.all);
    if (condition.any) todo.push(...condition.any);
    if ("not" in condition) todo.push(condition.not);
  }
}

/** The inputs a decision step is bound to or whose values its conditions compare. */
export function decisionInputs(step) {
  return new Set(step.decision ? inputsDecidedOn(step.decision) : []);
}

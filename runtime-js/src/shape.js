/**
 * The parts of a bundle this runtime reads, checked before it walks them, so
 * a malformed bundle is refused on load naming the place, never met halfway
 * through a call. It checks what format version 1.0 guarantees and ignores
 * keys it does not know (schema/runtime.schema.json is the full contract).
 */

import { RuntimeFormatError } from "./errors.js";

const KINDS = ["action", "wait", "decision", "end", "handoff", "repeat"];
const OUTCOMES = ["resolved", "transferred", "escalated", "referred", "pending", "closed-no-contact"];
const UNITS = ["minutes", "hours", "days", "business_days", "weeks"];
const OPERATORS = ["eq", "ne", "lt", "le", "gt", "ge", "in"];
const INPUT_TYPES = ["text", "yesno", "choice", "number", "date"];

/** Where a value is in the bundle: its parent's place and its key (the path is spelled out only to fail). */
class Place {
  constructor(parent = null, part = null) {
    this.parent = parent;
    this.part = part;
  }

  at(part) {
    return new Place(this, part);
  }

  get path() {
    const parts = [];
    for (let place = this; place.parent !== null; place = place.parent) parts.push(place.part);
    return parts.reverse();
  }

  fail(message) {
    const where = this.path.join("/") || "(top level)";
    throw new RuntimeFormatError(`malformed bundle at \`${where}\`: ${message}`);
  }
}

const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A rule for a value: `ok` answers whether the value follows it, quickly (no place is made on the
 * way); `check` finds the first place it does not and throws, naming it. Every combinator below
 * makes both from the same parts, so they cannot disagree.
 */
const rule = (ok, check) => ({ ok, check });

/** A rule of one test, whose failure `describe(value)` says. */
const leaf = (ok, describe) => rule(ok, (value, place) => {
  if (!ok(value)) place.fail(describe(value));
});

const shown = (value) => JSON.stringify(value ?? null);

function object(value, place) {
  if (!isObject(value)) place.fail(`${shown(value)} is not an object`);
  return value;
}

function member(parent, key, place, check) {
  if (!Object.hasOwn(parent, key)) place.fail(`\`${key}\` is missing`);
  check(parent[key], place.at(key));
}

const string = leaf((value) => typeof value === "string", (value) => `${shown(value)} is not a string`);

const text = rule((value) => typeof value === "string" && value.length !== 0, (value, place) => {
  string.check(value, place);
  if (value.length === 0) place.fail("the text is empty");
});

const nullable = (inner) => rule((value) => value === null || inner.ok(value), (value, place) => {
  if (value !== null) inner.check(value, place);
});
const oneOf = (allowed) => leaf((value) => allowed.includes(value),
  (value) => `${shown(value)} is not one of ${allowed.join(", ")}`);
const list = (item, minItems = 0) => rule(
  (value) => {
    if (!Array.isArray(value) || value.length < minItems) return false;
    for (let i = 0; i < value.length; i++) if (!item.ok(value[i])) return false;
    return true;
  },
  (value, place) => {
    if (!Array.isArray(value)) place.fail(`${shown(value)} is not an array`);
    if (value.length < minItems) place.fail(`needs at least ${minItems} item(s)`);
    for (let i = 0; i < value.length; i++) item.check(value[i], place.at(i));
  },
);
const fields = (spec) => {
  const keys = Object.keys(spec);
  const rules = Object.values(spec);
  return rule(
    (value) => {
      if (!isObject(value)) return false;
      for (let i = 0; i < keys.length; i++) if (!Object.hasOwn(value, keys[i]) || !rules[i].ok(value[keys[i]])) return false;
      return true;
    },
    (value, place) => {
      object(value, place);
      for (let i = 0; i < keys.length; i++) member(value, keys[i], place, rules[i].check);
    },
  );
};

const boolean = leaf((value) => typeof value === "boolean", (value) => `${shown(value)} is not true or false`);

const positiveInteger = leaf((value) => Number.isInteger(value) && value >= 1,
  (value) => `${shown(value)} is not a whole number of at least 1`);

const attempts = rule((value) => positiveInteger.ok(value) && value <= 100, (value, place) => {
  positiveInteger.check(value, place);
  if (value > 100) place.fail(`${value} is more than 100 attempts`);
});

const LITERAL_TYPES = ["string", "number", "boolean"];
const literal = leaf((value) => LITERAL_TYPES.includes(typeof value),
  (value) => `${shown(value)} is not a string, number or boolean`);

const duration = fields({ amount: positiveInteger, unit: oneOf(UNITS), text: string });

const CONDITION_FORMS = ["input", "all", "any", "not"];
const ORDERED = ["lt", "le", "gt", "ge"];
const MEASURES = oneOf(["days_since", "business_days_since"]);
const operator = oneOf(OPERATORS);
const literals = list(literal, 1);

const condition = rule(
  (value) => {
    if (!isObject(value)) return false;
    let forms = 0;
    for (const key of CONDITION_FORMS) if (Object.hasOwn(value, key)) forms++;
    if (forms !== 1) return false;
    if (Object.hasOwn(value, "all")) return conditions.ok(value.all);
    if (Object.hasOwn(value, "any")) return conditions.ok(value.any);
    if (Object.hasOwn(value, "not")) return condition.ok(value.not);
    if (!string.ok(value.input) || !Object.hasOwn(value, "op") || !operator.ok(value.op) || !Object.hasOwn(value, "value")) return false;
    if (!(value.op === "in" ? literals : literal).ok(value.value)) return false;
    if (ORDERED.includes(value.op) && typeof value.value !== "number") return false;
    return !Object.hasOwn(value, "measure") || MEASURES.ok(value.measure);
  },
  (value, place) => {
    object(value, place);
    const forms = CONDITION_FORMS.filter((key) => Object.hasOwn(value, key));
    if (forms.length !== 1) place.fail("a condition is one comparison, or one of `all`, `any`, `not`");
    const [form] = forms;
    if (form === "all" || form === "any") return member(value, form, place, conditions.check);
    if (form === "not") return member(value, form, place, condition.check);
    member(value, "input", place, string.check);
    member(value, "op", place, operator.check);
    member(value, "value", place, (value.op === "in" ? literals : literal).check);
    if (ORDERED.includes(value.op) && typeof value.value !== "number") place.at("value").fail("needs a number");
    if (Object.hasOwn(value, "measure")) member(value, "measure", place, MEASURES.check);
  },
);
const conditions = list(condition, 1);

const option = fields({ label: text, goto: string, condition: nullable(condition), otherwise: boolean });
const record = fields({
  title: nullable(string), system: nullable(string), action: string,
  fields: list(fields({ name: string, templates: list(string), multiple: boolean })),
});

const NEEDS = { decision: "decision", end: "outcome", handoff: "handoff", repeat: "repeat", wait: "wait" };

const stepFields = fields({
  id: string, kind: oneOf(KINDS), title: text, do: nullable(string),
  callouts: list(fields({ kind: string, text: string })),
  scripts: list(fields({ mode: string, title: nullable(string), template: string })),
  records: list(record), gaps: list(string),
  wait: nullable(fields({ duration: nullable(duration), until: nullable(string) })),
  next: nullable(string),
  decision: nullable(fields({ ask: string, input: nullable(string), options: list(option, 1) })),
  outcome: nullable(oneOf(OUTCOMES)),
  handoff: nullable(fields({ to: string, target: oneOf(["sop", "procedure"]), then: nullable(string) })),
  repeat: nullable(fields({ back_to: string, max_attempts: attempts, every: nullable(duration), within: nullable(duration) })),
});

/** The part a step of its kind cannot be without, when it is null. */
function missingNeed(value) {
  const needed = Object.hasOwn(NEEDS, value.kind) ? NEEDS[value.kind] : undefined;
  return needed && value[needed] === null ? needed : null;
}

const step = rule((value) => stepFields.ok(value) && missingNeed(value) === null, (value, place) => {
  stepFields.check(value, place);
  const needed = missingNeed(value);
  if (needed) place.at(needed).fail(`a \`${value.kind}\` step needs \`${needed}\``);
});

const input = fields({
  id: string, type: oneOf(INPUT_TYPES), label: text, help: nullable(string), required: boolean, values: list(text),
});

const sop = fields({ title: text, inputs: list(input), start: string, steps: list(step, 1) });

function keyed(item) {
  return rule(
    (value) => {
      if (!isObject(value)) return false;
      for (const key in value) if (!item.ok(value[key])) return false;
      return true;
    },
    (value, place) => {
      object(value, place);
      for (const key of Object.keys(value)) item.check(value[key], place.at(key));
    },
  );
}

const bundle = fields({
  entry: nullable(string),
  sops: keyed(sop),
  procedures: keyed(fields({ title: text })),
});

/** Throws a `RuntimeFormatError` naming the first place the bundle is not what a runtime reads. */
export function checkShape(data) {
  if (!bundle.ok(data)) bundle.check(data, new Place());
}

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

function object(value, place) {
  if (!isObject(value)) place.fail(`${JSON.stringify(value ?? null)} is not an object`);
  return value;
}

function member(parent, key, place, check) {
  if (!Object.hasOwn(parent, key)) place.fail(`\`${key}\` is missing`);
  check(parent[key], place.at(key));
}

function string(value, place) {
  if (typeof value !== "string") place.fail(`${JSON.stringify(value ?? null)} is not a string`);
}

function text(value, place) {
  string(value, place);
  if (value.length === 0) place.fail("the text is empty");
}

const nullable = (check) => (value, place) => { if (value !== null) check(value, place); };
const oneOf = (allowed) => (value, place) => {
  if (!allowed.includes(value)) place.fail(`${JSON.stringify(value ?? null)} is not one of ${allowed.join(", ")}`);
};
const list = (check, minItems = 0) => (value, place) => {
  if (!Array.isArray(value)) place.fail(`${JSON.stringify(value ?? null)} is not an array`);
  if (value.length < minItems) place.fail(`needs at least ${minItems} item(s)`);
  for (let i = 0; i < value.length; i++) check(value[i], place.at(i));
};
const fields = (spec) => {
  const members = Object.entries(spec);
  return (value, place) => {
    object(value, place);
    for (const [key, check] of members) member(value, key, place, check);
  };
};

function boolean(value, place) {
  if (typeof value !== "boolean") place.fail(`${JSON.stringify(value ?? null)} is not true or false`);
}

function positiveInteger(value, place) {
  if (!Number.isInteger(value) || value < 1) place.fail(`${JSON.stringify(value ?? null)} is not a whole number of at least 1`);
}

function attempts(value, place) {
  positiveInteger(value, place);
  if (value > 100) place.fail(`${value} is more than 100 attempts`);
}

function literal(value, place) {
  if (!["string", "number", "boolean"].includes(typeof value)) place.fail(`${JSON.stringify(value ?? null)} is not a string, number or boolean`);
}

const duration = fields({ amount: positiveInteger, unit: oneOf(UNITS), text: string });

function condition(value, place) {
  object(value, place);
  const forms = ["input", "all", "any", "not"].filter((key) => Object.hasOwn(value, key));
  if (forms.length !== 1) place.fail("a condition is one comparison, or one of `all`, `any`, `not`");
  const [form] = forms;
  if (form === "all" || form === "any") return member(value, form, place, list(condition, 1));
  if (form === "not") return member(value, form, place, condition);
  member(value, "input", place, string);
  member(value, "op", place, oneOf(OPERATORS));
  member(value, "value", place, value.op === "in" ? list(literal, 1) : literal);
  if (["lt", "le", "gt", "ge"].includes(value.op) && typeof value.value !== "number") place.at("value").fail("needs a number");
  if (Object.hasOwn(value, "measure")) member(value, "measure", place, oneOf(["days_since", "business_days_since"]));
}

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

const step = (value, place) => {
  stepFields(value, place);
  const needed = NEEDS[value.kind];
  if (needed && value[needed] === null) place.at(needed).fail(`a \`${value.kind}\` step needs \`${needed}\``);
};

const input = fields({
  id: string, type: oneOf(INPUT_TYPES), label: text, help: nullable(string), required: boolean, values: list(text),
});

const sop = fields({ title: text, inputs: list(input), start: string, steps: list(step, 1) });

function keyed(check) {
  return (value, place) => {
    object(value, place);
    for (const key of Object.keys(value)) check(value[key], place.at(key));
  };
}

/** Throws a `RuntimeFormatError` naming the first place the bundle is not what a runtime reads. */
export function checkShape(data) {
  fields({
    entry: nullable(string),
    sops: keyed(sop),
    procedures: keyed(fields({ title: text })),
  })(data, new Place());
}

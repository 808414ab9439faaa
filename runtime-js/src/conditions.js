/**
 * The condition language: comparisons combined with all/any/not, evaluated
 * to true, false, or null when a fact it needs is unknown (the runtime then
 * asks). Values of different types never compare: the result is false.
 */

import { businessDaysBetween, dayNumber } from "./facts.js";

export const OPERATORS = ["eq", "ne", "lt", "le", "gt", "ge", "in"];

/**
 * @param {object} condition in normalized form (docs/runtime.md, "Conditions")
 * @param {Record<string, unknown>} facts
 * @param {string} today YYYY-MM-DD
 * @param {Set<string>} [needs] names of missing facts are added here
 * @returns {boolean | null}
 */
export function evaluate(condition, facts, today, needs = new Set()) {
  if ("all" in condition) return all(condition.all.map((c) => evaluate(c, facts, today, needs)));
  if ("any" in condition) return any(condition.any.map((c) => evaluate(c, facts, today, needs)));
  if ("not" in condition) {
    const inner = evaluate(condition.not, facts, today, needs);
    return inner === null ? null : !inner;
  }
  return comparison(condition, facts, today, needs);
}

function all(results) {
  if (results.includes(false)) return false;
  return results.includes(null) ? null : true;
}

function any(results) {
  if (results.includes(true)) return true;
  return results.includes(null) ? null : false;
}

function comparison(condition, facts, today, needs) {
  const name = condition.input;
  if (!Object.hasOwn(facts, name)) {
    needs.add(name);
    return null;
  }
  let value = facts[name];
  if (condition.measure) {
    value = measured(condition.measure, value, today);
    if (value === null) return false;
  }
  return compare(condition.op, value, condition.value);
}

/** Days (or business days) from the date `value` to `today`; null if `value` is not a date. */
export function measured(measure, value, today) {
  const since = dayNumber(value);
  if (since === null) return null;
  const now = dayNumber(today);
  return measure === "days_since" ? now - since : businessDaysBetween(since, now);
}

function isNumber(value) {
  return typeof value === "number";
}

function sameType(a, b) {
  if (typeof a === "boolean" || typeof b === "boolean") return typeof a === "boolean" && typeof b === "boolean";
  if (isNumber(a) || isNumber(b)) return isNumber(a) && isNumber(b);
  return typeof a === "string" && typeof b === "string";
}

export function compare(op, value, literal) {
  if (op === "in") return literal.some((item) => sameType(value, item) && value === item);
  if (!sameType(value, literal)) return false;
  if (op === "eq") return value === literal;
  if (op === "ne") return value !== literal;
  if (!isNumber(value)) return false;
  return { lt: value < literal, le: value <= literal, gt: value > literal, ge: value >= literal }[op];
}

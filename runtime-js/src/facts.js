/**
 * Facts and dates: a fact's value in its input's type, and the calendar
 * arithmetic measured conditions use. Dates are `YYYY-MM-DD` text.
 */

import { FactError } from "./errors.js";

const DAY = 86_400_000;
const INTEGER = /^[+-]?[0-9]+$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/** The day number (days since 1970-01-01) of `YYYY-MM-DD` text, or null when it is not a real date. */
export function dayNumber(value) {
  if (typeof value !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return null;
  const [year, month, day] = value.split("-").map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return null;
  return Math.round(date.getTime() / DAY);
}

/** `YYYY-MM-DD` of the local calendar day now. */
export function localToday() {
  const now = new Date();
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(now.getFullYear(), 4)}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Monday-to-Friday days d with start < d <= end (negative when end is before start). */
export function businessDaysBetween(start, end) {
  if (end < start) return -businessDaysBetween(end, start);
  const days = end - start;
  const rest = days % 7;
  let count = ((days - rest) / 7) * 5;
  const weekday = (((start + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; Monday is 0
  for (let offset = 1; offset <= rest; offset++) {
    if ((weekday + offset) % 7 < 5) count++;
  }
  return count;
}

/**
 * The value of a fact in its declared input's type; text (from a form or a
 * command line) is converted.
 * @param {{id: string, type: string, values?: string[]}} declared
 * @param {unknown} value
 */
export function coerce(declared, value) {
  const { type: kind, id: name } = declared;
  if (kind === "yesno") {
    if (typeof value === "boolean") return value;
    const text = String(value).trim().toLowerCase();
    if (["yes", "y", "true"].includes(text)) return true;
    if (["no", "n", "false"].includes(text)) return false;
    throw new FactError(`\`${name}\` is yes or no, not \`${value}\``);
  }
  if (kind === "number") {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    const text = String(value).trim();
    const number = Number(text);
    if (typeof value !== "boolean" && NUMBER.test(text) && Number.isFinite(number)) return INTEGER.test(text) ? Math.trunc(number) : number;
    throw new FactError(`\`${name}\` is a number, not \`${value}\``);
  }
  if (kind === "date") {
    const text = typeof value === "string" ? value.trim() : value;
    if (dayNumber(text) === null) throw new FactError(`\`${name}\` is a date written YYYY-MM-DD, not \`${value}\``);
    return text;
  }
  if (typeof value !== "string" && !(typeof value === "number" && Number.isFinite(value))) {
    throw new FactError(`\`${name}\` is text, not ${JSON.stringify(value ?? null)}`);
  }
  const text = String(value);
  if (LONE_SURROGATE.test(text)) {
    throw new FactError(`\`${name}\` holds a lone surrogate (a \`\\ud800\`-style escape), which is not a character`);
  }
  if (kind === "choice" && !declared.values.includes(text)) {
    throw new FactError(`\`${name}\` is one of ${declared.values.join(", ")}; not \`${text}\``);
  }
  return text;
}

/**
 * JSON as the Python reference runtime reads and writes it.
 *
 * A bundle's digest covers its canonical text (keys sorted by code point, no
 * whitespace, non-ASCII characters as they are, numbers as Python writes
 * them). `JSON.parse` loses what that text needs (`1.0` and `1` become the
 * same number), so bundles are parsed here, and the canonical text is built
 * in the same pass from the tokens as written.
 */

import { RuntimeFormatError } from "./errors.js";

const SURROGATE = /[\ud800-\udfff]/;

/** Keys sorted in code point order, as Python sorts them. UTF-16 code unit order (the
 * default sort) is the same unless a key holds a character beyond U+FFFF. */
export function sortKeys(keys) {
  return keys.some((key) => SURROGATE.test(key)) ? keys.sort(compareKeys) : keys.sort();
}

const isSurrogate = (unit) => unit >= 0xd800 && unit <= 0xdfff;

/** Keys in code point order, as Python sorts them (not UTF-16 code unit order). */
export function compareKeys(a, b) {
  if (a === b) return 0;
  // Code units give the same order up to the first difference unless a surrogate is there.
  const shorter = Math.min(a.length, b.length);
  let i = 0;
  while (i < shorter && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === shorter) return a.length - b.length;
  if (!isSurrogate(a.charCodeAt(i)) && !isSurrogate(b.charCodeAt(i))) return a.charCodeAt(i) - b.charCodeAt(i);
  return compareCodePoints(a, b);
}

function compareCodePoints(a, b) {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i].codePointAt(0);
    const y = right[i].codePointAt(0);
    if (x !== y) return x - y;
  }
  return left.length - right.length;
}

const ESCAPES = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

/** A string as Python's `json.dumps(..., ensure_ascii=False)` writes it. */
export function quote(text) {
  // eslint-disable-next-line no-control-regex
  return '"' + text.replace(/["\\\u0000-\u001f]/g, (c) => ESCAPES[c] ?? "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) + '"';
}

/** A float as Python's `repr` writes it: shortest digits, exponent outside 1e-4 <= |x| < 1e16. */
export function floatText(value) {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a JSON number`);
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa, exponentText] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.length > 1 ? "." + digits.slice(1) : "";
    const power = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${digits[0]}${rest}e${exponent < 0 ? "-" : "+"}${power}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1) || "0";
  return `${sign}${whole}.${fraction}`;
}

/** A number as Python writes the value JSON parsing gave: whole numbers as integers. */
export function numberText(value) {
  if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
  return floatText(value);
}

/** The text of a number token as Python writes the number it parses to. */
function tokenText(token) {
  if (/^-?\d+$/.test(token)) return token === "-0" ? "0" : token.replace(/^(-?)0+(?=\d)/, "$1");
  return floatText(Number(token));
}

/**
 * Serialize like Python's `json.dumps(value, sort_keys=True, ensure_ascii=False)`:
 * compact (`,` and `:`) without `indent`, else indented by `indent` spaces.
 * @param {unknown} value
 * @param {{indent?: number}} [options]
 */
export function dumps(value, { indent } = {}) {
  const write = (item, depth) => {
    if (item === null || item === undefined) return "null";
    if (typeof item === "boolean") return item ? "true" : "false";
    if (typeof item === "number") return numberText(item);
    if (typeof item === "string") return quote(item);
    const inner = indent === undefined ? "" : "\n" + " ".repeat(indent * (depth + 1));
    const outer = indent === undefined ? "" : "\n" + " ".repeat(indent * depth);
    const colon = indent === undefined ? ":" : ": ";
    if (Array.isArray(item)) {
      if (item.length === 0) return "[]";
      return "[" + inner + item.map((x) => write(x, depth + 1)).join("," + inner) + outer + "]";
    }
    const keys = sortKeys(Object.keys(item).filter((k) => item[k] !== undefined));
    if (keys.length === 0) return "{}";
    return "{" + inner + keys.map((k) => quote(k) + colon + write(item[k], depth + 1)).join("," + inner) + outer + "}";
  };
  return write(value, 0);
}

/**
 * The compact text `dumps` writes, by the engine's own `JSON.stringify` (several
 * times faster) when that writes the same: every object's keys already in code
 * point order (as an export writes them), strings without lone surrogates, and
 * numbers that both write alike (whole numbers below 1e21, fractions from 1e-4).
 * @param {unknown} value
 */
export function canonicalText(value) {
  return jsonForm(value) === "plain" ? JSON.stringify(value) : dumps(value);
}

const wellFormed = String.prototype.isWellFormed
  ? (text) => text.isWellFormed()
  : (text) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

const DEEP = 0;
const OTHER = 1;
const PLAIN = 2;
const FORMS = ["deep", "other", "plain"];

/**
 * How a value nests and is written, in one walk: "deep" when it nests deeper than MAX_DEPTH,
 * else "plain" when `JSON.stringify` writes the text `dumps` writes, else "other".
 * @param {unknown} value
 * @returns {"deep" | "plain" | "other"}
 */
export function jsonForm(value) {
  return FORMS[formOf(value, 0)];
}

function formOf(value, depth) {
  if (depth > MAX_DEPTH) return DEEP;
  switch (typeof value) {
    case "string":
      return wellFormed(value) ? PLAIN : OTHER;
    case "number":
      return (Number.isInteger(value) ? Math.abs(value) < 1e21 : Number.isFinite(value) && Math.abs(value) >= 1e-4) ? PLAIN : OTHER;
    case "boolean":
      return PLAIN;
    case "object":
      if (value === null) return PLAIN;
      break;
    default:
      return OTHER;
  }
  let form = PLAIN;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = formOf(value[i], depth + 1);
      if (item === DEEP) return DEEP;
      if (item < form) form = item;
    }
    return form;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) form = OTHER;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if (form === PLAIN && (!wellFormed(keys[i]) || (i > 0 && compareKeys(keys[i - 1], keys[i]) >= 0))) form = OTHER;
    const item = formOf(value[keys[i]], depth + 1);
    if (item === DEEP) return DEEP;
    if (item < form) form = item;
  }
  return form;
}

/**
 * Parse JSON text, also giving the canonical text of every top-level member
 * (what the digest covers is built from these).
 * @param {string} text
 * @param {string} name what the text is, for messages
 * @returns {{value: unknown, canonical: Map<string, string> | null}}
 */
export function parseWithCanonical(text, name) {
  const parser = new Parser(text, name);
  parser.space();
  const result = parser.top();
  parser.space();
  if (parser.at < text.length) parser.fail("unexpected text after the JSON document");
  return result;
}

// No exported bundle nests more than a few dozen levels; a document nested
// hundreds deep is damage (and would exhaust the stack).
export const MAX_DEPTH = 500;

class Parser {
  constructor(text, name) {
    this.text = text;
    this.name = name;
    this.at = 0;
    this.depth = 0;
  }

  fail(what) {
    const before = this.text.slice(0, this.at);
    const line = before.split("\n").length;
    const col = this.at - before.lastIndexOf("\n");
    throw new RuntimeFormatError(`${this.name} is not valid JSON (truncated or damaged?): ${what} at line ${line} column ${col}`);
  }

  space() {
    while (this.at < this.text.length && " \t\n\r".includes(this.text[this.at])) this.at++;
  }

  top() {
    if (this.text[this.at] !== "{") {
      const [value] = this.value();
      return { value, canonical: null };
    }
    const members = new Map();
    const value = this.object(members);
    return { value, canonical: members };
  }

  /** @returns {[unknown, string]} the value and its canonical text */
  value() {
    const c = this.text[this.at];
    if ((c === "{" || c === "[") && this.depth >= MAX_DEPTH) {
      throw new RuntimeFormatError(`malformed ${this.name}: it nests far deeper than any exported bundle`);
    }
    if (c === "{") {
      const members = new Map();
      const value = this.object(members);
      const keys = sortKeys([...members.keys()]);
      return [value, "{" + keys.map((k) => quote(k) + ":" + members.get(k)).join(",") + "}"];
    }
    if (c === "[") return this.array();
    if (c === '"') {
      const text = this.string();
      return [text, quote(text)];
    }
    for (const [word, value] of [["true", true], ["false", false], ["null", null]]) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return [value, word];
      }
    }
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.at, this.at + 400));
    if (!match) this.fail(c === undefined ? "the text ends early" : `unexpected ${JSON.stringify(c)}`);
    this.at += match[0].length;
    const number = Number(match[0]);
    if (!Number.isFinite(number)) this.fail(`number ${match[0]} is out of range`);
    return [number, tokenText(match[0])];
  }

  object(members) {
    const value = {};
    this.depth++;
    this.at++;
    this.space();
    if (this.text[this.at] === "}") {
      this.at++;
      this.depth--;
      return value;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail("expected a key in double quotes");
      const key = this.string();
      this.space();
      if (this.text[this.at] !== ":") this.fail("expected `:`");
      this.at++;
      this.space();
      const [item, canonical] = this.value();
      Object.defineProperty(value, key, { value: item, enumerable: true, writable: true, configurable: true });
      members.set(key, canonical);
      this.space();
      const c = this.text[this.at++];
      if (c === "}") {
        this.depth--;
        return value;
      }
      if (c !== ",") this.fail("expected `,` or `}`");
    }
  }

  array() {
    const value = [];
    const parts = [];
    this.depth++;
    this.at++;
    this.space();
    if (this.text[this.at] === "]") {
      this.at++;
      this.depth--;
      return [value, "[]"];
    }
    for (;;) {
      this.space();
      const [item, canonical] = this.value();
      value.push(item);
      parts.push(canonical);
      this.space();
      const c = this.text[this.at++];
      if (c === "]") {
        this.depth--;
        return [value, "[" + parts.join(",") + "]"];
      }
      if (c !== ",") this.fail("expected `,` or `]`");
    }
  }

  string() {
    const start = ++this.at;
    let out = "";
    let from = start;
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) this.fail("a string is not closed");
      if (c === '"') break;
      if (c < " ") this.fail("a control character inside a string");
      if (c === "\\") {
        out += this.text.slice(from, this.at);
        out += this.escape();
        from = this.at;
        continue;
      }
      this.at++;
    }
    out += this.text.slice(from, this.at);
    this.at++;
    return out;
  }

  escape() {
    const c = this.text[this.at + 1];
    const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }[c];
    if (simple !== undefined) {
      this.at += 2;
      return simple;
    }
    const hex = this.text.slice(this.at + 2, this.at + 6);
    if (c !== "u" || !/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("a bad escape in a string");
    this.at += 6;
    return String.fromCharCode(parseInt(hex, 16));
  }
}

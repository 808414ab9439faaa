/**
 * The canonical text of a bundle read from the text `sopc export` wrote, taken from that text
 * itself (its layout and its `digest` removed) instead of written again from the parsed bundle.
 *
 * The digest must cover the text the Python runtime writes from what it parses (sorted keys, no
 * whitespace, Python's escapes and numbers). An exported text is that text with layout added, but
 * a hand-edited one may not be, and one whose digest was recomputed over its own text must still be
 * refused as Python refuses it. So the text is used only once it is proven to be the text
 * `JSON.stringify` writes from the parsed bundle, and that text to be the one Python writes:
 *
 * - the parsed bundle is "plain" (keys in code point order, no key the engine reorders, numbers that
 *   `JSON.stringify` writes as Python does);
 * - every escape in the text is the one both write for its character;
 * - every number token that could be written otherwise (a fraction, an exponent, 16 digits or more)
 *   is written as both write its number;
 * - and then the text is exactly as long as the text `JSON.stringify` writes. Whitespace, a repeated
 *   key and any other way of writing a string or a number only make a text longer, so the two are
 *   the same text.
 *
 * Proving it costs a walk of the parsed bundle that only counts, and a few searches of the text;
 * much less than writing the text again and comparing.
 */

import { MAX_DEPTH, compareKeys, floatText } from "./json.js";

/**
 * The canonical text of the bundle without its `digest` (what the digest covers), in parts, when
 * `text` is proven to be it once its layout and `digest` are taken out; else null.
 * @param {string} text the bundle's text
 * @param {unknown} data what `JSON.parse` made of it
 * @returns {string[] | null}
 */
export function exportedCanonical(text, data) {
  if (typeof data?.digest !== "string") return null;
  const digestLine = `{\n  "digest":${JSON.stringify(data.digest)},`;
  if (!text.startsWith(digestLine) || !isWellFormed(text)) return null; // a lone surrogate has no canonical text
  const rest = text.slice(digestLine.length); // the digest's hex digits may look like a number: passed over
  const parts = withoutLayout(rest);
  let length = digestLine.length - 3; // without its line break and indentation
  for (let i = 0; i < parts.length; i++) length += parts[i].length;
  const escapes = escapeOverhead(rest);
  const counted = plainLength(data, 0, mayHoldSurrogates(text));
  if (escapes < 0 || counted < 0 || length - escapes !== counted || !numbersWrittenAsParsed(rest)) return null;
  parts[0] = "{" + parts[0];
  return parts;
}

/**
 * The text without the line breaks and indentation `sopc export` puts between members (a string
 * holds no line break), as the lines it leaves: hashed one after another, they are never joined
 * into one more copy of the whole text.
 */
function withoutLayout(text) {
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    if (indent > 0) lines[i] = line.slice(indent);
  }
  return lines;
}

const isWellFormed = String.prototype.isWellFormed
  ? (text) => text.isWellFormed()
  : (text) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

/** Whether comparing keys by code unit could differ from comparing them by code point. */
function mayHoldSurrogates(text) {
  return /[\ud800-\udfff]/.test(text);
}

/**
 * The length of the text `JSON.stringify` writes of a value parsed by `JSON.parse`, each string
 * counted without its escapes; -1 when that text may not be the one Python writes, or may not be
 * in the order of the text parsed (a key such as "1" is moved first by the engine).
 */
function plainLength(value, depth, surrogates) {
  switch (typeof value) {
    case "string":
      return value.length + 2;
    case "number":
      return numberLength(value);
    case "boolean":
      return value ? 4 : 5;
    case "object":
      if (value === null) return 4;
      if (depth >= MAX_DEPTH) return -1;
      return Array.isArray(value) ? arrayLength(value, depth, surrogates) : objectLength(value, depth, surrogates);
    default:
      return -1;
  }
}

/** `JSON.stringify` and Python write whole numbers below 1e21 and fractions from 1e-4 alike. */
function numberLength(value) {
  if (Number.isInteger(value)) return value >= 0 && value < 1e9 ? digitCount(value) : Math.abs(value) < 1e21 ? String(value).length : -1;
  return Number.isFinite(value) && Math.abs(value) >= 1e-4 ? String(value).length : -1;
}

/** The digits of a small whole number, without writing it. */
function digitCount(value) {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

function arrayLength(array, depth, surrogates) {
  let length = array.length === 0 ? 2 : array.length + 1; // brackets and commas
  for (let i = 0; i < array.length; i++) {
    const item = plainLength(array[i], depth + 1, surrogates);
    if (item < 0) return -1;
    length += item;
  }
  return length;
}

function objectLength(object, depth, surrogates) {
  // for-in makes no list of the keys (Object.keys would, for every object): a freshly parsed bundle
  // is mostly still in the young generation, and every allocation here would make the collector copy it.
  let length = 1; // the opening brace; each member adds its comma or the closing brace
  let previous = null;
  for (const key in object) {
    if (previous !== null && !(surrogates ? compareKeys(previous, key) < 0 : previous < key)) return -1;
    if (key.charCodeAt(0) <= 57 && ARRAY_INDEX.test(key)) return -1;
    const item = plainLength(object[key], depth + 1, surrogates);
    if (item < 0) return -1;
    length += key.length + 4 + item; // quotes, colon, and comma or brace
    previous = key;
  }
  return previous === null ? 2 : length;
}

// Keys the engine lists first, in numeric order, whatever their place in the text.
const ARRAY_INDEX = /^\d+$/;

// In valid JSON every backslash starts an escape, and escapes follow one another from the left.
const ESCAPE = /\\(?:u[0-9a-fA-F]{4}|[^])/g;
const SHORT_ESCAPES = new Set(['\\"', "\\\\", "\\b", "\\f", "\\n", "\\r", "\\t"]);
const NO_SHORT_ESCAPE = /^\\u00(?:0[0-7be]|0f|1[0-9a-f])$/;

/**
 * How much longer the escapes make the text than the characters they stand for, or -1 when one is
 * not the escape `JSON.stringify` and Python write for its character (`\/`, `\u0041`, `\u001F`).
 */
function escapeOverhead(text) {
  if (!text.includes("\\")) return 0;
  let overhead = 0;
  for (const [escape] of text.matchAll(ESCAPE)) {
    if (!SHORT_ESCAPES.has(escape) && !NO_SHORT_ESCAPE.test(escape)) return -1;
    overhead += escape.length - 1;
  }
  return overhead;
}

// Every number token that may be written otherwise than its number is (a fraction, an exponent,
// 16 digits or more) matches this; so may text inside a string.
const SUSPECT_NUMBER = /[:,[][ \t\n\r]*(-?\d+(?:[.eE]|\d{15}))/g;
const NUMBER_AT = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const INTEGER = /^-?\d+$/;

/**
 * Whether every number token of the text that could be written otherwise is written as both
 * `JSON.stringify` and Python write its number. Text in a string that looks like such a token is
 * judged the same way, which at worst sends the bundle the slow way.
 */
function numbersWrittenAsParsed(text) {
  for (const found of text.matchAll(SUSPECT_NUMBER)) {
    NUMBER_AT.lastIndex = found.index + found[0].length - found[1].length;
    if (!writtenAsParsed(NUMBER_AT.exec(text)?.[0] ?? "")) return false;
  }
  return true;
}

function writtenAsParsed(token) {
  const number = Number(token);
  if (String(number) !== token) return false;
  return INTEGER.test(token) || (!Number.isInteger(number) && floatText(number) === token);
}

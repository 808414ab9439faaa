/**
 * Template filling: `{{ id }}` becomes the fact's text, nothing else runs.
 * The output is plain text; whoever shows it escapes it for its medium.
 */

import { numberText } from "./json.js";

// Double braces around anything without braces; what stands between them,
// without the white space around it, is a placeholder when it is an input id.
const BRACES = /\{\{([^{}]*)\}\}/g;
// The white space Python's `str.strip()` removes, so both runtimes read the same placeholders.
const EDGE_SPACE = /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const INPUT_ID = /^[a-z][a-z0-9_]*$/;

/** The text a fact is shown as: yes/no for booleans, whole numbers without `.0`. */
export function factText(value) {
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return numberText(value);
  return String(value);
}

/**
 * The template with every known placeholder replaced and every unknown one
 * shown as `[Label]`, so a reader sees what is still to be filled in.
 * @param {string | null} template
 * @param {Record<string, unknown>} facts
 * @param {Record<string, string>} labels
 */
export function fill(template, facts, labels) {
  if (template === null || template === undefined) return null;
  return template.replace(BRACES, (whole, between) => {
    const name = between.replace(EDGE_SPACE, "");
    if (!INPUT_ID.test(name)) return whole;
    if (Object.hasOwn(facts, name)) return factText(facts[name]);
    return `[${Object.hasOwn(labels, name) ? labels[name] : name}]`;
  });
}

// The canonical text taken from an exported bundle's own text: taken whenever the text is the one
// `sopc export` writes, never when it is not the canonical text of what it parses to.
import assert from "node:assert/strict";
import { test } from "node:test";

import { exportedCanonical } from "../src/exported-text.js";

/** A text in the layout `sopc export` writes: the digest, then one member a line. */
function exportedLayout(members, digest = "sha256:9e10" + "0".repeat(60)) {
  const lines = [`"digest":${JSON.stringify(digest)}`, ...members.map(([key, text]) => `${JSON.stringify(key)}:${text}`)];
  return "{\n  " + lines.join(",\n  ") + "\n}\n";
}

const MEMBERS = [
  ["entry", "null"],
  ["numbers", "[0,-7,1.5,0.0001,100,123456789012345]"],
  ["sops", '{"a":{"steps":[{"id":"s1","text":"Say \\"hi\\", then \\\\ wait\\n\\u0001 é😀 \u2028"}]},"b":{}}'],
  ["zz", "true"],
];

test("the canonical text of an exported bundle is its own text without layout and digest", () => {
  const text = exportedLayout(MEMBERS);
  const canonical = exportedCanonical(text, JSON.parse(text)).join("");
  assert.equal(canonical, "{" + MEMBERS.map(([key, value]) => `"${key}":${value}`).join(",") + "}");
  const { digest, ...content } = JSON.parse(text);
  assert.equal(canonical, JSON.stringify(content));
});

test("a text that is not canonical is never taken for the canonical text", () => {
  const edits = {
    "a space after a colon": [["zz", " true"]],
    "a number with an exponent, as long as written out": [["zz", "1e2"]],
    "a shorter exponent and a space": [["zz", "[1e3 ]"]],
    "20 digits rounded up to 21, and a space": [["zz", "[99999999999999999999 ]"]],
    "a whole number written 1.0": [["zz", "1.0"]],
    "-0": [["zz", "-0"]],
    "an escape in capitals": [["zz", '"\\u001F"']],
    "an escape for a character written as it is": [["zz", '"\\u0041"']],
    "an escaped slash": [["zz", '"\\/"']],
    "a lone surrogate": [["zz", '"\\ud800"']],
    "a key the engine lists first": [["zz", '{"b":1,"1":2}']],
    "keys out of order": [["zz", '{"b":1,"a":2}']],
    "a key twice": [["zz", "1"], ["zz", "2"]],
    "a fraction below 1e-4": [["zz", "0.00001"]],
  };
  for (const [name, extra] of Object.entries(edits)) {
    const text = exportedLayout([...MEMBERS.slice(0, 3), ...extra]);
    assert.equal(exportedCanonical(text, JSON.parse(text)), null, name);
  }
});

test("only the layout `sopc export` writes is taken as it is", () => {
  const text = exportedLayout(MEMBERS);
  const data = JSON.parse(text);
  assert.equal(exportedCanonical(text.replace("\n  ", "\n\t"), data), null);
  assert.equal(exportedCanonical(JSON.stringify(data, null, 1), data), null);
});

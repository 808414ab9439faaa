// The plain SHA-256 (used where a page has no Web Crypto) against Node's.
import { createHash } from "node:crypto";
import assert from "node:assert/strict";
import { test } from "node:test";

import { sha256Hex, sha256HexPlain } from "../src/sha256.js";

test("the plain SHA-256 agrees with node:crypto on every length around the block size", () => {
  for (let length = 0; length < 300; length++) {
    const text = "aé😀".repeat(length).slice(0, length);
    const bytes = new TextEncoder().encode(text);
    assert.equal(sha256HexPlain(bytes), createHash("sha256").update(bytes).digest("hex"), `length ${length}`);
  }
});

test("sha256Hex takes Web Crypto when there is one", async () => {
  assert.equal(await sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("sha256Hex of a text in parts is that of the whole text", async () => {
  const whole = "{\"a\":\"é😀\"," + "x".repeat(100) + "}";
  assert.equal(await sha256Hex(["{", whole.slice(1, 7), whole.slice(7)]), await sha256Hex(whole));
});

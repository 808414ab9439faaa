/** Node helpers: read a bundle or a scenarios file from a path. */

import { readFile } from "node:fs/promises";

import { Bundle } from "./bundle.js";
import { RuntimeFormatError } from "./errors.js";

async function readText(path, what) {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new RuntimeFormatError(`cannot read ${what} ${path}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  }
}

/** @param {string} path @param {{verifyDigest?: boolean}} [options] */
export async function loadBundleFile(path, options) {
  return Bundle.load(await readText(path, "bundle"), options);
}

/** The scenarios of a file written by `sopc export --scenarios`. */
export async function loadScenariosFile(path) {
  const text = await readText(path, "scenarios");
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RuntimeFormatError(`${path} is not valid JSON (truncated or damaged?): ${error.message}`);
  }
  if (data?.format !== "sopc-scenarios" || !Array.isArray(data.scenarios)) {
    throw new RuntimeFormatError(`${path} is not a scenarios file written by \`sopc export --scenarios\``);
  }
  if (typeof data.format_version !== "string" || data.format_version.split(".")[0] !== "1") {
    throw new RuntimeFormatError(`scenarios format version ${JSON.stringify(data.format_version ?? null)} is not supported: this runner reads version 1.x`);
  }
  return data;
}

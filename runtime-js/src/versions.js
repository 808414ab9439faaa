/**
 * The versions of the documents this runtime reads (docs/runtime.md,
 * "Versions"); the same numbers as the Python runtime's `versions.py`.
 */

export const BUNDLE_FORMAT = "sopc-runtime";
/** The bundle format this runtime implements. */
export const FORMAT_VERSION = "1.0";

export const SESSION_FORMAT = "sopc-session";
/** The saved-session format this runtime writes and restores. */
export const SESSION_VERSION = "1.0";
/** Written as a saved session's `min_runtime_version`. */
export const SESSION_MIN_RUNTIME_VERSION = "1.0";
/** The oldest saved-session version this runtime still restores. */
export const MIN_SESSION_VERSION = "1.0";

/** `MAJOR.MINOR` as two numbers; anything else throws `error`. */
export function parseVersion(text, what, error) {
  const parts = typeof text === "string" ? text.split(".") : [];
  if (parts.length !== 2 || !parts.every((part) => /^[0-9]+$/.test(part))) {
    throw new error(`${what} ${JSON.stringify(text ?? null)} is not a version; expected MAJOR.MINOR such as \`1.0\``);
  }
  return parts.map(Number);
}

function before(a, b) {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * Throw `error` for a document this runtime cannot use, naming the versions.
 * @param {Record<string, unknown>} document
 * @param {{fmt: string, implemented: string, what: string, error: new (m: string) => Error, oldest?: string, again?: string}} rule
 */
export function requireCompatible(document, { fmt, implemented, what, error, oldest, again = "" }) {
  if (document.format !== fmt) {
    throw new error(`not a ${what}: \`format\` is ${JSON.stringify(document.format ?? null)}, expected "${fmt}"`);
  }
  const own = parseVersion(implemented, "runtime version", error);
  const written = document.format_version;
  const version = parseVersion(written, `${what} \`format_version\``, error);
  const neededText = "min_runtime_version" in document ? document.min_runtime_version : written;
  const needed = parseVersion(neededText, `${what} \`min_runtime_version\``, error);
  if (version[0] !== own[0]) {
    throw new error(`${what} format version ${written} is not supported: this runtime (version ${implemented}) reads version ${own[0]}.x${again}`);
  }
  if (before(own, needed)) {
    throw new error(`${what} needs a runtime of version ${neededText} or later; this runtime is version ${implemented}${again}`);
  }
  if (oldest !== undefined && before(version, parseVersion(oldest, "oldest version", error))) {
    throw new error(`${what} format version ${written} is too old: this runtime reads version ${oldest} or later${again}`);
  }
}

/**
 * Running one exported flow test (a scenario of `sopc export --scenarios`)
 * and comparing the walk with what it expects (docs/runtime.md,
 * "Conformance"). Steps of the scenario's own SOP are named by bare id,
 * steps of an SOP it handed off to as `sop-id:step`.
 */

import { SopcRuntimeError } from "./errors.js";
import { ENDED, QUESTION, Session, WAITING } from "./session.js";

const MAX_ROUNDS = 10_000;

/**
 * @param {import("./bundle.js").Bundle} bundle
 * @param {{sop: string, today?: string | null, inputs?: object, answers?: string[], expect?: object}} scenario
 * @returns {{passed: boolean, failures: string[], path: string[], outcome: string | null, end: string | null, records: string[], scripts: string[]}}
 */
export function runScenario(bundle, scenario) {
  const walk = { failures: [], path: [], outcome: null, end: null, records: [], scripts: [] };
  let session;
  let unused;
  try {
    session = Session.start(bundle, scenario.sop, scenario.inputs ?? {}, scenario.today ?? undefined);
    unused = answerAll(session, [...(scenario.answers ?? [])], walk);
  } catch (error) {
    if (!(error instanceof SopcRuntimeError)) throw error;
    walk.failures.push(error.message);
    return finished(walk);
  }
  collect(session, scenario.sop, walk);
  if (walk.failures.length) return finished(walk);
  if (unused.length) walk.failures.push(`the walk ended with ${unused.length} answer(s) not used: ${unused.join(", ")}`);
  walk.failures.push(...compare(scenario.expect ?? {}, walk));
  return finished(walk);
}

function finished(walk) {
  return { passed: walk.failures.length === 0, ...walk };
}

/** Answer questions in order and let waits pass; the answers left over. */
function answerAll(session, answers, walk) {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (session.status === WAITING) {
      session.resume();
    } else if (session.status === QUESTION) {
      if (!answers.length) {
        const shown = session.view();
        const labels = shown.options.map((o) => o.label).join(", ");
        walk.failures.push(`answers ran out at \`${shown.step}\`, which asks "${shown.ask}" (options: ${labels})`);
        return [];
      }
      session.choose(answers.shift());
    } else if (session.status === ENDED) {
      return answers;
    }
  }
  walk.failures.push(`the walk did not end within ${MAX_ROUNDS} rounds`);
  return [];
}

function collect(session, sopId, walk) {
  const name = (sop, step) => (sop === sopId ? step : `${sop}:${step}`);
  walk.path = session.path.map(([sop, step]) => name(sop, step));
  walk.outcome = session.outcome;
  walk.end = session.end ? name(session.end.sop, session.end.step) : null;
  walk.records = session.records.map((record) => record.title);
  walk.scripts = session.scripts.map((script) => script.text);
}

const sameList = (a, b) => a.length === b.length && a.every((item, i) => item === b[i]);

/** One line per expectation the walk did not meet. */
export function compare(expect, walk) {
  const differences = [];
  if ("outcome" in expect && expect.outcome !== walk.outcome) {
    differences.push(`expected outcome \`${expect.outcome}\`, got \`${walk.outcome}\` (at \`${walk.end}\`)`);
  }
  if ("end" in expect && expect.end !== walk.end) {
    differences.push(`expected the walk to end at \`${expect.end}\`, it ended at \`${walk.end}\``);
  }
  if ("path" in expect && !sameList(expect.path, walk.path)) {
    differences.push(`expected path ${expect.path.join(" > ")}; got ${walk.path.join(" > ")}`);
  }
  const missing = (expect.visits ?? []).filter((step) => !walk.path.includes(step));
  if (missing.length) differences.push(`expected visits to ${missing.join(", ")}; path was ${walk.path.join(" > ")}`);
  if ("records" in expect && !sameList(expect.records, walk.records)) {
    differences.push(`expected records [${expect.records.join("; ")}], got [${walk.records.join("; ")}]`);
  }
  for (const text of expect.scripts_contain ?? []) {
    if (!walk.scripts.some((script) => script.includes(text))) differences.push(`no script shown contains "${text}"`);
  }
  return differences;
}

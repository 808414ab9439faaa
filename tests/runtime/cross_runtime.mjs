// The JavaScript side of the cross-runtime tests (test_runtime_js.py):
// `node cross_runtime.mjs BUNDLE` reads a JSON list of jobs on standard input
// and writes a JSON list of results, one per job. The Python side runs the
// same jobs with the same rules (seeded walks use the same generator), so the
// results must be equal.
import { readFileSync } from "node:fs";

import { Bundle, Session, SopcRuntimeError, evaluate, fill } from "../../runtime-js/src/index.js";
import { coerce as coerceFact } from "../../runtime-js/src/facts.js";
import { floatText } from "../../runtime-js/src/json.js";
import { loadBundleFile } from "../../runtime-js/src/node.js";

const MAX_ROUNDS = 200;

/** Park-Miller "minimal standard" generator: exact in doubles, easy to write alike in Python. */
class Random {
  constructor(seed) {
    this.state = seed % 2147483647 || 1;
  }

  next() {
    this.state = (this.state * 48271) % 2147483647;
    return this.state;
  }
}

function isoDay(dayNumber) {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

const FIRST_DAY = Date.UTC(2025, 10, 1) / 86_400_000;

function randomValue(input, random) {
  const r = random.next();
  if (input.type === "choice") return input.values.length ? input.values[r % input.values.length] : "x";
  if (input.type === "yesno") return r % 2 === 0;
  if (input.type === "number") return (r % 41) - 10;
  if (input.type === "date") return isoDay(FIRST_DAY + (r % 120));
  return `Text ${r % 1000}`;
}

function outcome(session, error) {
  const state = session ? session.state() : null;
  return error ? { state, error: error.constructor.name } : { state, error: null };
}

function randomWalk(bundle, { sop, seed, today }) {
  const random = new Random(seed);
  const facts = {};
  for (const input of bundle.sops[sop].inputs) {
    if (random.next() % 2 === 0) facts[input.id] = randomValue(input, random);
  }
  let session = null;
  try {
    session = Session.start(bundle, sop, facts, today);
    for (let round = 0; round < MAX_ROUNDS && session.status !== "ended"; round++) {
      if (session.status === "waiting") {
        session.resume();
        continue;
      }
      const view = session.view();
      if (view.needs.length && random.next() % 3 === 0) {
        session.supply(view.needs[0].id, randomValue(view.needs[0], random));
      } else {
        session.choose((random.next() % view.options.length) + 1);
      }
    }
  } catch (error) {
    if (!(error instanceof SopcRuntimeError)) throw error;
    return outcome(session, error);
  }
  return outcome(session, null);
}

/** Walk `rounds` rounds (a wait resumed or a question answered), consuming answers in order. */
function play(session, answers, rounds = Infinity) {
  let used = 0;
  for (let round = 0; round < rounds && session.status !== "ended"; round++) {
    if (session.status === "waiting") session.resume();
    else if (used < answers.length) session.choose(answers[used++]);
    else break;
  }
  return used;
}

async function run(bundle, job) {
  if (job.op === "random") return randomWalk(bundle, job);
  if (job.op === "partial") {
    const { sop, inputs, today, answers } = job.scenario;
    const session = Session.start(bundle, sop, inputs, today ?? undefined);
    const used = play(session, answers, job.rounds);
    return { text: session.toJSON(), used };
  }
  if (job.op === "continue") {
    const session = Session.fromJSON(bundle, job.text);
    play(session, job.answers);
    return outcome(session, null);
  }
  if (job.op === "evaluate") {
    return job.cases.map(([condition, facts, today]) => {
      const needs = new Set();
      return [evaluate(condition, facts, today, needs), [...needs].sort()];
    });
  }
  if (job.op === "floats") return job.values.map(floatText);
  if (job.op === "fill") return job.cases.map(([template, facts, labels]) => fill(template, facts, labels));
  if (job.op === "coerce") {
    return job.cases.map(([declared, value]) => {
      try {
        return { value: coerceFact(declared, value) };
      } catch (error) {
        if (!(error instanceof SopcRuntimeError)) throw error;
        return { error: error.constructor.name };
      }
    });
  }
  if (job.op === "load") {
    try {
      await Bundle.load(readFileSync(job.path, "utf8"));
      return { error: null };
    } catch (error) {
      if (!(error instanceof SopcRuntimeError)) throw error;
      return { error: error.constructor.name, message: error.message };
    }
  }
  if (job.op === "restore") {
    try {
      return outcome(Session.fromJSON(bundle, job.text), null);
    } catch (error) {
      if (!(error instanceof SopcRuntimeError)) throw error;
      return { error: error.constructor.name, message: error.message };
    }
  }
  throw new Error(`unknown job ${job.op}`);
}

const bundle = await loadBundleFile(process.argv[2]);
const jobs = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const job of jobs) results.push(await run(bundle, job));
process.stdout.write(JSON.stringify(results));

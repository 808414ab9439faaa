// The JavaScript runtime's side of bench/run.py's runtime rows, in one Node process:
//
//   node bench/runtime_probe.mjs BUNDLE load         -> "load parse read" (CPU seconds)
//   node bench/runtime_probe.mjs BUNDLE walk SEED    -> "N steps/s: W walks, S steps in T s"
//
// `load` times `Bundle.load` of the bundle's text, then `JSON.parse` of the same
// text, then reading the file, as bench/run.py's Python probe times `Bundle.load`
// against `json.load`. `walk` walks every SOP at random (a fixed seed) as the
// Python probe does, until a second of CPU time has passed.
import { readFileSync } from "node:fs";

import { Bundle, Session } from "../runtime-js/src/index.js";

const [path, what, seedText] = process.argv.slice(2);

/** CPU seconds (user + system) of this process so far. */
function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function timed(work) {
  const start = cpuSeconds();
  const result = await work();
  return [cpuSeconds() - start, result];
}

/** Park-Miller "minimal standard" generator, as tests/runtime/cross_runtime.mjs uses. */
function generator(seed) {
  let state = seed % 2147483647 || 1;
  return () => (state = (state * 48271) % 2147483647);
}

async function load() {
  const text = readFileSync(path, "utf8"); // read untimed first, so that neither timing pays for the disk
  const [ours] = await timed(() => Bundle.load(text));
  const [parse] = await timed(() => JSON.parse(text));
  const [read] = await timed(() => readFileSync(path, "utf8"));
  console.log(`${ours} ${parse} ${read}`);
}

async function walk(seed) {
  const bundle = await Bundle.load(readFileSync(path, "utf8"));
  const next = generator(seed + 1);
  const today = "2026-01-15";
  const sopIds = Object.keys(bundle.sops).sort();
  let steps = 0;
  let walks = 0;
  const start = cpuSeconds();
  while (walks === 0 || cpuSeconds() - start < 1.0) {
    for (const sopId of sopIds) {
      const session = Session.start(bundle, sopId, {}, today);
      for (let round = 0; round < 10_000; round++) {
        const shown = session.view(); // what a tool shows the agent at every stop
        if (session.status === "question") session.choose((next() % shown.options.length) + 1);
        else if (session.status === "waiting") session.resume();
        else break;
      }
      steps += session.log.length;
      walks += 1;
    }
  }
  const elapsed = cpuSeconds() - start;
  console.log(`${Math.round(steps / elapsed)} steps/s: ${walks} walks, ${steps} steps in ${elapsed.toFixed(2)} s`);
}

if (what === "load") await load();
else if (what === "walk") await walk(Number(seedText ?? 0));
else {
  console.error("usage: node bench/runtime_probe.mjs BUNDLE load|walk [SEED]");
  process.exit(2);
}

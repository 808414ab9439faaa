#!/usr/bin/env node
/**
 * sopc-conformance BUNDLE SCENARIOS
 *
 * Runs every scenario exported by `sopc export -o BUNDLE --scenarios SCENARIOS`
 * with this runtime and prints one line per scenario, then `N passed, M failed`.
 * Exit 0 when every scenario passes, 1 when one fails, 2 when the bundle or
 * the scenarios cannot be read (the reason on standard error).
 */

import { SopcRuntimeError, runScenario } from "../src/index.js";
import { loadBundleFile, loadScenariosFile } from "../src/node.js";

const USAGE = "usage: sopc-conformance BUNDLE SCENARIOS";

async function main(args) {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  if (args.length !== 2) {
    console.error(USAGE);
    return 2;
  }
  const [bundlePath, scenariosPath] = args;
  let bundle;
  let suite;
  try {
    bundle = await loadBundleFile(bundlePath);
    suite = await loadScenariosFile(scenariosPath);
  } catch (error) {
    if (!(error instanceof SopcRuntimeError)) throw error;
    console.error(`sopc-conformance: ${error.message}`);
    return 2;
  }
  if (suite.bundle_digest && suite.bundle_digest !== bundle.digest) {
    console.error(`sopc-conformance: warning: ${scenariosPath} was exported with another bundle (digest ${suite.bundle_digest})`);
  }
  let passed = 0;
  let failed = 0;
  for (const scenario of suite.scenarios) {
    const walk = runScenario(bundle, scenario);
    const where = scenario.source ? `${scenario.source.path}:${scenario.source.line}:${scenario.source.col}: ` : "";
    if (walk.passed) {
      passed++;
      console.log(`PASS ${scenario.sop} "${scenario.name}"`);
    } else {
      failed++;
      console.log(`${where}FAIL ${scenario.sop} "${scenario.name}": ${walk.failures.join("; ")}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));

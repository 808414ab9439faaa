"""`python -m sopc.runtime.conformance BUNDLE SCENARIOS`: the conformance run
of docs/runtime.md with the reference runtime, the counterpart of
`runtime-js/bin/sopc-conformance.mjs` (same arguments, lines and exit codes).

Prints one line per scenario, then `N passed, M failed`. Exit 0 when every
scenario passes, 1 when one fails, 2 when the bundle or the scenarios cannot
be read (the reason on standard error).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sopc.runtime.bundle import Bundle
from sopc.runtime.errors import RuntimeFormatError, SopcRuntimeError
from sopc.runtime.scenarios import run_scenario
from sopc.runtime.versions import SCENARIOS_FORMAT
USAGE = "usage: python -m sopc.runtime.conformance BUNDLE SCENARIOS"


def load_scenarios(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuntimeFormatError(f"cannot read scenarios {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise RuntimeFormatError(f"{path} is not valid JSON (truncated or damaged?): {exc}") from None
    if not isinstance(data, dict) or data.get("format") != SCENARIOS_FORMAT or not isinstance(data.get("scenarios"), list):
        raise RuntimeFormatError(f"{path} is not a scenarios file written by `sopc export --scenarios`")
    version = data.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != "1":
        raise RuntimeFormatError(f"scenarios format version {json.dumps(version)} is not supported: this runner reads version 1.x")
    return data


def main(args: list[str]) -> int:
    if "-h" in args or "--help" in args:
        print(USAGE)
        return 0
    if len(args) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    bundle_path, scenarios_path = args
    try:
        bundle = Bundle.load(Path(bundle_path))
        suite = load_scenarios(scenarios_path)
    except SopcRuntimeError as exc:
        print(f"sopc-conformance: {exc}", file=sys.stderr)
        return 2
    if suite.get("bundle_digest") and suite["bundle_digest"] != bundle.digest:
        print(f"sopc-conformance: warning: {scenarios_path} was exported with another bundle (digest {suite['bundle_digest']})",
              file=sys.stderr)
    passed = failed = 0
    for scenario in suite["scenarios"]:
        walk = run_scenario(bundle, scenario["sop"], scenario)
        source = scenario.get("source")
        where = f"{source['path']}:{source['line']}:{source['col']}: " if source else ""
        if walk.passed:
            passed += 1
            print(f"PASS {scenario['sop']} \"{scenario['name']}\"")
        else:
            failed += 1
            print(f"{where}FAIL {scenario['sop']} \"{scenario['name']}\": {'; '.join(walk.failures)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Bundle parts (one SOP each, as the site publishes them for guided mode):
the JavaScript runtime loads each checked, combines them, and refuses a part
that is tampered with, of another SOP, or a combination missing a hand-off target."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sopc.check import load_corpus
from sopc.emit.bundle import export_bundle

REPO = Path(__file__).resolve().parents[2]
ENTRY, TARGET = "homeowner-support-calls", "gather-homeowner-details"
PROBE = """
import { readFileSync } from "node:fs";
import { Bundle } from "%s";

const [entryPath, targetPath, tamperedPath] = process.argv.slice(2);
const read = (path) => readFileSync(path, "utf8");
async function verdict(work) {
  try {
    const value = await work();
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: error.constructor.name, message: error.message };
  }
}
const entry = await Bundle.loadPart(read(entryPath), "%s");
const target = await Bundle.loadPart(read(targetPath), "%s");
const combined = Bundle.combine([entry, target]);
const out = {
  combined: Object.keys(combined.sops).sort(),
  entry: combined.data.entry,
  partAsWhole: await verdict(() => Bundle.load(read(entryPath))),
  wrongSop: await verdict(() => Bundle.loadPart(read(targetPath), "%s")),
  tampered: await verdict(() => Bundle.loadPart(read(tamperedPath), "%s")),
  missingTarget: await verdict(async () => Bundle.combine([entry])),
};
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node():
    found = shutil.which("node")
    assert found, "Node is missing: run scripts/setup.sh"
    return found


def test_parts_hold_one_sop_each_and_combine_into_one_bundle_checked_part_by_part(node, tmp_path):
    corpus = load_corpus([REPO / "sops"])[0]
    entry_data, entry_text = export_bundle(corpus, ENTRY, part=True)
    _, target_text = export_bundle(corpus, TARGET, part=True)
    whole, _ = export_bundle(corpus, ENTRY)
    assert list(entry_data["sops"]) == [ENTRY] and TARGET in whole["sops"]
    paths = {name: tmp_path / f"{name}.json" for name in ("entry", "target", "tampered")}
    paths["entry"].write_text(entry_text, encoding="utf-8")
    paths["target"].write_text(target_text, encoding="utf-8")
    paths["tampered"].write_text(entry_text.replace(json.dumps(entry_data["sops"][ENTRY]["title"]),
                                                    json.dumps("Something else"), 1), encoding="utf-8")
    assert paths["tampered"].read_text(encoding="utf-8") != entry_text
    module = (REPO / "runtime-js" / "src" / "index.js").as_uri()
    script = tmp_path / "probe.mjs"
    script.write_text(PROBE % (module, ENTRY, TARGET, ENTRY, ENTRY), encoding="utf-8")
    done = subprocess.run([node, str(script), *map(str, paths.values())], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["combined"] == sorted({ENTRY, TARGET}) and out["entry"] == ENTRY
    for refused in ("partAsWhole", "wrongSop", "tampered", "missingTarget"):
        assert out[refused]["ok"] is False and out[refused]["error"] == "RuntimeFormatError", (refused, out[refused])
    assert "digest" in out["tampered"]["message"]

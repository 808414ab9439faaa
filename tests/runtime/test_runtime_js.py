"""The JavaScript runtime (runtime-js/) against the Python one: the same
conformance suite, the same refusals, the same walks, and sessions that move
from one runtime to the other. Node is real (scripts/setup.sh installs it)."""

import copy
import json
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from sopc.runtime import Bundle, Session, SopcRuntimeError
from sopc.runtime import conditions, versions
from sopc.runtime.bundle import coerce, digest
from sopc.runtime.templates import fill

REPO = Path(__file__).resolve().parents[2]
SOPS = REPO / "sops"
CONFORMANCE = REPO / "runtime-js" / "bin" / "sopc-conformance.mjs"
DRIVER = Path(__file__).with_name("cross_runtime.mjs")
TODAY = "2026-01-05"
MAX_ROUNDS = 200
SEEDS = range(1, 31)


@pytest.fixture(scope="module")
def node():
    found = shutil.which("node")
    assert found, "Node is missing: run scripts/setup.sh"
    return found


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The whole corpus of sops/ exported with its scenarios."""
    folder = tmp_path_factory.mktemp("export")
    bundle, scenarios = folder / "bundle.json", folder / "scenarios.json"
    result = subprocess.run([sys.executable, "-m", "sopc", "export", str(SOPS), "-o", str(bundle), "--scenarios", str(scenarios)],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return bundle, scenarios


def conformance(node, bundle, scenarios):
    """The outputs of the JavaScript and the Python conformance commands on the same files."""
    js = subprocess.run([node, str(CONFORMANCE), str(bundle), str(scenarios)], capture_output=True, text=True)
    py = subprocess.run([sys.executable, "-m", "sopc.runtime.conformance", str(bundle), str(scenarios)],
                        cwd=REPO, capture_output=True, text=True)
    return js, py


def js_jobs(node, bundle, jobs):
    result = subprocess.run([node, str(DRIVER), str(bundle)], input=json.dumps(jobs), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# -- the conformance suite ---------------------------------------------------

def test_both_runtimes_pass_every_exported_scenario_of_the_corpus(node, exported):
    bundle, scenarios = exported
    count = len(json.loads(scenarios.read_text(encoding="utf-8"))["scenarios"])
    assert count >= 30
    js, py = conformance(node, bundle, scenarios)
    assert js.returncode == 0 and py.returncode == 0, js.stdout + js.stderr + py.stdout + py.stderr
    assert js.stdout.splitlines()[-1] == f"{count} passed, 0 failed"
    assert js.stdout == py.stdout


def test_both_runtimes_fail_the_same_scenarios(node, exported, tmp_path):
    bundle, scenarios = exported
    suite = json.loads(scenarios.read_text(encoding="utf-8"))
    suite["scenarios"][0]["expect"]["outcome"] = "escalated" if suite["scenarios"][0]["expect"].get("outcome") != "escalated" else "resolved"
    suite["scenarios"][1]["answers"].append("An answer never asked for")
    suite["scenarios"][2]["expect"]["path"] = ["nowhere"]
    changed = tmp_path / "scenarios.json"
    changed.write_text(json.dumps(suite), encoding="utf-8")
    js, py = conformance(node, bundle, changed)
    assert js.returncode == 1 and py.returncode == 1
    assert js.stdout.splitlines()[-1] == f"{len(suite['scenarios']) - 3} passed, 3 failed"
    assert js.stdout == py.stdout
    assert js.stdout.count("FAIL") == 3


@pytest.mark.parametrize("which", ["bundle", "scenarios"])
def test_both_runtimes_refuse_inputs_they_cannot_read(node, exported, tmp_path, which):
    bundle, scenarios = exported
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "sopc-', encoding="utf-8")
    args = (broken, scenarios) if which == "bundle" else (bundle, broken)
    for result in conformance(node, *args):
        assert result.returncode == 2 and "not valid JSON" in result.stderr and "passed" not in result.stdout


# -- the same refusals -------------------------------------------------------

def resealed(data, change):
    data = copy.deepcopy(data)
    change(data)
    data["digest"] = digest(data)
    return data


def first_step(data):
    return data["sops"]["rejected-payment-outreach"]["steps"][0]


TAMPERED = {
    "content changed, digest kept": lambda d: first_step(d).update(title="Changed by hand"),
    "digest removed": lambda d: d.pop("digest"),
}
RESEALED = {
    "major version 2.0": lambda d: d.update(format_version="2.0", min_runtime_version="2.0"),
    "major version 0.9": lambda d: d.update(format_version="0.9", min_runtime_version="0.9"),
    "minimum version 1.1": lambda d: d.update(format_version="1.1", min_runtime_version="1.1"),
    "not a version": lambda d: d.update(format_version="1.0.1"),
    "another format": lambda d: d.update(format="sopc-other"),
    "unknown step kind": lambda d: first_step(d).update(kind="teleport"),
    "goto nowhere": lambda d: first_step(d).update(next="nowhere"),
    "start nowhere": lambda d: d["sops"]["rejected-payment-outreach"].update(start="nowhere"),
    "no steps": lambda d: d["sops"]["rejected-payment-outreach"].update(steps=[]),
    "a step without its kind's part": lambda d: next(
        s for s in d["sops"]["rejected-payment-outreach"]["steps"] if s["kind"] == "decision").update(decision=None),
    "unknown operator": lambda d: next(
        o for s in d["sops"]["system-reactivation-after-non-payment"]["steps"] if s["decision"]
        for o in s["decision"]["options"] if o["condition"])["condition"].update(op="like"),
    "more than 100 attempts": lambda d: next(
        s for sop in d["sops"].values() for s in sop["steps"] if s["repeat"])["repeat"].update(max_attempts=101),
    "a decision on an undeclared input": lambda d: next(
        s for s in d["sops"]["rejected-payment-outreach"]["steps"] if s["decision"])["decision"].update(input="nobody_declared"),
    "hand-off to an unknown SOP": lambda d: next(
        s for sop in d["sops"].values() for s in sop["steps"] if s["handoff"] and s["handoff"]["target"] == "sop")["handoff"].update(to="nobody"),
}


def python_verdict(path):
    try:
        Bundle.load(path)
    except SopcRuntimeError as exc:
        return type(exc).__name__, str(exc)
    return None, ""


def test_both_runtimes_refuse_the_same_tampered_bundles(node, exported, tmp_path):
    bundle, _ = exported
    data = json.loads(bundle.read_text(encoding="utf-8"))
    cases = {name: copy.deepcopy(data) for name in TAMPERED}
    for name, change in TAMPERED.items():
        change(cases[name])
    cases.update({name: resealed(data, change) for name, change in RESEALED.items()})
    text = bundle.read_text(encoding="utf-8")
    paths, jobs = {}, []
    for index, (name, case) in enumerate(cases.items()):
        paths[name] = tmp_path / f"case{index}.json"
        paths[name].write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    paths["truncated"] = tmp_path / "truncated.json"
    paths["truncated"].write_text(text[: len(text) // 2], encoding="utf-8")
    paths["nested far too deep"] = tmp_path / "deep.json"
    paths["nested far too deep"].write_text(text.replace("{", '{"zz": ' + "[" * 5000 + "]" * 5000 + ",", 1), encoding="utf-8")
    jobs = [{"op": "load", "path": str(path)} for path in paths.values()]
    for (name, path), js in zip(paths.items(), js_jobs(node, bundle, jobs), strict=True):
        py_error, py_message = python_verdict(path)
        assert py_error == "RuntimeFormatError", name
        assert js["error"] == py_error, (name, js, py_message)
        for version in re.findall(r"\b\d+\.\d+(?:\.\d+)?\b", py_message):
            assert version in js["message"], (name, js["message"], py_message)


def layout_edits(text):
    """Bundles edited in the text `sopc export` wrote (its layout kept), which the JavaScript runtime
    checks by writing the parsed bundle back: each edit against that shortcut."""
    import hashlib

    line = re.search(r'"line":(\d+)', text)
    fraction = text[:line.start()] + f'"line":{line.group(1)}.0' + text[line.end():]
    swapped = re.sub(r'\{"callouts":(\[[^\n]*?\]),"decision":null,', r'{"decision":null,"callouts":\1,', text, count=1)
    assert swapped != text
    without_layout = re.sub(r"\n *", "", swapped)
    unsorted_digest = "sha256:" + hashlib.sha256(
        re.sub(r'"digest":"sha256:[0-9a-f]+",', "", without_layout, count=1).encode("utf-8")).hexdigest()
    return {
        "a whole number written 3.0, digest kept": fraction,
        "keys out of order, digest of that text": re.sub(r'"digest":"sha256:[0-9a-f]+"', f'"digest":"{unsorted_digest}"',
                                                          swapped, count=1),
        "a space after a colon, digest kept": text.replace('"entry":null', '"entry": null', 1),
        "as exported": text,
    }


def test_both_runtimes_judge_bundles_edited_in_the_export_layout_alike(node, exported, tmp_path):
    bundle, _ = exported
    cases = layout_edits(bundle.read_text(encoding="utf-8"))
    paths = {}
    for index, (name, text) in enumerate(cases.items()):
        paths[name] = tmp_path / f"layout{index}.json"
        paths[name].write_text(text, encoding="utf-8")
    verdicts = js_jobs(node, bundle, [{"op": "load", "path": str(path)} for path in paths.values()])
    for (name, path), js in zip(paths.items(), verdicts, strict=True):
        assert js["error"] == python_verdict(path)[0], (name, js)
    assert [js["error"] for js in verdicts] == ["RuntimeFormatError", "RuntimeFormatError", None, None]


def sealed_over_own_text(text, member):
    """The exported text with `member` added last, its digest recomputed over its own text (layout and
    digest removed) as if that text were canonical: what a hand edit that reseals the file makes."""
    import hashlib

    edited = text.rstrip()[:-1].rstrip() + ",\n  " + member + "\n}\n"
    own = re.sub(r'"digest":"sha256:[0-9a-f]+",', "", re.sub(r"\n *", "", edited), count=1)
    return re.sub(r'"digest":"sha256:[0-9a-f]+"', '"digest":"sha256:' + hashlib.sha256(own.encode("utf-8")).hexdigest() + '"',
                  edited, count=1)


# Members whose text is not the canonical text of what it parses to, though as long as it or longer only
# where something else is shorter: the JavaScript runtime takes an exported text as canonical once it
# has proven it so, and must not take these. Then the members whose text is canonical, which both accept.
OWN_TEXT_SEALED = {
    "a whole number written with an exponent, as long as written out": ('"zz":1e2', "RuntimeFormatError"),
    "an exponent one shorter, and a space": ('"zz":[1e3 ]', "RuntimeFormatError"),
    "20 digits a double rounds up to 21, and a space": ('"zz":[99999999999999999999 ]', "RuntimeFormatError"),
    "an escape in capitals": ('"zz":"\\u001F"', "RuntimeFormatError"),
    "a key the engine lists first, written last": ('"zz":{"b":1,"1":2}', "RuntimeFormatError"),
    "a key written twice": ('"zz":1,"zz":2', "RuntimeFormatError"),
    "a space after a colon": ('"zz": 1', "RuntimeFormatError"),
    "a fraction and escapes written canonically": ('"zz":[1.5,100,0.0001,"a\\"b\\\\c\\u0001\\n",-7]', None),
    "17 digits, kept exactly": ('"zz":12345678901234567', None),
    "a key the engine lists first, written first": ('"zz":{"1":2,"b":1}', None),
}


@pytest.mark.parametrize("name", OWN_TEXT_SEALED)
def test_both_runtimes_judge_a_text_sealed_over_itself_alike(node, exported, tmp_path, name):
    bundle, _ = exported
    member, expected = OWN_TEXT_SEALED[name]
    path = tmp_path / "sealed.json"
    path.write_text(sealed_over_own_text(bundle.read_text(encoding="utf-8"), member), encoding="utf-8")
    [js] = js_jobs(node, bundle, [{"op": "load", "path": str(path)}])
    assert python_verdict(path)[0] == expected, name
    assert js["error"] == expected, (name, js)


def added_everywhere(value, parent=None):
    """Keys a newer minor version might add, with numbers and text whose canonical form is easy to get wrong."""
    if isinstance(value, list):
        return [added_everywhere(item) for item in value]
    if not isinstance(value, dict):
        return value
    copied = {key: added_everywhere(item, key) for key, item in value.items()}
    if parent not in ("sops", "procedures"):
        copied["zz_added"] = [1.0, 2.5, 1e-05, 1e16, 123456789012345678, -0.0, "é😀\u2028\x01\"\\", True, None, {"ü": 0.1}]
        copied["\U0001f600key"] = 1
        copied["\uffefkey"] = 2
    return copied


def test_both_runtimes_read_a_newer_minor_bundle_and_agree_on_its_digest(node, exported, tmp_path):
    bundle, scenarios = exported
    data = added_everywhere(json.loads(bundle.read_text(encoding="utf-8")))
    data.update(format_version="1.7", min_runtime_version="1.0")
    data["digest"] = digest(data)
    for layout, text in (("compact", json.dumps(data, ensure_ascii=False)), ("escaped", json.dumps(data, indent=1))):
        newer = tmp_path / f"newer-{layout}.json"
        newer.write_text(text, encoding="utf-8")
        js, py = conformance(node, newer, scenarios)
        assert js.returncode == 0 and py.returncode == 0, (layout, js.stderr, py.stderr)
        assert js.stdout == py.stdout


# -- the same walks ----------------------------------------------------------

class Random:
    """The generator of cross_runtime.mjs (Park-Miller), so both runtimes walk alike."""

    def __init__(self, seed):
        self.state = seed % 2147483647 or 1

    def next(self):
        self.state = (self.state * 48271) % 2147483647
        return self.state


def random_value(declared, random):
    r = random.next()
    kind = declared["type"]
    if kind == "choice":
        return declared["values"][r % len(declared["values"])] if declared["values"] else "x"
    if kind == "yesno":
        return r % 2 == 0
    if kind == "number":
        return r % 41 - 10
    if kind == "date":
        return (date(2025, 11, 1) + timedelta(days=r % 120)).isoformat()
    return f"Text {r % 1000}"


def state_of(session):
    return json.loads(session.to_json()) if session else None


def random_walk(bundle, sop, seed, today):
    random = Random(seed)
    facts = {}
    for declared in bundle.sops[sop]["inputs"]:
        if random.next() % 2 == 0:
            facts[declared["id"]] = random_value(declared, random)
    session = None
    try:
        session = Session.start(bundle, sop, facts, date.fromisoformat(today))
        for _ in range(MAX_ROUNDS):
            if session.status == "ended":
                break
            if session.status == "waiting":
                session.resume()
                continue
            view = session.view()
            if view["needs"] and random.next() % 3 == 0:
                session.supply(view["needs"][0]["id"], random_value(view["needs"][0], random))
            else:
                session.choose(random.next() % len(view["options"]) + 1)
    except SopcRuntimeError as exc:
        return {"state": state_of(session), "error": type(exc).__name__}
    return {"state": state_of(session), "error": None}


def test_seeded_random_walks_over_the_whole_corpus_are_identical_in_both_runtimes(node, exported):
    bundle_path, _ = exported
    bundle = Bundle.load(bundle_path)
    jobs = [{"op": "random", "sop": sop, "seed": seed, "today": today}
            for sop in sorted(bundle.sops) for seed in SEEDS for today in (TODAY, "2025-12-20")]
    expected = [random_walk(bundle, job["sop"], job["seed"], job["today"]) for job in jobs]
    walked = js_jobs(node, bundle_path, jobs)
    for job, js, py in zip(jobs, walked, expected, strict=True):
        assert js == py, job
    # The walks are worth comparing: they reach most steps, and both ask and decide from facts.
    visited = {(visit["sop"], visit["step"]) for py in expected for visit in py["state"]["log"]}
    every_step = {(sop, step) for sop, steps in bundle.steps.items() for step in steps}
    assert len(visited) >= 0.8 * len(every_step)
    assert sum(py["state"]["status"] == "ended" for py in expected) > len(jobs) // 2
    by = {d["by"] for py in expected for d in py["state"]["decisions"]}
    assert by == {"agent", "facts"}


# -- the same answers, part by part --------------------------------------------

FACTS = {"text": "basic", "number": 3, "float": 2.5, "yes": True, "no": False, "date": "2026-01-02",
         "future": "2026-02-10", "bad_date": "2026-02-30", "digits": "3", "empty": ""}
LITERALS = ["basic", "other", 3, 3.0, 2.5, -1, 0, True, False, "3", "2026-01-02", ""]


def condition_cases():
    cases = []
    for name in [*FACTS, "unknown"]:
        for op in conditions.OPERATORS:
            for literal in LITERALS:
                value = [literal, "basic"] if op == "in" else literal
                if op in ("lt", "le", "gt", "ge") and not isinstance(literal, (int, float)):
                    continue
                cases.append([{"input": name, "op": op, "value": value}, FACTS, TODAY])
    first = date(2025, 12, 1)
    for offset in range(0, 70):
        since = (first + timedelta(days=offset)).isoformat()
        for today in ("2026-01-05", "2026-01-10", "2026-01-11", "2025-12-15"):
            for measure in conditions.MEASURES:
                for bound in (0, 5, 10):
                    cases.append([{"input": "d", "op": "ge", "value": bound, "measure": measure}, {"d": since}, today])
    both = {"input": "unknown", "op": "eq", "value": 1}
    true, false = {"input": "number", "op": "eq", "value": 3}, {"input": "number", "op": "eq", "value": 4}
    for parts in ([true, both], [false, both], [true, true], [false, true], [both, both]):
        for combinator in ("all", "any"):
            cases.append([{combinator: parts}, FACTS, TODAY])
            cases.append([{"not": {combinator: parts}}, FACTS, TODAY])
    return cases


def test_both_runtimes_evaluate_conditions_alike(node, exported):
    cases = condition_cases()
    expected = []
    for condition, facts, today in cases:
        needs = set()
        expected.append([conditions.evaluate(condition, facts, date.fromisoformat(today), needs), sorted(needs)])
    [walked] = js_jobs(node, exported[0], [{"op": "evaluate", "cases": cases}])
    assert len(cases) > 2000
    for case, js, py in zip(cases, walked, expected, strict=True):
        assert js == py, case
    assert {result for result, _ in expected} == {True, False, None}


def test_both_runtimes_fill_templates_alike(node, exported):
    facts = {"name": "Ada", "count": 3, "ratio": 2.5, "whole": 4.0, "small": 1e-05, "yes": True, "no": False}
    labels = {"missing": "Missing label"}
    templates = ["{{ name }}", "{{name}}", "{{\tname\u3000}}", "{{ count }}/{{ ratio }}/{{ whole }}/{{ small }}",
                 "{{ yes }} {{ no }}", "{{ missing }} {{ other }}", "{{ Name }}", "{{ name | upper }}", "{{ 1x }}",
                 "{{{ name }}}", "{{ name }", "plain", "{{ name\x1c}}", "{{\ufeffname }}", "é {{ name }} 😀",
                 "{{ na me }}", "{{ \n name \x85}}", "{{}}", "{{ {{ name }} }}", "{{ é }}", "{{ name }}{{ yes }}"]
    cases = [[template, facts, labels] for template in templates]
    [walked] = js_jobs(node, exported[0], [{"op": "fill", "cases": cases}])
    assert walked == [fill(template, facts, labels) for template in templates]


def test_both_runtimes_read_facts_alike(node, exported):
    inputs = [{"id": "n", "type": "number"}, {"id": "t", "type": "text"}, {"id": "y", "type": "yesno"},
              {"id": "d", "type": "date"}, {"id": "c", "type": "choice", "values": ["a", "b"]}]
    values = ["3", " 3 ", "-3", "+3", "3.5", ".5", "5.", "1e3", "1E-2", "inf", "nan", "1_000", "--3", "３", "", "x",
              "yes", "Y", "TRUE", "no", "n", "false", "2026-01-05", " 2026-01-05 ", "2026-02-30", "2026-1-5",
              "2026-W01-1", "20260105", "0000-01-01", "a", "b", 3, 2.5, True, False, None, "\ud800", "a\udc00b", "😀"]
    cases = [[declared, value] for declared in inputs for value in values]
    expected = []
    for declared, value in cases:
        try:
            expected.append({"value": coerce(declared, value)})
        except SopcRuntimeError as exc:
            expected.append({"error": type(exc).__name__})
    [walked] = js_jobs(node, exported[0], [{"op": "coerce", "cases": cases}])
    for case, js, py in zip(cases, walked, expected, strict=True):
        assert js == py, case


# -- sessions that move between runtimes -------------------------------------

def play(session, answers, rounds=None):
    """Resume waits and answer questions for `rounds` rounds (all if None); the answers used."""
    used, round_ = 0, 0
    while session.status != "ended" and (rounds is None or round_ < rounds):
        round_ += 1
        if session.status == "waiting":
            session.resume()
        elif used < len(answers):
            session.choose(answers[used])
            used += 1
        else:
            break
    return used


def scenario_session(bundle, scenario):
    today = date.fromisoformat(scenario["today"]) if scenario["today"] else None
    return Session.start(bundle, scenario["sop"], scenario["inputs"], today)


def test_a_session_saved_by_one_runtime_resumes_in_the_other_and_ends_identically(node, exported):
    bundle_path, scenarios_path = exported
    bundle = Bundle.load(bundle_path)
    scenarios = json.loads(scenarios_path.read_text(encoding="utf-8"))["scenarios"]
    cases, whole = [], []
    for scenario in scenarios:
        complete = scenario_session(bundle, scenario)
        play(complete, scenario["answers"])
        rounds = len(complete.decisions) + sum(1 for e in complete.edges if e["kind"] == "repeat") + len(complete.log)
        for stop in range(rounds + 1):
            cases.append((scenario, stop))
            whole.append(state_of(complete))
    # Python saves, JavaScript goes on.
    saved = []
    for scenario, stop in cases:
        session = scenario_session(bundle, scenario)
        used = play(session, scenario["answers"], stop)
        saved.append({"op": "continue", "text": session.to_json(), "answers": scenario["answers"][used:]})
    for case, js, expected in zip(cases, js_jobs(node, bundle_path, saved), whole, strict=True):
        assert js["state"] == expected, case[0]["name"]
    # JavaScript saves, Python goes on.
    partial = js_jobs(node, bundle_path, [{"op": "partial", "scenario": s, "rounds": stop} for s, stop in cases])
    for (scenario, stop), js, expected in zip(cases, partial, whole, strict=True):
        session = Session.from_json(bundle, js["text"])
        play(session, scenario["answers"][js["used"]:])
        assert state_of(session) == expected, (scenario["name"], stop)
    assert len(cases) > 2 * len(scenarios)


@pytest.mark.parametrize("change, named", [
    ({"format_version": "2.0"}, "2.0"),
    ({"format_version": "1.2", "min_runtime_version": "1.1"}, "1.1"),
    ({"format": "sopc-runtime"}, "sopc-session"),
    ({"frames": [{"sop": "rejected-payment-outreach", "step": "gone"}]}, "gone"),
    ({"status": "dancing"}, "dancing"),
])
def test_both_runtimes_refuse_the_same_saved_sessions(node, exported, change, named):
    bundle_path, _ = exported
    bundle = Bundle.load(bundle_path)
    state = {**json.loads(Session.start(bundle, "rejected-payment-outreach", {}, date(2026, 1, 5)).to_json()), **change}
    text = json.dumps(state)
    with pytest.raises(SopcRuntimeError) as error:
        Session.from_json(bundle, text)
    [js] = js_jobs(node, bundle_path, [{"op": "restore", "text": text}])
    assert js["error"] == type(error.value).__name__ == "SessionFormatError"
    assert named in js["message"] and named in str(error.value)


def saved_states(bundle):
    """States saved at a question, inside a hand-off, at a wait and at the end."""
    states = []
    calls = Session.start(bundle, "homeowner-support-calls", {"m3_approved": True}, date(2026, 1, 5))
    states.append(calls.to_json())  # a question of the SOP handed off to
    calls.choose("Verified homeowner")
    states.append(calls.to_json())
    walk = Session.start(bundle, "rejected-payment-outreach", {"homeowner_name": "Dana"}, date(2026, 1, 5))
    walk.choose("Answered")
    walk.choose("Yes")
    states.append(walk.to_json())  # ended
    return [json.loads(state) for state in states]


def as_doubles(value):
    return json.loads(json.dumps(value), parse_int=float)


def test_both_runtimes_refuse_the_same_mutated_saved_sessions(node, exported):
    import random

    import fuzzing

    bundle_path, _ = exported
    bundle = Bundle.load(bundle_path)
    states = saved_states(bundle)
    rng = random.Random(7)
    cases = [copy.deepcopy(state) for state in states]
    for _ in range(300):
        state = copy.deepcopy(rng.choice(states))
        for _ in range(rng.randint(1, 3)):
            state = fuzzing.mutate_data(state, rng)
        try:
            json.dumps(state, ensure_ascii=False).encode("utf-8")
        except (UnicodeError, ValueError, RecursionError):
            continue  # not JSON text any runtime could be given
        cases.append(state)
    texts = [json.dumps(state, ensure_ascii=False) for state in cases]
    walked = js_jobs(node, bundle_path, [{"op": "restore", "text": text} for text in texts])
    refused = 0
    for text, js in zip(texts, walked, strict=True):
        try:
            expected = {"error": None, "state": state_of(Session.from_json(bundle, text))}
        except SopcRuntimeError as exc:
            expected = {"error": type(exc).__name__}
            refused += 1
        assert js["error"] == expected["error"], (text, js.get("message"))
        if expected["error"] is None:
            # A number in a key the runtimes ignore is kept; JavaScript keeps it as a double.
            assert as_doubles(js["state"]) == as_doubles(expected["state"])
    assert 50 < refused < len(cases) - 3  # the mutations do break states, and leave some whole


def test_both_runtimes_restore_a_newer_minor_session_and_ignore_what_it_adds(node, exported):
    bundle_path, _ = exported
    bundle = Bundle.load(bundle_path)
    state = json.loads(Session.start(bundle, "rejected-payment-outreach", {}, date(2026, 1, 5)).to_json())
    text = json.dumps({**state, "format_version": "1.3", "added_later": {"x": [1]}})
    [js] = js_jobs(node, bundle_path, [{"op": "restore", "text": text}])
    assert js["error"] is None and js["state"] == state_of(Session.from_json(bundle, text)) == state


def test_node_unit_tests_of_the_javascript_runtime_pass(node):
    result = subprocess.run([node, "--test", "runtime-js/test/"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^# pass [1-9]", result.stdout, re.M) and re.search(r"^# fail 0$", result.stdout, re.M)


def test_numbers_are_written_as_python_writes_them(node, exported):
    import random
    import struct

    rng = random.Random(5)
    values = [0.1, 1e-05, 1e-4, 1e16, 1e15, 123456789.125, 5e-324, 1.7976931348623157e308, -2.5, 100.0, 0.5]
    values += [rng.uniform(-1e6, 1e6) for _ in range(300)] + [10 ** rng.uniform(-30, 30) for _ in range(300)]
    values += [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(62)))[0] for _ in range(300)]
    [walked] = js_jobs(node, exported[0], [{"op": "floats", "values": values}])
    assert walked == [repr(float(v)) for v in values]


def test_the_runtimes_share_their_version_numbers():
    source = (REPO / "runtime-js" / "src" / "versions.js").read_text(encoding="utf-8")
    js = dict(re.findall(r'export const (\w+) = "([^"]*)";', source))
    names = ["BUNDLE_FORMAT", "FORMAT_VERSION", "SESSION_FORMAT", "SESSION_VERSION", "SESSION_MIN_RUNTIME_VERSION", "MIN_SESSION_VERSION"]
    assert {name: js.get(name) for name in names} == {name: getattr(versions, name) for name in names}


def test_the_documented_javascript_example_runs(node, exported, tmp_path):
    docs = (REPO / "docs" / "runtime.md").read_text(encoding="utf-8")
    section = docs[docs.index("### The JavaScript runtime"):]
    example = section[section.index("```js\n") + 6:section.index("```\n", section.index("```js\n") + 6)]
    index = (REPO / "runtime-js" / "src" / "index.js").as_uri()
    shutil.copy(exported[0], tmp_path / "sops.json")
    script = tmp_path / "example.mjs"
    script.write_text(
        'import { readFile } from "node:fs/promises";\n'
        'globalThis.fetch = async (path) => ({ text: () => readFile(path, "utf8") });\n'
        + example.replace("./runtime-js/src/index.js", index)
        + "\nconsole.log(JSON.stringify({ path: session.path, same: same.toJSON() === saved, status: same.status }));\n",
        encoding="utf-8")
    result = subprocess.run([node, str(script)], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.splitlines()[-1])
    assert shown["same"] and shown["path"][0] == ["rejected-payment-outreach", "create_records"]

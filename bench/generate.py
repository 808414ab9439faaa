"""Write a synthetic, deterministic corpus of valid SOPs for the benchmarks.

    python3 bench/generate.py --size 1000 --out bench/corpus/1000 [--seed 7] [--steps 50]

Each SOP has about `--steps` steps built from the shapes real SOPs use:
plain instructions with scripts, records and callouts; decisions with two to
five options, some bound to a `yesno` or `choice` input; bounded call-back
loops (`repeat`); waits; hand-offs with `then:` to other SOPs of the corpus
and to the external procedures of a generated `procedures.yaml`. Every input
is used, every step is reachable and every flow reaches an end, so the corpus
passes `sopc check`. The same seed always writes the same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import yaml

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _Dumper

WORDS = ("homeowner account payment contract system installer ticket case balance invoice "
         "schedule technician warranty inverter panel roof permit utility meter credit refund "
         "address email phone record escalation review approval document signature transfer "
         "portal login password statement autopay bank routing number service outage visit").split()
VERBS = ("confirm verify check review update record explain ask note open attach send "
         "look up compare escalate schedule offer read").split()
SYSTEMS = ("Jira", "Salesforce", "Zendesk", "ServiceNow")
ACTIONS = ("create", "update", "comment")
CALLOUT_KINDS = ("note", "info", "tip", "warning")
DURATIONS = ("30 minutes", "2 hours", "24 hours", "48 hours", "1 day", "2 business days", "1 week")
ENDS = ("resolved", "transferred", "escalated", "referred", "pending")
TEXT_INPUTS = ("homeowner_name", "agent_name", "job_address", "case_number", "account_number",
               "org_name", "callback_number", "ticket_id")
CHOICE_VALUES = ("billing", "technical", "installation", "cancellation", "other")
PROCEDURES = 20


def sentence(rng: random.Random, words: int = 10) -> str:
    picked = [rng.choice(WORDS) for _ in range(words)]
    return f"{rng.choice(VERBS).capitalize()} the {' '.join(picked)}."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(6, 14)) for _ in range(sentences))


def template(rng: random.Random, names: list[str], sentences: int = 2) -> str:
    """Prose with one or two `{{ placeholders }}` of the SOP's inputs."""
    used = rng.sample(names, k=min(len(names), rng.randint(1, 2)))
    return f"Hello {{{{ {used[0]} }}}}, " + paragraph(rng, sentences) + "".join(f" Reference: {{{{ {n} }}}}." for n in used[1:])


class SopWriter:
    """Builds one SOP as plain data, block by block, with unique step ids."""

    def __init__(self, rng: random.Random, sop_id: str, handoff_targets: list[str], steps: int):
        self.rng = rng
        self.sop_id = sop_id
        self.targets = handoff_targets
        self.wanted = steps
        self.steps: dict[str, dict] = {}
        self.counter = 0
        self.text_inputs = rng.sample(TEXT_INPUTS, k=rng.randint(4, len(TEXT_INPUTS)))
        self.choice_values = rng.sample(CHOICE_VALUES, k=rng.randint(2, len(CHOICE_VALUES)))

    def new_id(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}_{self.counter}"

    def inputs(self) -> dict:
        declared: dict = {}
        for name in self.text_inputs:
            declared[name] = "text" if self.rng.random() < 0.5 else {
                "type": "text", "label": name.replace("_", " ").title(),
                "help": sentence(self.rng, 6), "source": self.rng.choice(["caller", "agent", "system"])}
        declared["is_owner"] = {"type": "yesno", "label": "Caller is the homeowner", "source": "caller"}
        declared["request_type"] = {"type": "choice", "label": "Request type", "values": list(self.choice_values)}
        declared["contract_date"] = "date"
        declared["amount_due"] = {"type": "number", "label": "Amount due", "required": False, "source": "system"}
        return declared

    # -- blocks: each adds steps that end by falling through to the next block

    def action(self) -> None:
        step: dict = {"title": sentence(self.rng, 4)[:-1], "do": paragraph(self.rng, self.rng.randint(1, 3))}
        if self.rng.random() < 0.5:
            step["scripts"] = [{"title": "Script", self.rng.choice(["say", "send"]): template(self.rng, self.text_inputs, 3)}]
        if self.rng.random() < 0.4:
            step["records"] = [self.record()]
        if self.rng.random() < 0.3:
            step["callouts"] = [{self.rng.choice(CALLOUT_KINDS): paragraph(self.rng, 1)}]
        self.steps[self.new_id("step")] = step

    def record(self) -> dict:
        fields: dict = {}
        for i in range(self.rng.randint(2, 5)):
            name = f"{self.rng.choice(WORDS).title()} {i + 1}"
            if self.rng.random() < 0.2:
                fields[name] = [f"{{{{ {self.rng.choice(self.text_inputs)} }}}}", sentence(self.rng, 3)]
            elif self.rng.random() < 0.5:
                fields[name] = f"{{{{ {self.rng.choice(self.text_inputs)} }}}}"
            else:
                fields[name] = sentence(self.rng, 4)
        return {"title": sentence(self.rng, 3)[:-1], "system": self.rng.choice(SYSTEMS),
                "action": self.rng.choice(ACTIONS), "fields": fields}

    def decision(self, kind: str | None = None) -> None:
        """A question whose branches meet again at a join step; one branch may end."""
        ask_id, join_id = self.new_id("decide"), self.new_id("join")
        kind = kind or self.rng.choice(["free", "free", "yesno", "choice"])
        ask: dict = {"title": sentence(self.rng, 4)[:-1], "ask": f"Does the {self.rng.choice(WORDS)} need a {self.rng.choice(WORDS)}?"}
        branches: list[tuple[str, dict]] = []
        if kind == "yesno":
            ask["input"] = "is_owner"
            labels: list[tuple[str, dict]] = [("Yes", {"value": True}), ("No", {"value": False})]
        elif kind == "choice":
            ask["input"] = "request_type"
            shown = self.choice_values[: self.rng.randint(1, min(4, len(self.choice_values)))]
            labels = [(value.title(), {"value": value}) for value in shown]
            if len(shown) < len(self.choice_values):
                labels.append(("Something else", {"otherwise": True}))
        else:
            labels = [(f"Answer {i + 1}: {self.rng.choice(WORDS)}", {}) for i in range(self.rng.randint(2, 5))]
        options = []
        for i, (label, select) in enumerate(labels):
            branch_id = self.new_id("branch")
            options.append({"label": label, "goto": branch_id, **select})
            branch: dict = {"do": paragraph(self.rng, 1)}
            ends_here = i == 0 and len(labels) > 2 and self.rng.random() < 0.3
            if ends_here:
                branch["end"] = self.rng.choice(ENDS)
            elif i < len(labels) - 1:
                branch["next"] = join_id
            branches.append((branch_id, branch))
        ask["options"] = options
        self.steps[ask_id] = ask
        for branch_id, branch in branches:
            self.steps[branch_id] = branch
        self.steps[join_id] = {"title": "Continue", "do": template(self.rng, self.text_inputs, 1)}

    def loop(self) -> None:
        """Call, voicemail and call back up to N times; answered goes on, the rest closes."""
        call, voicemail, again, give_up, answered = (self.new_id(s) for s in ("call", "voicemail", "call_back", "no_contact", "answered"))
        self.steps[call] = {"title": "Call the homeowner", "do": paragraph(self.rng, 1),
                            "ask": "Did the homeowner answer?",
                            "options": [{"label": "Answered", "goto": answered}, {"label": "No answer", "goto": voicemail}]}
        self.steps[voicemail] = {"scripts": [{"voicemail": template(self.rng, self.text_inputs, 2)}]}
        repeat: dict = {"back_to": call, "max_attempts": self.rng.randint(2, 6)}
        if self.rng.random() < 0.7:
            repeat["every"] = self.rng.choice(DURATIONS)
        if self.rng.random() < 0.5:
            repeat["within"] = "10 business days"
        self.steps[again] = {"do": "Schedule the next attempt.", "repeat": repeat}
        self.steps[give_up] = {"title": "Close without contact", "records": [self.record()], "end": "closed-no-contact"}
        self.steps[answered] = {"title": "Homeowner reached", "do": paragraph(self.rng, 1)}

    def wait(self) -> None:
        wait: dict = {"for": self.rng.choice(DURATIONS)}
        if self.rng.random() < 0.5:
            wait["until"] = sentence(self.rng, 5)[:-1]
        self.steps[self.new_id("wait")] = {"do": paragraph(self.rng, 1), "wait": wait}

    def handoff(self) -> None:
        back = self.new_id("back")
        self.steps[self.new_id("handoff")] = {"title": "Hand off", "handoff": self.rng.choice(self.targets), "then": back}
        self.steps[back] = {"do": template(self.rng, self.text_inputs, 1)}

    def build(self) -> dict:
        blocks = [self.action] * 4 + [self.decision] * 3 + [self.loop, self.wait, self.handoff]
        self.action()
        self.decision("yesno")
        self.decision("choice")
        self.inline_date_decision()
        while len(self.steps) < self.wanted - 1:
            self.rng.choice(blocks)()
        self.steps[self.new_id("done")] = {"title": "Close the contact", "do": template(self.rng, self.text_inputs, 1), "end": "resolved"}
        data = {
            "sop": self.sop_id,
            "title": f"{sentence(self.rng, 3)[:-1]} ({self.sop_id})",
            "summary": sentence(self.rng, 10),
            "purpose": paragraph(self.rng, 3),
            "owner": self.rng.choice(["Homeowner Support", "Account Servicing", "Field Operations"]),
            "revision": self.rng.randint(1, 30),
            "reviewed": f"2026-{self.rng.randint(1, 6):02d}-{self.rng.randint(1, 28):02d}",
            "tags": sorted(set(self.rng.sample(WORDS, k=3))),
            "channels": sorted(self.rng.sample(["phone", "chat", "email", "voicemail"], k=2)),
            "links": [{"title": "Knowledge base", "url": f"https://wiki.example.com/{self.sop_id}"}],
            "inputs": self.inputs(),
            "steps": self.steps,
        }
        self.use_every_text_input()
        return data

    def inline_date_decision(self) -> None:
        """A decision on elapsed time since a date, and on a number: conditions with `measure`."""
        recent, late, join = self.new_id("recent"), self.new_id("late"), self.new_id("join")
        self.steps[self.new_id("decide")] = {
            "ask": "How long ago was the contract signed?",
            "options": [
                {"label": "Within 30 days", "goto": recent,
                 "when": {"all": [{"input": "contract_date", "measure": "days_since", "le": 30},
                                  {"input": "amount_due", "ge": 0}]}},
                {"label": "Later", "goto": late, "otherwise": True}]}
        self.steps[recent] = {"do": paragraph(self.rng, 1), "next": join}
        self.steps[late] = {"do": paragraph(self.rng, 1)}
        self.steps[join] = {"do": "Go on with the call."}

    def use_every_text_input(self) -> None:
        first = next(iter(self.steps.values()))
        first["do"] += " Have at hand: " + ", ".join(f"{{{{ {n} }}}}" for n in self.text_inputs) + "."


def procedures_file() -> dict:
    return {"procedures": {
        f"external-procedure-{i}": {"title": f"External procedure {i}", "url": f"https://wiki.example.com/procedures/{i}",
                                    "summary": "Lives in another team's wiki."} if i % 2 else {"title": f"External procedure {i}"}
        for i in range(PROCEDURES)}}


def sop_id(index: int) -> str:
    return f"generated-sop-{index:05d}"


def generate(size: int, out: Path, seed: int = 7, steps: int = 50) -> list[Path]:
    """Write `size` SOPs and a procedures file under `out`; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = [write_yaml(out / "procedures.yaml", procedures_file())]
    procedures = list(procedures_file()["procedures"])
    for index in range(size):
        rng = random.Random(f"{seed}:{index}")
        # Only earlier SOPs are hand-off targets, so hand-offs never form a cycle.
        earlier = [sop_id(j) for j in rng.sample(range(index), k=min(index, 3))]
        writer = SopWriter(rng, sop_id(index), earlier + procedures[:3] if earlier else procedures, steps)
        written.append(write_yaml(out / f"{sop_id(index)}.yaml", writer.build()))
    return written


def write_yaml(path: Path, data: dict) -> Path:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text("# yaml-language-server: $schema=../../../schema/sop.schema.json\n" + text, encoding="utf-8")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="number of SOPs")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--steps", type=int, default=50, help="about how many steps each SOP has")
    args = parser.parse_args(argv)
    if args.size < 1 or args.steps < 20:
        parser.error("--size must be at least 1 and --steps at least 20")
    files = generate(args.size, args.out, args.seed, args.steps)
    print(f"wrote {len(files)} files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The check behind invalid-scenario (SOP114); what it finds is documented in sopc/codes/docs/invalid-scenario.md."""

from sopc.check.finding import Finding
from sopc.problems import did_you_mean

ID = "SOP114"


def check_across(sop, corpus, options):
    if not sop.scenarios:
        return
    labels = _labels(sop, corpus)
    for index, scenario in enumerate(sop.scenarios):
        where = ("scenarios", index)
        yield from _inputs(sop, corpus, scenario, where)
        for i, answer in enumerate(scenario.get("answers") or []):
            if answer not in labels:
                yield Finding(where + ("answers", i), f"answer `{answer}` is not the label of any option this walk "
                                                      f"can be asked{did_you_mean(answer, labels)}")
        expect = scenario.get("expect") or {}
        named = [(("expect", "end"), expect["end"])] if "end" in expect else []
        for key in ("path", "visits"):
            named += [(("expect", key, i), step) for i, step in enumerate(expect.get(key) or [])]
        for at, name in named:
            problem = _unknown_step(sop, corpus, name)
            if problem:
                yield Finding(where + at, problem)


def _inputs(sop, corpus, scenario, where):
    # Imported here: the runtime is needed only for an SOP with scenarios, and
    # importing it is a noticeable part of checking a few SOPs.
    from sopc.runtime.bundle import coerce
    from sopc.runtime.errors import FactError

    for name, value in (scenario.get("inputs") or {}).items():
        declared = sop.inputs.get(name) or next((other.inputs[name] for other in corpus.sops.values()
                                                 if name in other.inputs), None)
        if declared is None:
            yield Finding(where + ("inputs", name), f"no SOP declares an input `{name}`"
                                                    f"{did_you_mean(name, sop.inputs)}", key=True)
            continue
        try:
            coerce({"id": name, "type": declared.type, "values": declared.values}, value)
        except FactError as exc:
            yield Finding(where + ("inputs", name), f"input {exc}")


def _labels(sop, corpus) -> list[str]:
    """The labels of every option of the SOP and of the SOPs it hands off to, directly or not."""
    labels, seen, todo = {}, set(), [sop.id]
    while todo:
        current = corpus.sops.get(todo.pop())
        if current is None or current.id in seen:
            continue
        seen.add(current.id)
        for step in current.steps.values():
            labels.update((option.label, None) for option in step.options)
            if step.handoff:
                todo.append(step.handoff)
    return list(labels)


def _unknown_step(sop, corpus, name: str) -> str | None:
    owner, _, step = name.rpartition(":")
    target = corpus.sops.get(owner) if owner else sop
    if target is None:
        return f"`{name}` names SOP `{owner}`, which is not in the corpus{did_you_mean(owner, corpus.sops)}"
    if step not in target.steps:
        return f"`{name}` is not a step of `{target.id}`{did_you_mean(step, target.steps)}"
    return None

"""`sopc run`: walk through an SOP in the terminal with the reference runtime.

Interactive by default (asks for facts, then each question); with a list of
answers it runs unattended, which is how it is tested.
"""

from __future__ import annotations

from datetime import date

import click

from sopc.language import inputs_used
from sopc.report.terminal import visible, visible_lines
from sopc.runtime import AnswerError, Bundle, FactError, Session
from sopc.runtime.session import ENDED, QUESTION, WAITING


class WalkError(Exception):
    """A problem with what the user gave (answers, facts): exit 2."""


def used_inputs(bundle: Bundle, sop_id: str) -> list[dict]:
    """Required inputs the SOP's templates and decisions use, in declaration order."""
    sop = bundle.sops[sop_id]
    used = inputs_used(
        (text for step in sop["steps"] for text in _templates(step)),
        ((step["decision"]["input"], [option["condition"] for option in step["decision"]["options"]])
         for step in sop["steps"] if step["decision"]))
    return [item for item in sop["inputs"] if item["id"] in used and item["required"]]


def _templates(step: dict):
    """The texts of a bundle step that may hold placeholders (docs/runtime.md, "Templates")."""
    yield step["do"]
    yield from (callout["text"] for callout in step["callouts"])
    yield from (script["template"] for script in step["scripts"])
    yield from (text for record in step["records"] for field in record["fields"] for text in field["templates"])
    if step["decision"]:
        yield step["decision"]["ask"]


def text_argument(value: str, what: str) -> str:
    """`value` if it is text; a command line argument of bytes that are not UTF-8 cannot be shown or matched."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise WalkError(f"{what} `{value.encode('utf-8', 'replace').decode('utf-8')}` is not UTF-8 text") from None
    return value


def parse_facts(bundle: Bundle, sop_id: str, pairs) -> dict:
    facts = {}
    for pair in pairs:
        text_argument(pair, "--fact")
        if "=" not in pair:
            raise WalkError(f"--fact `{pair}` must be written key=value")
        name, value = pair.split("=", 1)
        try:
            facts[name.strip()] = bundle.coerce(name.strip(), value, sop_id)
        except FactError as exc:
            raise WalkError(str(exc)) from None
    return facts


def ask_facts(bundle: Bundle, sop_id: str, facts: dict) -> None:
    for item in used_inputs(bundle, sop_id):
        if item["id"] in facts:
            continue
        hint = f" ({item['help']})" if item["help"] else ""
        kind = "/".join(item["values"]) if item["values"] else item["type"]
        while True:
            text = click.prompt(visible(f"{item['label']}{hint} [{kind}, Enter to skip]"), default="", show_default=False)
            if not text.strip():
                break
            try:
                facts[item["id"]] = bundle.coerce(item["id"], text, sop_id)
                break
            except FactError as exc:
                click.echo(f"  {visible(exc)}")


def walk(bundle: Bundle, sop_id: str, facts: dict, answers: list[str] | None, today: date) -> Session:
    for answer in answers or ():
        text_argument(answer, "the answer")
    session = Session.start(bundle, sop_id, facts, today)
    shown = 0
    while True:
        for visit in session.log[shown:]:
            shown += 1
            click.echo(visible_lines(render_visit(bundle, visit, shown)))
        if session.status == WAITING:
            click.echo(f"    Wait: {visible(describe_wait(session.waiting))}; continuing.\n")
            session.resume()
        elif session.status == QUESTION:
            _answer(session, answers)
        elif session.status == ENDED:
            break
    if answers:
        raise WalkError(f"the walk ended with {len(answers)} answer(s) not used: {', '.join(answers)}")
    click.echo(visible_lines(render_end(session)))
    return session


def _answer(session: Session, answers: list[str] | None) -> None:
    view = session.view()
    click.echo(f"    ? {visible(view['ask'])}")
    for option in view["options"]:
        click.echo(f"      {option['number']}) {visible(option['label'])}")
    if answers is not None:
        if not answers:
            raise WalkError(f"answers ran out at `{view['sop']}:{view['step']}`, which asks \"{view['ask']}\"")
        answer = answers.pop(0)
        click.echo(f"    > {visible(answer)}\n")
        try:
            session.choose(typed_answer(answer, view["options"]))
        except AnswerError as exc:
            raise WalkError(str(exc)) from None
        return
    while True:
        answer = click.prompt("    Choose", type=str)
        try:
            session.choose(typed_answer(answer, view["options"]))
            click.echo("")
            return
        except AnswerError as exc:
            click.echo(f"    {visible(exc)}")


def typed_answer(answer: str, options: list[dict]):
    """What a person typed: a label (any case) or an option number."""
    text = answer.strip()
    for option in options:
        if option["label"].casefold() == text.casefold():
            return option["label"]
    # Option numbers are short decimal numbers; anything else ("²", a hundred
    # digits) is matched as a label, and fails as one.
    return int(text) if text.isdecimal() and len(text) <= 9 else text


def describe_wait(waiting: dict) -> str:
    parts = []
    if waiting.get("for"):
        parts.append(waiting["for"]["text"])
    if waiting.get("until"):
        parts.append(f"until {waiting['until']}")
    return ", ".join(parts) or "until told to go on"


def render_visit(bundle: Bundle, visit: dict, number: int) -> str:
    out = [f"[{number}] {visit['title']}  ({visit['sop']}:{visit['step']})"]
    if visit["do"]:
        out.append(_indent(visit["do"], 4))
    for callout in visit["callouts"]:
        out.append(_indent(f"{callout['kind'].upper()}: {callout['text']}", 4))
    for gap in visit["gaps"]:
        out.append(_indent(f"GAP IN THE SOURCE: {gap}", 4))
    for script in visit["scripts"]:
        out.append(f"    {script['mode'].capitalize()}{' - ' + script['title'] if script['title'] else ''}:")
        out.append(_indent(script["text"].rstrip(), 6, "| "))
    for record in visit["records"]:
        out.append(f"    Record ({record['system']}, {record['action']}) - {record['title']}:")
        for f in record["fields"]:
            out.append(f"      {f['name']}: {', '.join(f['values'])}")
    step = bundle.step(visit["sop"], visit["step"])
    if step["handoff"]:
        target = step["handoff"]
        title = (bundle.sops if target["target"] == "sop" else bundle.procedures)[target["to"]]["title"]
        out.append(f"    Hand off to: {title} ({target['to']})")
    return "\n".join(out) + "\n"


def render_end(session: Session) -> str:
    where = f"{session.end['sop']}:{session.end['step']}" if session.end else "?"
    outcome = session.outcome or "no outcome (the step leads nowhere)"
    path = " > ".join(step for _, step in session.path)
    return f"Ended: {outcome} at {where}\nPath: {path}\nRecords made: {len(session.records)}\n"


def _indent(text: str, width: int, mark: str = "") -> str:
    prefix = " " * width + mark
    return "\n".join((prefix + line).rstrip() for line in text.rstrip("\n").split("\n"))

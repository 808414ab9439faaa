"""`sopc run`: walk through an SOP in the terminal with the reference runtime.

Interactive by default (asks for facts, then each question); with a list of
answers it runs unattended, which is how it is tested.
"""

from __future__ import annotations

import json
from datetime import date

import click

from sopc.atomic_file import write_whole
from sopc.language import inputs_used, template_names
from sopc.report.terminal import visible, visible_lines
from sopc.runtime import AnswerError, Bundle, FactError, Session, SessionFormatError
from sopc.runtime.session import ENDED, QUESTION, WAITING


class WalkError(Exception):
    """A problem with what the user gave (answers, facts): exit 2."""


def used_inputs(bundle: Bundle, sop_id: str) -> list[dict]:
    """Required inputs the SOP's templates and decisions use, in declaration order."""
    sop = bundle.sops[sop_id]
    used = inputs_used(
        template_names(text for step in sop["steps"] for text in _templates(step)),
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


class Saver:
    """Where `--save` writes the session when the walk stops (None: it is not saved)."""

    def __init__(self, path: str | None):
        self.path = path

    def __bool__(self) -> bool:
        return self.path is not None

    def save(self, session: Session) -> None:
        try:
            write_whole(self.path, session.to_json())
        except OSError as exc:
            raise SaveError(f"cannot write {self.path}: {exc.strerror or exc}") from None


class SaveError(Exception):
    """The session could not be written: exit 1."""


class Stop(Exception):
    """The walk stops before its end, to be resumed later."""


def walk(bundle: Bundle, sop_id: str, facts: dict, answers: list[str] | None, today: date,
         saver: Saver | None = None) -> Session:
    """Start a walk and go on with it until it ends or stops (see `go_on`)."""
    for answer in answers or ():
        text_argument(answer, "the answer")
    return go_on(Session.start(bundle, sop_id, facts, today), answers, saver or Saver(None), shown=0)


def restore(bundle: Bundle, path: str, sop_id: str | None) -> Session:
    """The session saved in `path`, on the current bundle; WalkError when it cannot be used."""
    try:
        text = open(path, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError) as exc:
        raise WalkError(f"cannot read the saved walk {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        session = Session.from_json(bundle, text)
    except SessionFormatError as exc:
        raise WalkError(f"{path}: {exc}") from None
    walked = walked_sop(session)
    if sop_id is not None and sop_id != walked:
        raise WalkError(f"{path} is a walk through `{walked}`, not `{sop_id}`")
    if session.bundle.digest != json.loads(text).get("bundle_digest"):
        click.echo("Note: the SOPs changed since this walk was saved; it goes on with the current version.", err=True)
    return session


def walked_sop(session: Session) -> str | None:
    """The SOP a walk started with."""
    if session.frames:
        return session.frames[0]["sop"]
    return session.log[0]["sop"] if session.log else None


def resume_walk(session: Session, facts: dict, answers: list[str] | None, saver: Saver) -> Session:
    """Go on with a restored walk: a pending wait is over, new facts are supplied, questions answered."""
    for answer in answers or ():
        text_argument(answer, "the answer")
    if session.log:
        last = session.log[-1]
        click.echo(visible_lines(f"Resuming at [{len(session.log)}] {last['title']}  ({last['sop']}:{last['step']})\n"))
    shown = len(session.log)
    if session.status == WAITING:
        click.echo(f"    Wait over: {visible(describe_wait(session.waiting))}.\n")
        session.resume()
    for name, value in facts.items():
        session.supply(name, value)
    return go_on(session, answers, saver, shown)


def go_on(session: Session, answers: list[str] | None, saver: Saver, shown: int) -> Session:
    """Show each step as the walk reaches it and answer its questions, until it ends.

    With a `saver`, the walk stops at a wait and when the answers (or the
    input) run out, and the session is saved to be resumed; it is saved at the
    end too. Without one, waits pass at once and running out is an error.
    """
    try:
        while True:  # the steps of a walk that ends at once are shown too
            for visit in session.log[shown:]:
                shown += 1
                click.echo(visible_lines(render_visit(session.bundle, visit, shown)))
            if session.status == ENDED:
                break
            if session.status == WAITING:
                if saver:
                    raise Stop(f"    Wait: {visible(describe_wait(session.waiting))}.")
                click.echo(f"    Wait: {visible(describe_wait(session.waiting))}; continuing.\n")
                session.resume()
            elif session.status == QUESTION:
                _answer(session, answers, saver)
    except Stop as stop:
        saver.save(session)
        if str(stop):
            click.echo(str(stop))
        click.echo(visible_lines(f"Saved to {saver.path}: go on with `sopc run --resume {saver.path}`."))
        return session
    if answers:
        raise WalkError(f"the walk ended with {len(answers)} answer(s) not used: {', '.join(answers)}")
    if saver:
        saver.save(session)
    click.echo(visible_lines(render_end(session)))
    return session


def _answer(session: Session, answers: list[str] | None, saver: Saver) -> None:
    view = session.view()
    click.echo(f"    ? {visible(view['ask'])}")
    for option in view["options"]:
        click.echo(f"      {option['number']}) {visible(option['label'])}")
    if answers is not None:
        if not answers:
            if saver:
                raise Stop("    (no answer given yet)")
            raise WalkError(f"answers ran out at `{view['sop']}:{view['step']}`, which asks \"{view['ask']}\"")
        answer = answers.pop(0)
        click.echo(f"    > {visible(answer)}\n")
        try:
            session.choose(typed_answer(answer, view["options"]))
        except AnswerError as exc:
            raise WalkError(str(exc)) from None
        return
    while True:
        try:
            answer = click.prompt("    Choose", type=str)
        except click.Abort:
            if saver:
                raise Stop("") from None
            raise
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

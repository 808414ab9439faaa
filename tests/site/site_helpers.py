"""Helpers shared by the site tests."""

import textwrap
from html.parser import HTMLParser
from pathlib import Path

import markdown as markdown_lib

# The Markdown extensions of the site (mkdocs.yml), so that unit tests see the
# HTML an agent's browser gets.
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details", "pymdownx.superfences"]


def to_html(text: str) -> str:
    """As MkDocs renders a page: front matter (the page's metadata) is not content."""
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1]
    return markdown_lib.markdown(text, extensions=EXTENSIONS)


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text_parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())

    def named(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


SAMPLE = {
    "billing.yaml": """
        sop: billing-question
        title: Billing question
        summary: Answer a question about a bill.
        purpose: Help the homeowner understand a bill. Second sentence here.
        owner: Billing team
        revision: 3
        reviewed: 2025-01-31
        tags: [billing, phone calls]
        channels: [phone, chat]
        gaps: [The source lost its last paragraph.]
        inputs:
          homeowner_name: {type: text, label: Homeowner Name, source: system}
          plan: {type: choice, label: Plan type, values: [lease, loan]}
          amount: number
        steps:
          greet:
            title: Greet the caller
            do: Greet **{{ homeowner_name }}** warmly.
            callouts:
              - warning: Never read out the full card number.
            scripts:
              - title: Opening
                say: Hello {{ homeowner_name }}, thanks for calling.
            records:
              - title: Call log
                system: Jira
                action: comment
                fields:
                  Summary: Call from {{ homeowner_name }}
                  Labels: [billing, "{{ plan }}"]
          which_plan:
            ask: Which plan does the homeowner have?
            input: plan
            options:
              - {label: Lease, value: lease, goto: lease_answer}
              - {label: Loan, goto: loan_answer, otherwise: true}
          lease_answer:
            wait: {for: 2 days, until: the lease team replies}
            gaps: [The source does not say what to tell the homeowner meanwhile.]
          retry:
            repeat: {back_to: which_plan, max_attempts: 3, within: 5 business days}
            next: give_up
          give_up:
            end: closed-no-contact
          loan_answer:
            handoff: loan-servicing
            then: done
          done:
            end: resolved
        """,
    "loan.yaml": """
        sop: loan-servicing
        title: Loan servicing
        purpose: Handle loan questions. Then more text.
        tags: [billing]
        steps:
          start_here:
            do: Open the loan.
          escalate:
            handoff: escalating-complaints
        """,
    "procedures.yaml": """
        procedures:
          escalating-complaints:
            title: Escalating Complaints SOP
            url: https://wiki.example.com/escalating
          back-office:
            title: Back Office Procedure
            summary: Handled by the back office.
        """,
}


def run_cli(*args, cwd=None):
    """This checkout's `sopc`, as tests/conftest.py runs it (for module-scoped fixtures)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    return subprocess.run([sys.executable, "-m", "sopc", *map(str, args)], cwd=cwd or repo,
                          capture_output=True, text=True, env=env, timeout=600)


def write_corpus(folder: Path, files: dict[str, str]) -> Path:
    """Write SOP files (name -> indented YAML text) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder

import shutil
import textwrap

import pytest

from sopc.check import load_corpus
from sopc.emit.bundle import build_bundle
from sopc.runtime import Bundle

from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"  # a fixed copy of a seed SOP with its scenarios

FLOW = """
sop: main
title: Main
inputs:
  plan: {type: choice, values: [basic, premium]}
  name: {type: text, label: Customer name}
steps:
  greet:
    scripts:
      - say: "Hello {{ name }}"
    records:
      - system: Jira
        action: comment
        fields:
          Note: "{{ name }} on {{ plan }}"
          Tags: ["plan {{ plan }}", "second"]
  route:
    ask: Which plan?
    input: plan
    options:
      - {label: Basic, value: basic, goto: pause}
      - {label: Premium, value: premium, goto: sub}
  pause:
    wait: {for: 2 business days, until: the customer replies}
    next: retry
  retry:
    ask: Reached?
    options:
      - {label: "Yes", goto: done}
      - {label: "No", goto: again}
  again:
    repeat: {back_to: retry, max_attempts: 3, every: 1 day}
    next: external
  external:
    handoff: outside
  sub:
    handoff: helper
    then: done
  done:
    end: resolved
"""

HELPER = """
sop: helper
title: Helper
steps:
  check:
    ask: Fixed?
    options:
      - {label: "Yes", goto: fixed}
      - {label: "No", goto: escalate}
  fixed:
    end: resolved
  escalate:
    handoff: outside
"""

CHAIN = """
sop: chain
title: Chain
steps:
  first:
    title: First
  pass_on:
    handoff: helper
"""

PROCEDURES = """
procedures:
  outside:
    title: Outside procedure
  unused:
    title: Never handed off to
"""


def corpus_files(folder, texts: dict) -> None:
    for name, text in texts.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def make_bundle(tmp_path):
    """A loaded bundle built from YAML texts (defaults to the flow corpus above)."""

    def _make(texts=None, sop_id=None):
        folder = tmp_path / "corpus"
        folder.mkdir(exist_ok=True)
        corpus_files(folder, texts or {"main.yaml": FLOW, "helper.yaml": HELPER, "chain.yaml": CHAIN, "procedures.yaml": PROCEDURES})
        corpus, problems, _ = load_corpus([folder])
        assert not problems, problems
        return Bundle.load(build_bundle(corpus, sop_id))

    return _make


@pytest.fixture
def flow_corpus(tmp_path):
    folder = tmp_path / "flow"
    folder.mkdir()
    corpus_files(folder, {"main.yaml": FLOW, "helper.yaml": HELPER, "chain.yaml": CHAIN, "procedures.yaml": PROCEDURES})
    return folder


@pytest.fixture
def seed_corpus(tmp_path):
    """A copy of a fixed version of a seed SOP with its scenarios, so that
    editing the real corpus does not change what these tests expect."""
    folder = tmp_path / "seed"
    shutil.copytree(CORPUS, folder)
    return folder

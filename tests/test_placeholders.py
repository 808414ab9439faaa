"""One placeholder grammar: the check, the site and the runtime read the
same `{{ input }}` and leave the same other braces alone."""

import pytest

from sopc.emit import sanitize
from sopc.emit.markdown import Placeholders
from sopc.language import fill_placeholders, inputs_used, is_input_id, placeholders, template_names
from sopc.runtime.templates import fill

TEXTS = [
    ("Hello {{ name }}.", ["name"]),
    ("{{name}} and {{   due_date\t}}", ["name", "due_date"]),
    ("{{ Not An Id }} stays", ["Not An Id"]),
    ("{{{ name }}}", ["name"]),
    ("{{ open {{ name }}", ["name"]),
    ("no braces { here }", []),
]


@pytest.mark.parametrize("text, names", TEXTS)
def test_the_model_reads_what_stands_between_double_braces(text, names):
    assert placeholders(text) == names


@pytest.mark.parametrize("text, names", TEXTS)
def test_the_runtime_and_the_site_replace_exactly_the_input_ids(text, names):
    ids = [name for name in names if is_input_id(name)]
    filled = fill(text, {name: "X" for name in ids}, {})
    marked = fill_placeholders(text, lambda name: "X")
    assert filled == marked
    assert placeholders(filled) == [name for name in names if not is_input_id(name)]


def test_the_site_marks_input_ids_and_shows_other_braces_as_written():
    html = sanitize.markdown("Call {{ name }} about {{ Not An Id }}", lambda name: f"<chip:{name}>")
    assert "<chip:name>" in html
    assert "<chip:" not in html.replace("<chip:name>", "")
    assert "Not An Id" in html


def test_code_blocks_show_a_placeholder_as_its_label():
    class Sop:
        inputs = {}
    assert Placeholders(Sop()).text("Hi {{ homeowner_name }} {{ X }}") == "Hi [Homeowner name] {{ X }}"


@pytest.mark.parametrize("text", ["{{" + " " * 100_000, "{{" + " " * 100_000 + "}", "{{ a" * 30_000,
                                  "{" * 100_000, "{{" + "a " * 50_000 + "{"])
def test_unclosed_braces_are_read_in_one_pass(text):
    # Each of these takes minutes with a grammar whose spaces and name can
    # trade characters (`\{\{\s*(.*?)\s*\}\}`); with this one, milliseconds.
    assert [name for name in placeholders(text) if name] == []
    assert fill_placeholders(text, lambda name: "") == text


def test_inputs_used_counts_templates_bound_inputs_and_conditions():
    used = inputs_used(template_names(["Hi {{ name }}", None, "{{ Bad }}"]),
                       [("plan", [{"input": "status", "eq": "x"}, {"any": [{"not": {"input": "age", "gt": 1}}]}, None])])
    assert used == {"name", "plan", "status", "age"}

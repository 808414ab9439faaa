"""The Markdown report rendered as GitHub renders a comment (cmark-gfm, the
library GitHub's Markdown is built on): readable, and inert whatever the SOP
text says."""

import html
import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

RPO = "rejected-payment-outreach.yaml"


def render(markdown: str) -> str:
    # Raw HTML allowed, as in a GitHub comment (GitHub then filters it): the
    # report itself must not rely on the filter.
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def markdown_of(repo, *args):
    done = repo.diff(*args, "--format", "markdown")
    assert done.returncode == 0, done.stderr
    return done.stdout


MERMAID_BLOCK = re.compile(r'<pre lang="mermaid"><code>(.*?)</code></pre>', re.S)


def mermaid_blocks(page: str) -> list[str]:
    """The source of every ```mermaid block, as GitHub hands it to Mermaid."""
    return [html.unescape(b) for b in MERMAID_BLOCK.findall(page)]


def test_two_commit_comment_names_retarget_words_and_added_step_and_nothing_else(repo):
    repo.edit(RPO, "      - label: No answer\n        goto: leave_voicemail\n",
              "      - label: No answer\n        goto: schedule_callback\n")
    repo.edit(RPO, "It only takes a minute or two, reduces", "It only takes a minute, reduces")
    repo.edit(RPO, "    next: call_answered_end\n",
              "    next: confirm_email\n\n  confirm_email:\n    title: Confirm the email address\n"
              "    do: Confirm the homeowner's email address.\n    next: call_answered_end\n")
    repo.commit()
    page = render(markdown_of(repo, "HEAD~1", "HEAD"))
    assert page.count("<table>") == 1
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", page, re.S)
    assert rows == ["<code>rejected-payment-outreach</code>"]
    retarget = next(li for li in re.findall(r"<li>(.*?)</li>", page, re.S) if "retargeted" in li)
    assert "<code>call_homeowner</code>" in retarget
    assert retarget.index("<code>leave_voicemail</code>") < retarget.index("<code>schedule_callback</code>")
    assert "minute <del>or two</del>, reduces" in page
    assert "<code>confirm_email</code>: step added" in page
    others = {p.stem for p in (repo.path / "sops").glob("*.yaml")} - {"rejected-payment-outreach", "procedures"}
    assert not [sop for sop in others if sop in page]
    [chart] = mermaid_blocks(page)
    assert chart.startswith("flowchart TD")
    assert "#43; Confirm the email address" in chart  # the new step, marked


HOSTILE = ('"]) --> x[" <img src=x onerror=alert(1)> [link](javascript:alert(1)) ![i](http://e.x/i.png) '
           '@octocat #1 https://evil.example www.evil.example a@b.example ``` </details> <!-- | cell | *em*')


@pytest.mark.parametrize("where", ["title", "option", "script"])
def test_sop_text_cannot_break_out_of_the_comment_or_the_flowchart(repo, where):
    import json

    quoted = json.dumps(HOSTILE)
    if where == "title":
        repo.edit(RPO, "    title: Outbound voice script\n    scripts:", f"    title: {quoted}\n    scripts:")
    elif where == "option":
        repo.edit(RPO, "      - label: No answer\n", f"      - label: {quoted}\n")
    else:
        # A script may run over several lines: one of them a would-be heading.
        repo.edit(RPO, "          Thank you for your time.\n", f"          Thank you for your time. {HOSTILE}\n          # heading\n")
    repo.commit()
    markdown = markdown_of(repo, "HEAD~1", "HEAD")
    page = render(markdown)
    assert "<img" not in page and "<a " not in page and "<h1" not in page and "<em>" not in page
    assert "href=" not in page
    assert "<!--" not in page.replace("<!-- sopc-diff -->", "")
    assert page.count("<table>") == 1 and page.count("<tr>") == 2  # header and one SOP: no row injected
    assert "@octocat" not in page and "#1 " not in page  # a word joiner keeps mentions and references inert
    [chart] = mermaid_blocks(page)
    assert len(mermaid_blocks(page)) == 1 and markdown.count("```") == 2
    # In the diagram, author text is only entity codes, letters, digits and spaces.
    for line in chart.splitlines()[1:]:
        quoted_parts = re.findall(r'"([^"]*)"', line)
        assert all(re.fullmatch(r"(#\d+;|[A-Za-z0-9 ])*", part) for part in quoted_parts), line
        assert "<" not in line and "`" not in line


def test_comment_stays_within_githubs_size_limit(repo):
    file = repo.path / "sops" / RPO
    text = file.read_text(encoding="utf-8")
    steps = "".join(f"  extra_{i}:\n    title: Extra step {i} {'word ' * 40}\n    next: extra_{i + 1}\n" for i in range(400))
    file.write_text(text.replace("steps:\n", "steps:\n" + steps + "  extra_400:\n    next: create_records\n", 1),
                    encoding="utf-8")
    repo.commit()
    markdown = markdown_of(repo, "HEAD~1", "HEAD")
    assert len(markdown) <= 65_536
    assert "<!-- sopc-diff -->" in markdown


def test_an_sop_too_large_for_a_mermaid_diagram_gets_a_note_instead(repo):
    file = repo.path / "sops" / RPO
    text = file.read_text(encoding="utf-8")
    steps = "".join(f"  extra_{i}:\n    next: extra_{i + 1}\n" for i in range(520))
    file.write_text(text.replace("steps:\n", "steps:\n" + steps + "  extra_520:\n    next: create_records\n", 1),
                    encoding="utf-8")
    repo.commit()
    page = render(markdown_of(repo, "HEAD~1", "HEAD"))
    assert mermaid_blocks(page) == [] and "No flowchart" in page


def test_a_comment_lists_ten_ways_each_way_and_counts_the_rest():
    from sopc.diff.changes import Change
    from sopc.diff.markdown import capped

    ways = [Change(kind, "s", "end", "resolved", None, ["a", str(i)]) for kind in ("way-added", "way-removed")
            for i in range(15)]
    shown, left = capped(ways + [Change("step-added", "s", "x", new="X")])
    assert [c.kind for c in shown].count("way-added") == 10 and [c.kind for c in shown].count("way-removed") == 10
    assert left == 10 and shown[-1].kind == "step-added"

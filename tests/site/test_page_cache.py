"""Generation keeps the pages of unchanged SOPs and generates again what an edit reaches."""

from pathlib import Path

from sopc.emit import site
from sopc.emit.publish import Kept
from site_helpers import SAMPLE, write_corpus

REPO = Path(__file__).resolve().parents[2]
BILLING, LOAN = "sops/billing-question.md", "sops/loan-servicing.md"
ALONE = """
    sop: standalone
    title: Standalone
    steps:
      only:
        end: resolved
    """


def generate(sources: Path, tmp_path: Path) -> site.Generated:
    return site.generate_docs(site.checked_corpus([sources]), tmp_path / "docs", tmp_path / "cache", progress=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def regenerated(generated: site.Generated) -> set[str]:
    return {path for path in generated.pages() if path.startswith("sops/") and not isinstance(generated.files[path], Kept)}


def test_unchanged_pages_are_kept_and_an_edited_page_is_generated_again(tmp_path):
    sources = write_corpus(tmp_path / "sops", {**SAMPLE, "alone.yaml": ALONE})
    first = generate(sources, tmp_path)
    assert regenerated(first) == {BILLING, LOAN, "sops/standalone.md"}
    again = generate(sources, tmp_path)
    assert regenerated(again) == set() and again.written == []
    before = (tmp_path / "docs" / "sops/standalone.md").stat().st_mtime_ns

    edit(sources / "alone.yaml", "title: Standalone", "title: Standalone, edited")
    after = generate(sources, tmp_path)
    assert regenerated(after) == {"sops/standalone.md"}
    parts = {path for path, text in after.files.items() if path.startswith("assets/sopc/bundles/") and not isinstance(text, Kept)}
    assert parts == {"assets/sopc/bundles/standalone.json"}  # its part of guided mode's bundle, alone
    assert "Standalone, edited" in (tmp_path / "docs" / "sops/standalone.md").read_text(encoding="utf-8")
    assert (tmp_path / "docs" / LOAN).stat().st_mtime_ns <= before  # untouched


def test_renaming_a_hand_off_target_generates_the_pages_that_hand_off_to_it(tmp_path):
    sources = write_corpus(tmp_path / "sops", {**SAMPLE, "alone.yaml": ALONE})
    generate(sources, tmp_path)
    edit(sources / "loan.yaml", "title: Loan servicing", "title: Loans and servicing")
    after = generate(sources, tmp_path)
    # billing hands off to loan: its page names loan's title; standalone is no neighbour.
    assert regenerated(after) == {BILLING, LOAN}
    assert "Loans and servicing" in (tmp_path / "docs" / BILLING).read_text(encoding="utf-8")


def test_editing_a_caller_generates_the_page_that_lists_it(tmp_path):
    sources = write_corpus(tmp_path / "sops", SAMPLE)
    generate(sources, tmp_path)
    edit(sources / "billing.yaml", "title: Billing question", "title: Billing questions")
    after = generate(sources, tmp_path)
    assert regenerated(after) == {BILLING, LOAN}
    assert "Billing questions" in (tmp_path / "docs" / LOAN).read_text(encoding="utf-8")  # Referenced by


def test_a_removed_sops_page_disappears_and_its_callers_are_generated_again(tmp_path):
    sources = write_corpus(tmp_path / "sops", {**SAMPLE, "alone.yaml": ALONE})
    generate(sources, tmp_path)
    (sources / "alone.yaml").unlink()
    after = generate(sources, tmp_path)
    assert "sops/standalone.md" in after.removed and not (tmp_path / "docs" / "sops/standalone.md").exists()
    assert regenerated(after) == set()


def test_a_page_changed_in_the_docs_folder_is_generated_again(tmp_path):
    sources = write_corpus(tmp_path / "sops", SAMPLE)
    first = generate(sources, tmp_path)
    page = tmp_path / "docs" / LOAN
    expected = page.read_text(encoding="utf-8")
    page.write_text("tampered\n", encoding="utf-8")
    after = generate(sources, tmp_path)
    assert LOAN in regenerated(after) and page.read_text(encoding="utf-8") == expected
    (tmp_path / "docs" / BILLING).unlink()
    assert BILLING in regenerated(generate(sources, tmp_path)) and (tmp_path / "docs" / BILLING).is_file()
    assert first.stats.rendered == 2


def test_other_generation_options_do_not_reuse_pages(tmp_path):
    sources = write_corpus(tmp_path / "sops", SAMPLE)
    corpus = site.checked_corpus([sources])
    site.generate_docs(corpus, tmp_path / "docs", tmp_path / "cache", progress=False)
    flat = site.generate_docs(corpus, tmp_path / "docs", tmp_path / "cache", progress=False, directory_urls=False)
    assert regenerated(flat) == {BILLING, LOAN}


def test_an_unreadable_page_record_only_means_generating_again(tmp_path):
    sources = write_corpus(tmp_path / "sops", SAMPLE)
    generate(sources, tmp_path)
    for record in (tmp_path / "cache" / "pages").glob("*.json"):
        record.write_text("{not json", encoding="utf-8")
    assert regenerated(generate(sources, tmp_path)) == {BILLING, LOAN}

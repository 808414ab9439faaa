"""`sopc init` makes a knowledge-base repository that checks, tests and builds at once."""

import json
import re

import yaml

from helpers import REPO

EXPECTED = {"sops/example-password-reset.yaml", "sops/procedures.yaml", "sopc.toml", "mkdocs.yml",
            ".sopc/docs/.gitignore", ".gitignore", ".github/workflows/sops.yml", ".pre-commit-config.yaml",
            "schema/sop.schema.json"}


def written(output: str) -> set[str]:
    return set(re.findall(r"^wrote (\S+)$", output, re.M))


def test_init_writes_a_repository_that_checks_tests_and_builds(tmp_path, sopc):
    done = sopc("init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert written(done.stdout) == EXPECTED
    for relative in EXPECTED:
        assert (tmp_path / relative).is_file(), relative
    checked = sopc("check", "--strict", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    tested = sopc("test", "--min-coverage", "100", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout
    built = sopc("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "sops" / "example-password-reset" / "index.html").is_file()


def test_every_modeline_resolves_to_the_schema_written(tmp_path, sopc):
    assert sopc("init", cwd=tmp_path).returncode == 0
    for source in (tmp_path / "sops").glob("*.yaml"):
        modeline = re.match(r"# yaml-language-server: \$schema=(\S+)", source.read_text(encoding="utf-8"))
        assert modeline, source
        target = (source.parent / modeline.group(1)).resolve()
        assert target == (tmp_path / "schema" / "sop.schema.json").resolve() and target.is_file()
    schema = sopc("schema")
    assert schema.returncode == 0 and json.loads(schema.stdout)["$schema"]
    assert schema.stdout == (tmp_path / "schema" / "sop.schema.json").read_text(encoding="utf-8")


def test_init_never_overwrites_and_says_what_it_kept(tmp_path, sopc):
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "procedures.yaml").write_text("procedures: {}\n", encoding="utf-8")
    (tmp_path / "sopc.toml").write_text("strict = true\n", encoding="utf-8")
    done = sopc("init", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "sopc.toml").read_text(encoding="utf-8") == "strict = true\n"
    assert (tmp_path / "sops" / "procedures.yaml").read_text(encoding="utf-8") == "procedures: {}\n"
    assert written(done.stdout) == EXPECTED - {"sops/procedures.yaml", "sopc.toml"}
    kept = set(re.findall(r"^kept\s+(\S+)", done.stdout, re.M))
    assert {k.split("/")[-1] for k in kept} == {"procedures.yaml", "sopc.toml"}
    again = sopc("init", cwd=tmp_path)
    assert again.returncode == 0 and written(again.stdout) == set()


def test_init_in_a_new_folder_says_how_to_go_on(tmp_path, sopc):
    done = sopc("init", "kb", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "kb" / "mkdocs.yml").is_file()
    assert "cd kb && sopc check" in done.stdout


def test_the_workflow_checks_with_annotations_uploads_sarif_tests_and_builds(tmp_path, sopc):
    assert sopc("init", cwd=tmp_path).returncode == 0
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "sops.yml").read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = "\n".join(step.get("run", "") for step in steps)
    uses = [step.get("uses", "") for step in steps]
    assert "sopc check --format github" in runs and "sopc check --format sarif > sopc.sarif" in runs
    assert any(u.startswith("github/codeql-action/upload-sarif") for u in uses)
    assert "sopc test --min-coverage 100" in runs and "sopc build" in runs
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for repo in hooks["repos"] for h in repo["hooks"]] == ["sopc-check"]


def test_the_site_configuration_written_is_this_repositorys(tmp_path, sopc):
    """One site configuration: a change to mkdocs.yml reaches new repositories too."""
    assert sopc("init", cwd=tmp_path).returncode == 0
    ours = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    theirs = yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    for config in (ours, theirs):
        config.pop("site_name"), config.pop("site_description")
    assert theirs == ours, "change compiler/commands/init_files/mkdocs.yml with mkdocs.yml"

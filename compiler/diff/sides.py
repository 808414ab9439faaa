"""The two sides of a diff: a git revision of the current repository, the
working tree, or a file or folder, each loaded into a model.

A revision's SOP files are copied out of git (`git ls-tree`, `git cat-file`)
into a temporary folder and loaded like any other folder, so both sides go
through exactly the pipeline `sopc check` runs. Problems are shown at
`REVISION:path:line:col`, the way git names a file of a revision.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from sopc.check import load_corpus
from sopc.load.sources import MAX_BYTES, SOURCE_SUFFIXES, display_path
from sopc.model import Corpus, Sop
from sopc.problems import Problem

WORKING_TREE = "working tree"
REGULAR_BLOB_MODES = ("100644", "100755")
SYMLINK_MODE = "120000"


class SideError(Exception):
    """A side that cannot be read at all: a usage mistake (exit 2)."""


@dataclass
class Side:
    """One loaded side: its name, its model and the problems of the files that did not load."""

    name: str
    corpus: Corpus
    problems: list[Problem] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)  # source paths of the files that did not load
    # Source paths are taken relative to `root` (None: as shown). A revision's
    # files are copied into `extracted` (its repository root) and shown as
    # `REVISION:path`, the path from the repository root, as git names them.
    root: str | None = None
    extracted: str | None = None

    def source_path(self, sop: Sop) -> str:
        """Where the SOP's file is, comparable between sides (the revision and the folder left out)."""
        return self.relative(sop.path)

    def relative(self, path: str) -> str:
        return path if self.root is None else Path(os.path.relpath(path, self.root)).as_posix()

    def cannot_tell(self, sop_id: str, other: "Side") -> bool:
        """Whether this side may hold the other side's SOP `sop_id` in a file that does not load."""
        sop = other.corpus.sops.get(sop_id)
        return sop_id in self.corpus.unusable_ids or (sop is not None and other.source_path(sop) in self.broken)

    def shown_path(self, path: str) -> str:
        if self.extracted is None:
            return path
        return f"{self.name}:{Path(os.path.relpath(path, self.extracted)).as_posix()}"


def is_path(spec: str) -> bool:
    return os.path.exists(spec) or os.path.islink(spec)


def load_side(spec: str | None, sources: list[str], scratch: str) -> Side:
    """The side named by `spec`: an existing file or folder, a git revision, or (None) the working tree.

    `sources` are the files and folders the SOPs live in, read from the
    revision or the working tree; a side given as a path is its own source.
    """
    if spec is None:
        return _loaded(WORKING_TREE, sources)
    if is_path(spec):
        # Files are matched by their place in the folder: old/x.yaml is new/x.yaml.
        return _loaded(spec, [spec], display_path(Path(spec)) if os.path.isdir(spec) else None)
    root = tempfile.mkdtemp(prefix="side-", dir=scratch)
    links = extract_revision(spec, sources, root)
    prefix = git_output(["rev-parse", "--show-prefix"]).strip()  # where the working folder is in the repository
    # Normalized: the working folder itself may hold no SOP file, and so not exist in the copy.
    here = os.path.normpath(os.path.join(root, prefix))
    inside = [os.path.normpath(os.path.join(here, source)) for source in sources]
    unread = [Problem(display_path(Path(root) / name), 1, 1, "SOP004", "unreadable-file",
                      "a symbolic link: links are not followed in a git revision") for name in links]
    return _loaded(spec, [p for p in inside if os.path.lexists(p)], display_path(Path(here)),
                   display_path(Path(root)), unread)


def _loaded(name: str, paths: list[str], root: str | None = None, extracted: str | None = None, unread=()) -> Side:
    corpus, problems, _files = load_corpus(paths)
    problems = list(unread) + problems
    side = Side(name, corpus, root=root, extracted=extracted)
    side.problems = [replace(p, path=side.shown_path(p.path)) for p in problems]
    side.broken = {side.relative(p.path) for p in problems}
    return side


# -- git ------------------------------------------------------------------------

def git_output(args: list[str], data: bytes | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], input=data, capture_output=True, check=False)
    except OSError as exc:
        raise SideError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise SideError(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:][0]
                        if done.stderr.strip() else f"git {args[0]} failed")
    return done.stdout.decode("utf-8", "surrogateescape")


def resolve_revision(spec: str) -> str:
    """The commit `spec` names in the current repository, or SideError saying it names nothing."""
    if spec.startswith("-"):
        raise SideError(f"`{spec}` is not a file, a folder or a git revision")
    try:
        return git_output(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}"]).strip()
    except SideError:
        raise SideError(f"`{spec}` is not a file, a folder or a git revision of the repository here") from None


def extract_revision(spec: str, sources: list[str], into: str) -> list[str]:
    """Copy the SOP files under `sources` as they are in revision `spec` into the folder `into`;
    the symbolic links among them, which are not followed.

    Paths keep their place from the repository root. A file larger than the
    loader accepts is cut just past the limit, so the loader reports it too
    large without it being held in memory whole.
    """
    commit = resolve_revision(spec)
    listing = git_output(["ls-tree", "-r", "-z", "--full-name", commit, "--", *sources])
    blobs, links = [], []
    for entry in filter(None, listing.split("\0")):
        meta, _, name = entry.partition("\t")
        mode, kind, sha = meta.split()
        if kind != "blob" or not name.endswith(SOURCE_SUFFIXES) or not _safe(name):
            continue
        if mode in REGULAR_BLOB_MODES:
            blobs.append((sha, name))
        elif mode == SYMLINK_MODE:
            links.append(name)
    _write_blobs(blobs, Path(into))
    return links


def _safe(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return not name.startswith("/") and ".." not in parts and ".git" not in parts


def _write_blobs(blobs: list[tuple[str, str]], into: Path) -> None:
    if not blobs:
        return
    request = "".join(f"{sha}\n" for sha, _ in blobs).encode()
    with tempfile.TemporaryFile() as stream:
        try:
            subprocess.run(["git", "cat-file", "--batch"], input=request, stdout=stream, check=True,
                           stderr=subprocess.DEVNULL)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise SideError(f"cannot read files from git: {exc}") from None
        stream.seek(0)
        for _sha, name in blobs:
            header = stream.readline().split()
            size = int(header[2])
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as out:
                out.write(stream.read(min(size, MAX_BYTES + 1)))
            stream.seek(size - min(size, MAX_BYTES + 1) + 1, os.SEEK_CUR)  # the rest, and the newline after it

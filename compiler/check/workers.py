"""`sopc check --jobs N`: files read, validated, modelled and put through the
per-SOP rules in N processes; the rules across SOPs then run in the first one.

Each worker reads one file at a time and sends back what `check_paths` keeps
of it (its problems, the ids it declares when unusable, the summaries of its
SOPs or its procedures, their per-SOP findings located), so the results are
those of a check in one process, in the same order.
"""

from __future__ import annotations

import os

_SHARED: dict = {}  # what every worker needs, inherited when the process is forked


def read_in_workers(files, enabled, stage_cache, jobs: int):
    """For each file, in order: (problems, unusable ids, [(summary or procedure, per-SOP findings)], stage cache entries)."""
    _SHARED.update(enabled=enabled, stage_cache=stage_cache)
    import multiprocessing  # a check in one process, the default, never needs it

    # Forked workers inherit the loaded modules and the rules' settings instead of importing them again.
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        yield from pool.imap(_read_one, files, chunksize=max(1, min(32, len(files) // (jobs * 8))))
    _SHARED.clear()


def _read_one(path):
    from sopc.check import read_file
    from sopc.model import Corpus

    stage_cache = _SHARED["stage_cache"]
    if stage_cache is not None:
        stage_cache.current = {}
    corpus = Corpus()
    problems, read = read_file(corpus, path, _SHARED["enabled"], stage_cache, keep_models=False)
    return problems, sorted(corpus.unusable_ids), read, stage_cache.current if stage_cache is not None else {}


def job_count(jobs: int) -> int:
    """The processes `--jobs` asks for: 0 means one per CPU this process may use."""
    if jobs > 0:
        return jobs
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

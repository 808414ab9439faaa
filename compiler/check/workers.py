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
    """For each file, in order: (problems, unusable ids, [(summary or procedure, per-SOP findings)],
    what the stage cache collected of it, for `StageCache.merge`).

    The files the stage cache holds as they are (`sopc.check.modelled`) are taken
    from it here; the others go to the workers, unless they are too few to be
    worth starting them (a check after an edit).
    """
    from sopc.check.pipeline import read_before

    known = [read_before(path, stage_cache) for path in files]
    missing = [path for path, read in zip(files, known) if read is None]
    if len(missing) < jobs * _WORTH_A_WORKER:
        fresh = (_read_here(path, enabled, stage_cache) for path in missing)
    else:
        fresh = _read_in_pool(missing, enabled, stage_cache, jobs)
    for read in known:
        yield ([], [], read, None) if read is not None else next(fresh)


_WORTH_A_WORKER = 8  # files: starting a process costs about as much as reading that many


def _read_in_pool(files, enabled, stage_cache, jobs: int):
    _SHARED.update(enabled=enabled, stage_cache=stage_cache)
    import multiprocessing  # a check in one process, the default, never needs it

    # Forked workers inherit the loaded modules and the rules' settings instead of importing them again.
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        yield from pool.imap(_read_one, files, chunksize=max(1, min(32, len(files) // (jobs * 8))))
    _SHARED.clear()


def _read_here(path, enabled, stage_cache):
    from sopc.check import read_file
    from sopc.model import Corpus

    corpus = Corpus()
    problems, read = read_file(corpus, path, enabled, stage_cache, keep_models=False)
    return problems, sorted(corpus.unusable_ids), read, None  # the stage cache collected it itself


def _read_one(path):
    """`_read_here` in a worker: what its stage cache collected goes back with the file."""
    stage_cache = _SHARED["stage_cache"]
    if stage_cache is not None:
        stage_cache.start_over()
    problems, unusable, read, _ = _read_here(path, _SHARED["enabled"], stage_cache)
    return problems, unusable, read, stage_cache.collected() if stage_cache is not None else None


def job_count(jobs: int) -> int:
    """The processes `--jobs` asks for: 0 means one per CPU this process may use."""
    if jobs > 0:
        return jobs
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

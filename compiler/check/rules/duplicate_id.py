"""## duplicate-id (SOP101)

**What it does**: finds two SOP files with the same `sop:` id, two external
procedures with the same id, or an SOP and an external procedure sharing one.
(Two steps with the same id in one file are reported by the loader as a
duplicate key, SOP002.)

**Why is this bad?** Hand-offs, site addresses and the runtime bundle find an
SOP by its id: with two, one of them silently disappears.

**Example**

```yaml
# sops/outages.yaml
sop: system-operations
# sops/repairs.yaml
sop: system-operations
```

**Use instead**: give every SOP its own id.
"""

from sopc.problems import ERROR

ID = "SOP101"
SLUG = "duplicate-id"
SEVERITY = ERROR
OPTIONS: dict = {}


def check(sop, corpus, options):
    from sopc.check.rules import Finding

    for other in corpus.duplicates:
        if other is sop:
            first = corpus.sops.get(sop.id) or corpus.procedures.get(sop.id)
            yield Finding(("sop",), f"SOP id `{sop.id}` is already used by {first.path}")
        elif hasattr(other, "url") and corpus.sops.get(other.id) is sop:
            # A procedure declared after the SOP has no rules run on it: report it here.
            yield Finding(("sop",), f"SOP id `{sop.id}` is also declared as an external procedure in {other.path}")


def check_procedure(procedure, corpus, options):
    """A procedure declared again after another procedure (an SOP first is reported on the SOP)."""
    from sopc.check.rules import Finding

    first = corpus.procedures.get(procedure.id)
    if any(other is procedure for other in corpus.duplicates) and first is not None:
        yield Finding(procedure.where, f"procedure id `{procedure.id}` is already declared in {first.path}", key=True)

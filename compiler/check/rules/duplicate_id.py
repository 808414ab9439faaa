"""The check behind duplicate-id (SOP101); what it finds is documented in sopc/codes/docs/duplicate-id.md."""

from sopc.check.finding import Finding

ID = "SOP101"


def check_across(sop, corpus, options):
    for other in corpus.duplicates:
        if other is sop:
            first = corpus.sops.get(sop.id) or corpus.procedures.get(sop.id)
            yield Finding(("sop",), f"SOP id `{sop.id}` is already used by {first.path}")
        elif hasattr(other, "url") and corpus.sops.get(other.id) is sop:
            # A procedure declared after the SOP has no rules run on it: report it here.
            yield Finding(("sop",), f"SOP id `{sop.id}` is also declared as an external procedure in {other.path}")


def check_procedure(procedure, corpus, options):
    """A procedure declared again after another procedure (an SOP first is reported on the SOP)."""
    first = corpus.procedures.get(procedure.id)
    if any(other is procedure for other in corpus.duplicates) and first is not None:
        yield Finding(procedure.where, f"procedure id `{procedure.id}` is already declared in {first.path}", key=True)

"""The check behind todo-text (SOP112); what it finds is documented in sopc/codes/docs/todo-text.md."""

import re

from sopc.check.finding import Finding

ID = "SOP112"

WORDS = ("TODO", "TBD", "FIXME", "XXX")
MARKER = re.compile(r"\b(" + "|".join(WORDS) + r")\b")
# Any of the words anywhere: far cheaper to search for than the marker's
# word boundaries, and almost every text has none of them.
ANY_WORD = re.compile("|".join(WORDS))


def check(sop, corpus, options):
    texts = sop.texts()
    if not ANY_WORD.search("\n".join([text for _where, text, _is_template in texts])):
        return  # one search over all of an SOP's texts, since almost none holds any of the words
    for where, text, _is_template in texts:
        if not ANY_WORD.search(text):
            continue
        markers = list(dict.fromkeys(MARKER.findall(text)))
        if markers:
            step = where[1] if where[0] == "steps" else None
            shown = ", ".join(f"`{m}`" for m in markers)
            yield Finding(where, f"leftover {shown} in the text; finish it, or record what is missing under `gaps`", step)

"""## todo-text (SOP112)

**What it does**: finds a leftover `TODO`, `TBD`, `FIXME` or `XXX` (as a whole
word, in capitals) in any text of an SOP: titles, instructions, questions,
option labels, callouts, scripts and record fields.

**Why is this bad?** The marker reaches agents on a live call, or a homeowner
in an email. Text that is known to be missing belongs in `gaps`, which the
site shows as a visible warning.

**Example**

```yaml
steps:
  give_number:
    scripts:
      - say: You can reach Account Servicing at TBD.
```

**Use instead**

```yaml
steps:
  give_number:
    scripts:
      - say: You can reach Account Servicing at 877-425-5201, Option 1.
```

or, when the text is really lost:

```yaml
steps:
  give_number:
    gaps:
      - The source does not give Account Servicing's number.
```
"""

import re

from sopc.problems import WARNING

ID = "SOP112"
SLUG = "todo-text"
SEVERITY = WARNING
OPTIONS: dict = {}

WORDS = ("TODO", "TBD", "FIXME", "XXX")
MARKER = re.compile(r"\b(" + "|".join(WORDS) + r")\b")


def check(sop, corpus, options):
    from sopc.check.rules import Finding

    for where, text, _is_template in sop.texts():
        if not any(word in text for word in WORDS):
            continue  # a plain substring test is far cheaper than the regex on every text
        markers = list(dict.fromkeys(MARKER.findall(text)))
        if markers:
            step = where[1] if where[0] == "steps" else None
            shown = ", ".join(f"`{m}`" for m in markers)
            yield Finding(where, f"leftover {shown} in the text; finish it, or record what is missing under `gaps`", step)

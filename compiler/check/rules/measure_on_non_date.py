"""The check behind measure-on-non-date (SOP117); what it finds is documented in sopc/codes/docs/measure-on-non-date.md."""

from sopc.check.finding import Finding
from sopc.language import comparisons

ID = "SOP117"


def check(sop, corpus, options):
    for step in sop.decisions():
        for option in step.options:
            if option.when is None:
                continue
            for where, comparison, name in comparisons(option.when, option.where + ("when",), step.input):
                declared = sop.inputs.get(name)
                if "measure" not in comparison or declared is None or declared.type == "date":
                    continue
                yield Finding(where + ("measure",),
                              f"`measure: {comparison['measure']}` counts the days since a date, but `{name}` is "
                              f"a `{declared.type}` input, so this comparison never holds; make `{name}` a `date` "
                              "input, or compare its value without `measure`", step.id)

"""The check behind measure-on-non-date (SOP117); what it finds is documented in sopc/codes/docs/measure-on-non-date.md."""

from sopc.check.finding import Finding

ID = "SOP117"


def check(sop, corpus, options):
    for comparison in sop.comparisons():
        if "measure" not in comparison.test:
            continue
        name = comparison.input
        declared = sop.inputs.get(name)
        if declared is None or declared.type == "date":
            continue
        yield Finding(comparison.where + ("measure",),
                      f"`measure: {comparison.test['measure']}` counts the days since a date, but `{name}` is "
                      f"a `{declared.type}` input, so this comparison never holds; make `{name}` a `date` "
                      "input, or compare its value without `measure`", comparison.step.id)

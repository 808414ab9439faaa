"""sopc: Standard Operating Procedures as code.

The folder `compiler/` installs as this package. The compiler is a pipeline;
each stage is a subpackage:

    load      YAML with positions, the source files   sopc.load
    validate  the JSON Schema                         sopc.validate
    model     typed objects, the step table, the graph sopc.model, sopc.model.steps
    check     the rules, the stage cache              sopc.check, sopc.check.rules
    emit      site pages, flowcharts, runtime bundle  sopc.emit (markdown, flowchart, bundle)
    report    text, JSON, GitHub, SARIF               sopc.report

Beside the pipeline: `sopc.runtime` (runs a bundle, standard library only),
`sopc.commands` (the terminal walk of `sopc run`, the scenarios of `sopc test`),
`sopc.codes` (every problem code with its documentation, for all stages),
`sopc.language` (the placeholder grammar and the inputs a step uses, shared
by the compiler and the runtime), `sopc.atomic_file` (writing a file whole)
and `sopc.cli`, a thin layer over all of it.

`sopc.check.check_paths(["sops"])` runs the first four stages.
"""

__version__ = "0.1.0"

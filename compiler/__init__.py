"""sopc: Standard Operating Procedures as code.

The compiler is a pipeline; each stage is a module:

    load      YAML with positions            compiler.load
    validate  the JSON Schema                compiler.validate
    model     typed objects                  compiler.model
    check     the rules                      compiler.check, compiler.rules
    emit      site, flowcharts, runtime JSON

`compiler.check.check_paths(["sops"])` runs the first four stages.
"""

__version__ = "0.1.0"

"""Stage 5, emit: the site's pages and flowcharts, and the runtime bundle."""

# The site engines `sopc build` and `sopc serve` can run; named here, apart
# from their code, so that the command line lists them without importing it.
ENGINES = ("mkdocs", "zensical")

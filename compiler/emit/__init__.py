"""Stage 5, emit: what the compiler writes from a checked corpus."""

from sopc.cli import main

main(prog_name="sopc")

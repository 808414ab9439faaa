"""What the commands `sopc run` and `sopc test` do beyond the pipeline: walking an SOP in the terminal and running its scenarios."""

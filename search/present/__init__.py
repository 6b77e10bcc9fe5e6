"""Step 4 of the pipeline: what readers see, in words, citations and JSON shapes."""

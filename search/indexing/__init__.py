"""The build's helpers: a forked second core, and progress of long runs."""

"""`python -m formcheck` runs the command line."""

from formcheck.cli import main

main()

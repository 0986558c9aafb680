"""`python -m kbgen` runs the CLI."""

from kbgen.cli import main

main()

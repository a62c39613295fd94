"""Run the command line with `python -m boardloop`."""

from boardloop.cli.main import main

main()

"""``python -m devlab`` runs the CLI."""

from devlab.cli import main

main()

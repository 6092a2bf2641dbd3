"""``python -m devlab`` runs the CLI.

Guarded: ingestion's worker processes (forkserver) re-import the main module.
"""

from devlab.cli import main

if __name__ == "__main__":
    main()

"""Ingest a codebase: sources, file selection, parsing, chunking, secrets, snapshots."""

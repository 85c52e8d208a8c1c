"""Use cases: one transaction each. They flush; the caller (view, API, CLI) commits."""

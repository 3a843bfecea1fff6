"""The `hubworkshop` command: `main.py` holds the group and the workshop's own commands,
`activities.py` the facilitation activities (votes, ranking, purpose, merges, the clock),
loaded only when one of them is run."""

from hubworkshop.cli.main import cli, main

__all__ = ["cli", "main"]

"""The `hubworkshop` command: `main.py` holds the group and the workshop's own commands,
`activities.py` the facilitation activities (votes, ranking, purpose, merges, the clock)."""

from hubworkshop.cli import activities as _activities  # registers its commands
from hubworkshop.cli.main import cli, main

__all__ = ["cli", "main"]
del _activities

"""hubworkshop: run live brainstorming workshops with breakout rooms from the terminal."""

__version__ = "0.1.0"

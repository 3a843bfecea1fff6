"""The baseline for "question on screen": a bare Textual app with a Header, the question in a
Static, an Input and a Footer. Usage: python bare_app.py QUESTION"""

import sys

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input, Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(sys.argv[1])
        yield Input(placeholder="Type what was said")
        yield Footer()


if __name__ == "__main__":
    Bare().run()

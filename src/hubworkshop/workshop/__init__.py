"""The application layer: the workshop's steps, written once for every face.

Capturing a line, undo and redo, voting, ranking, merging points, detecting a language
after the save: the room (TUI), line mode, the command line and the participants' web
page all call these functions; none of them repeats the steps. The layer sits over
storage, reports, sources and the domain, and under every face. It never imports Textual.
"""

"""The application layer: the workshop's steps, written once for every face.

Capturing a line (`capture.py`), undo and redo (`history.py`), voting (`voting.py`), a
ballot (`ranking.py`), merging and splitting points (`points.py`), the room's question, phase
and clock (`agenda.py`), who may do what (`roles.py`), who a typed name means (`people.py`),
what a staff room shows (`room_view.py`) and a participant's own steps (`participate.py`):
the room (TUI), line mode,
the command line and the participants' web page all call these functions; none of them
repeats the steps. (A point's language is worked out by the store as it saves it, for every
face alike: `storage/contributions.py`.) The layer sits over
storage, reports, sources and the domain, and under every face. It never imports Textual.
"""

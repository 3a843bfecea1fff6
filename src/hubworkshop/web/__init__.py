"""The participants' web page, served beside the staff sessions (see docs)."""

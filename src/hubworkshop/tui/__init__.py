"""The Textual user interface: a thin layer over the core (model, store, exports)."""

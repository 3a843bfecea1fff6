"""The footer of keys, rebuilt only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Textual's Footer, rebuilt only when the keys it shows change.

    The stock Footer recomposes every key on every change of focus; most focus changes
    (the start screen mounting, moving between the capture bar and the list) show the same
    keys, and the rebuild was a quarter of the start-up time.
    """

    _shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show or binding.action == "app.command_palette"
        )
        if shown == self._shown and self.is_attached and self.screen is screen:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # what the recompose below will show
        super().bindings_changed(screen)

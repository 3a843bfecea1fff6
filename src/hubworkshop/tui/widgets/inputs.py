"""Text fields that act on their keys in the order typed."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from hubworkshop.tui import upstream


class OrderedInput(Input):
    """An Input that acts on every key of its own in its own message queue, in the order typed.

    Textual's Input inserts characters in its queue but runs its other keys (Enter, the
    arrows, Backspace, Home, Ctrl+K…) as bindings, once the key has bubbled up to the app:
    after the keys queued behind it. Keys typed faster than the app draws (a fast typist, a
    browser session on a busy server) arrive together, and a Backspace then deleted a
    character typed after it, or an arrow moved the cursor past them. Here they act where
    they were typed; and the characters waiting together are inserted as one edit, as a
    paste is, rather than one value change, cursor move and Changed message per key.
    """

    async def _on_key(self, event: events.Key) -> None:
        if await self.act_on_key(event):
            event.stop()
            event.prevent_default()  # (Input's own handler, which runs after this one)

    async def act_on_key(self, event: events.Key) -> bool:
        """Act on `event` here; False if it is not this field's key (it bubbles on to the
        screen's and the app's bindings)."""
        if event.is_printable and event.character:
            upstream.restart_blink(self)
            self.replace(event.character + self._typed_meanwhile(), *self.selection)
            return True
        return await self._run_own_binding(event.key)

    async def _run_own_binding(self, key: str) -> bool:
        """Run this field's own binding for `key` (Input's, and its class's), as the app
        would when the key reached it."""
        chain = upstream.binding_chain(self.screen)
        if not chain or chain[0][0] is not self:
            return False
        for binding in chain[0][1].key_to_bindings.get(key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                return True
        return False

    def _typed_meanwhile(self) -> str:
        """The characters of the printable keys waiting next in this field's queue, taken
        from it. They were already past the app's priority bindings, as Input would have
        inserted each of them; anything else (Enter, an arrow, a paste) ends the run and is
        handled in order after it."""
        taken: list[str] = []
        while True:
            pending = upstream.peek_message(self)
            if not (isinstance(pending, events.Key) and pending.is_printable and pending.character):
                return "".join(taken)
            taken.append(pending.character)
            upstream.take_peeked(self)

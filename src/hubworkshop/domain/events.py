"""The names of what the event log records: one enum, so no code matches free strings."""

from __future__ import annotations

from enum import StrEnum


class EventName(StrEnum):
    """An entry of the append-only `events` table. The values are stored: keep them stable."""

    WORKSHOP_CREATE = "workshop.create"
    WORKSHOP_IMPORT = "workshop.import"
    WORKSHOP_PUBLISH = "workshop.publish"
    WORKSHOP_MERGE = "workshop.merge"
    ROLE_TAKE = "role.take"
    PHASE_OPEN = "phase.open"
    TIMER_START = "timer.start"
    TIMER_PAUSE = "timer.pause"
    TIMER_EXTEND = "timer.extend"
    QUESTION_OPEN = "question.open"
    QUESTION_CLOSE = "question.close"
    PARTICIPANT_ADD = "participant.add"
    PARTICIPANT_UPDATE = "participant.update"
    PARTICIPANT_RENAME = "participant.rename"
    PARTICIPANT_MERGE = "participant.merge"
    PARTICIPANT_FORGET = "participant.forget"
    PARTICIPANT_REMOVE = "participant.remove"
    CONTRIBUTION_ADD = "contribution.add"
    CONTRIBUTION_EDIT = "contribution.edit"
    CONTRIBUTION_DELETE = "contribution.delete"
    CONTRIBUTION_RESTORE = "contribution.restore"
    CONTRIBUTION_TAG = "contribution.tag"
    CONTRIBUTION_MERGE = "contribution.merge"
    CONTRIBUTION_SPLIT = "contribution.split"
    CONTRIBUTION_CLUSTER = "contribution.cluster"
    CONTRIBUTION_ACTION = "contribution.action"
    CONTRIBUTION_HOLD = "contribution.hold"
    CONTRIBUTION_APPROVE = "contribution.approve"
    CONTRIBUTION_HIDE = "contribution.hide"
    ROOM_MODERATION = "room.moderation"
    VOTE_OPEN = "vote.open"
    VOTE_ADD = "vote.add"
    VOTE_WITHDRAW = "vote.withdraw"
    VOTE_CLOSE = "vote.close"
    WRAPUP_TAKEAWAYS = "wrapup.takeaways"
    RANKING_RECORD = "ranking.record"
    PURPOSE_REVISE = "purpose.revise"

    @property
    def names_contribution(self) -> bool:
        """Whether the event's subject is a contribution id whose row may have changed."""
        return self in _ABOUT_A_CONTRIBUTION

    @property
    def changes_drawn_names(self) -> bool:
        """Whether names on rows already drawn may have changed though the log names none of
        the rows (an erasure, a merged copy): screens read their lists again."""
        return self in _CHANGES_DRAWN_NAMES


_ABOUT_A_CONTRIBUTION = frozenset(
    name for name in EventName if name.value.startswith(("contribution.", "vote."))
) - {EventName.VOTE_OPEN, EventName.VOTE_CLOSE}
_CHANGES_DRAWN_NAMES = frozenset({EventName.PARTICIPANT_FORGET, EventName.WORKSHOP_MERGE})

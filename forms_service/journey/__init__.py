"""The journey through a form, with no Flask: where to go (runner), the route for some
answers (route), reading answers (reader), changing a draft (changes), and listing answers
(summary)."""

from forms_service.journey.changes import (
    RAW,
    migrate,
    typed_on,
    with_answers,
    with_repeat_done,
    with_typed,
    without_item,
)
from forms_service.journey.reader import ASSISTED, CHANNELS, ONLINE, AnswerReader
from forms_service.journey.route import (
    CANNOT_START,
    COMPLETE,
    COMPLETED,
    EXITED,
    IN_PROGRESS,
    INCOMPLETE,
    NOT_STARTED,
    Journey,
    Step,
    Task,
)
from forms_service.journey.runner import (
    ASSISTED_MODE,
    CHECK_ANSWERS,
    CONFIRMATION,
    LIVE,
    MODES,
    PREVIEW,
    START,
    TASK_LIST,
    Place,
    Runner,
)
from forms_service.journey.summary import AnswerRow, ItemBlock, RepeatRow, SectionBlock

__all__ = [
    "ASSISTED",
    "CANNOT_START",
    "CHANNELS",
    "CHECK_ANSWERS",
    "COMPLETE",
    "COMPLETED",
    "CONFIRMATION",
    "EXITED",
    "IN_PROGRESS",
    "INCOMPLETE",
    "ASSISTED_MODE",
    "LIVE",
    "MODES",
    "NOT_STARTED",
    "ONLINE",
    "PREVIEW",
    "RAW",
    "START",
    "TASK_LIST",
    "AnswerReader",
    "AnswerRow",
    "ItemBlock",
    "Journey",
    "Place",
    "RepeatRow",
    "Runner",
    "SectionBlock",
    "Step",
    "Task",
    "migrate",
    "typed_on",
    "with_answers",
    "with_repeat_done",
    "with_typed",
    "without_item",
]

"""Where a submission is in the caseworking workflow, and what staff see each step called."""

from __future__ import annotations

RECEIVED = "received"
# In workflow order; the labels are translated where they are shown.
STATUS_LABELS = {
    RECEIVED: "Received",
    "in_progress": "In progress",
    "more_information_needed": "More information needed",
    "accepted": "Accepted",
    "rejected": "Rejected",
}
STATUSES = tuple(STATUS_LABELS)
# The GOV.UK tag colour of each status, wherever a status shows (template filter
# app_status_tag): new work blue, work under way light blue, waiting on the applicant
# yellow, the decisions green and red.
STATUS_TAG_CLASSES = {
    RECEIVED: "govuk-tag--blue",
    "in_progress": "govuk-tag--light-blue",
    "more_information_needed": "govuk-tag--yellow",
    "accepted": "govuk-tag--green",
    "rejected": "govuk-tag--red",
}
# Still waiting for a decision: these can be overdue.
OPEN_STATUSES = (RECEIVED, "in_progress", "more_information_needed")
# A decision: the retention clock of the submission starts when it is set (and starts again
# if the case is reopened and decided later).
DECIDED_STATUSES = tuple(status for status in STATUSES if status not in OPEN_STATUSES)

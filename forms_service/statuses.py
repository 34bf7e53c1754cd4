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
# Still waiting for a decision: these can be overdue.
OPEN_STATUSES = (RECEIVED, "in_progress", "more_information_needed")

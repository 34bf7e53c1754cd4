"""The prison visit form's first page, answered: what most attacks here send."""

from __future__ import annotations

FORM = "prison-visit-booking"
PRISONER = {
    "prisoner_first_name": "Sam", "prisoner_last_name": "Jones", "prisoner_dob-day": "1",
    "prisoner_dob-month": "2", "prisoner_dob-year": "1980", "prisoner_number": "A1234BC",
    "prison": "cardiff",
}  # fmt: skip

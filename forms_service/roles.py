"""What a member of staff may do: their role, and what each role is called."""

from __future__ import annotations


def N_(text: str) -> str:
    """Marks a text for the translation catalogues; it is translated where it is shown."""
    return text


# caseworker: the inbox of their forms; assisted_digital: fills in forms for citizens;
# admin: every form, users and the audit log; author: previews form definitions they
# upload, which are never published from there; performance: the performance dashboard of
# every form (counts, and satisfaction comments). Labels are translated where shown.
ROLE_LABELS = {
    "caseworker": N_("Caseworker"),
    "assisted_digital": N_("Assisted digital"),
    "admin": N_("Administrator"),
    "author": N_("Form author"),
    "performance": N_("Service performance"),
}
ROLES = tuple(ROLE_LABELS)
CASEWORKER, ASSISTED_DIGITAL, ADMIN, AUTHOR, PERFORMANCE = ROLES

# Who must sign in with a second factor (STAFF_TWO_FACTOR=privileged, the default): those
# who see every form or speak for citizens. STAFF_TWO_FACTOR=all asks it of everyone.
TWO_FACTOR_ROLES = (ADMIN, ASSISTED_DIGITAL)

"""What a member of staff may do: their role, and what each role is called."""

from __future__ import annotations

# caseworker: the inbox of their forms; assisted_digital: fills in forms for citizens;
# admin: every form, users and the audit log. Labels are translated where they are shown.
ROLE_LABELS = {
    "caseworker": "Caseworker",
    "assisted_digital": "Assisted digital",
    "admin": "Administrator",
}
ROLES = tuple(ROLE_LABELS)
CASEWORKER, ASSISTED_DIGITAL, ADMIN = ROLES

# Who must sign in with a second factor (STAFF_TWO_FACTOR=privileged, the default): those
# who see every form or speak for citizens. STAFF_TWO_FACTOR=all asks it of everyone.
TWO_FACTOR_ROLES = (ADMIN, ASSISTED_DIGITAL)

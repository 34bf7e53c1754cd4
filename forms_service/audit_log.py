"""The audit log as people read it: who did what, in one sentence per kind of event.

The store keeps each event as written (actor, action, target, detail); this module words it
for the audit log page, naming staff by their names rather than ids. Every action the service
writes has a sentence here (grep `audit(` to find them); an action without one still reads
as words ("Api token created: ..."), never as a code. No Flask: gettext and ngettext come in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from forms_service.assisted import METHOD_LABELS
from forms_service.data.retention import PURGE_ACTOR
from forms_service.question_types.base import N_
from forms_service.statuses import STATUS_LABELS

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


@dataclass(frozen=True)
class Wording:
    """What wording an event needs: translations and the names of staff by id."""

    gettext: Gettext
    ngettext: Ngettext
    staff_names: Mapping[int, str]

    def status(self, code: Any) -> str:
        return self.gettext(STATUS_LABELS[code]) if code in STATUS_LABELS else str(code)

    def staff(self, user_id: Any) -> str:
        if user_id is None:
            return self.gettext("nobody")
        return self.staff_names.get(user_id) or self.gettext("an unknown user")


# What the audit log page lets an administrator filter by: the kinds of event, by name.
KINDS = {
    "sign_in": N_("Signed in"),
    "sign_out": N_("Signed out"),
    "sign_in_failed": N_("Failed sign-in"),
    "two_factor_set_up": N_("Set up an authenticator app"),
    "two_factor_failed": N_("Wrong security or recovery code"),
    "recovery_code_used": N_("Used a recovery code"),
    "inbox": N_("Looked at or searched the inbox"),
    "view": N_("Viewed a submission"),
    "status": N_("Changed a status"),
    "assign": N_("Assigned a submission"),
    "note": N_("Added a note"),
    "download_pdf": N_("Downloaded a PDF"),
    "download_paper_pdf": N_("Downloaded a paper form"),
    "download_json": N_("Downloaded JSON"),
    "export_csv": N_("Exported CSV"),
    "user_created": N_("Added a user"),
    "user_deactivated": N_("Deactivated a user"),
    "user_reactivated": N_("Reactivated a user"),
    "invite_sent": N_("Sent a sign-in link to a new user"),
    "password_set": N_("Set their password from a sign-in link"),
    "two_factor_reset": N_("Reset someone's authenticator app"),
    "api_token_created": N_("Created an API token"),
    "api_token_revoked": N_("Revoked an API token"),
    "api.list": N_("API: listed submissions"),
    "api.view": N_("API: fetched a submission"),
    "api.pdf": N_("API: downloaded a PDF"),
    "api.paper_pdf": N_("API: downloaded a paper form"),
    "api.status": N_("API: changed a status"),
    "api.unauthorised": N_("API: token not valid"),
    "api.performance": N_("API: read performance figures"),
    "assisted_drafts": N_("Looked at forms started for someone"),
    "assisted_started": N_("Started a form for someone"),
    "assisted_saved": N_("Saved a form for someone"),
    "assisted_submitted": N_("Sent a form for someone"),
    "assisted_confirmation_sent": N_("Emailed a reference to someone"),
    "assisted_handed_over": N_("Handed a form over to someone"),
    "retention_purge": N_("Deleted old drafts and sessions"),
    "definition_previewed": N_("Previewed an uploaded form definition"),
    "webhook_delivery": N_("Delivered a submission to another system"),
    "webhook_redeliver": N_("Asked for a submission to be delivered again"),
    "job_retried": N_("Retried a failed job"),
    "paper_volume_recorded": N_("Recorded paper forms received outside the service"),
    "paper_volume_deleted": N_("Deleted a record of paper forms received"),
    "feedback_comments": N_("Read satisfaction comments"),
}

# The inbox's filters as the audit log names them (others show their own key).
INBOX_FILTERS = {
    "form": N_("form"),
    "status": N_("status"),
    "channel": N_("channel"),
    "from": N_("submitted from"),
    "to": N_("submitted to"),
}
FLAG_FILTERS = {"mine": N_("assigned to them"), "overdue": N_("overdue")}

# What a refused API call's `outcome` adds to its sentence.
OUTCOMES = {
    "not_found": N_("%(sentence)s (not found)"),
    "bad_request": N_("%(sentence)s (refused: the request was not valid)"),
    "no_paper_form": N_("%(sentence)s (refused: its form has no paper form)"),
}


def who(actor: str, wording: Wording) -> str:
    """The actor as a person reads it: a member of staff's name, the API token's name..."""
    _ = wording.gettext
    kind, _colon, rest = actor.partition(":")
    if kind == "staff":
        user_id, _space, email = rest.partition(" ")
        if user_id.isdigit() and int(user_id) in wording.staff_names:
            return wording.staff_names[int(user_id)]
        return email or actor
    if kind == "api":
        _id, _space, name = rest.partition(" ")
        return _("API: %(name)s") % {"name": name} if name else _("API: token not valid")
    if kind == "unknown":
        return _("Someone using an email address with no account")
    return {
        "cli": _("Command line"),
        PURGE_ACTOR: _("Retention (automatic)"),
        "system:webhooks": _("Webhooks (automatic)"),
        "anonymous": _("Not signed in"),
    }.get(actor, actor)


def describe(action: str, target: str | None, detail: Mapping[str, Any], wording: Wording) -> str:
    """One sentence for an event, such as "Status of PVB-7K3M-Q9TX changed from Received to
    In progress"; an action with no sentence of its own reads as its words and record."""
    _ = wording.gettext
    ref = {"reference": target or ""}
    describe_one = _SENTENCES.get(action)
    if describe_one is None:
        words = action.replace("_", " ").replace(".", ": ").capitalize()
        return f"{words}: {target}" if target else words
    sentence = describe_one(target, detail, wording, ref)
    outcome = detail.get("outcome")
    if outcome in OUTCOMES:
        sentence = _(OUTCOMES[outcome]) % {"sentence": sentence}
    return sentence


def _status(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    _ = w.gettext
    values = {**ref, "to": w.status(detail.get("to"))}
    if "from" in detail:
        values["from"] = w.status(detail["from"])
        return _("Status of %(reference)s changed from %(from)s to %(to)s") % values
    return _("Status of %(reference)s changed to %(to)s") % values


def _api_status(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    if "to" not in detail:  # a refused change
        return w.gettext("Tried to change the status of %(reference)s through the API") % ref
    return w.gettext("%(sentence)s through the API") % {"sentence": _status(target, detail, w, ref)}


def _assign(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    if detail.get("to") is None:
        return w.gettext("Removed the assignee of %(reference)s") % ref
    return w.gettext("Assigned %(reference)s to %(name)s") % {
        **ref,
        "name": w.staff(detail.get("to")),
    }


def _inbox(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    _ = w.gettext
    sentence = _("Searched the inbox") if detail.get("searched") else _("Looked at the inbox")
    filters = detail.get("filters") or {}
    if not filters:
        return sentence
    shown = []
    for key, value in filters.items():
        name = _(INBOX_FILTERS[key]) if key in INBOX_FILTERS else key
        if key in FLAG_FILTERS:  # a ticked box: its name says it all
            shown.append(_(FLAG_FILTERS[key]))
            continue
        if key == "status":
            value = w.status(value)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        shown.append(f"{name}: {value}")
    return _("%(sentence)s, filtered by %(filters)s") % {
        "sentence": sentence,
        "filters": "; ".join(shown),
    }


def _export(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    count = int(detail.get("count") or 0)
    if detail.get("codes"):
        return w.ngettext(
            "Exported %(num)d submission as CSV with codes",
            "Exported %(num)d submissions as CSV with codes",
            count,
        ) % {"num": count}
    return w.ngettext(
        "Exported %(num)d submission as CSV", "Exported %(num)d submissions as CSV", count
    ) % {"num": count}


def _api_list(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    count = int(detail.get("count") or 0)
    return w.ngettext(
        "Listed %(num)d submission through the API",
        "Listed %(num)d submissions through the API",
        count,
    ) % {"num": count}


def _recovery(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    left = int(detail.get("left") or 0)
    return w.ngettext(
        "Signed in with a recovery code (%(num)d left)",
        "Signed in with a recovery code (%(num)d left)",
        left,
    ) % {"num": left}


def _two_factor_failed(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    if detail.get("kind") == "recovery_code":
        return w.gettext("Entered a recovery code that is not valid")
    return w.gettext("Entered a wrong security code")


def _assisted_started(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    method = detail.get("method")
    how = w.gettext(METHOD_LABELS[method]).lower() if method in METHOD_LABELS else ""
    values = {"form": target or "", "how": how}
    if how:
        return w.gettext("Started form %(form)s for someone (%(how)s)") % values
    return w.gettext("Started form %(form)s for someone") % values


def _webhook_delivery(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    """One attempt: the receiver's host and its status, never what it answered."""
    values = {**ref, "host": detail.get("host") or "?", "status": detail.get("status")}
    status = detail.get("status")
    if isinstance(status, int) and 200 <= status < 300:
        return w.gettext("Delivered %(reference)s to %(host)s (status %(status)s)") % values
    if isinstance(status, int):
        return w.gettext("Could not deliver %(reference)s to %(host)s: it answered %(status)s") % (
            values
        )
    return w.gettext("Could not deliver %(reference)s to %(host)s") % values


def _webhook_redeliver(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    values = {**ref, "host": detail.get("host") or "?"}
    return w.gettext("Asked for %(reference)s to be delivered again to %(host)s") % values


def _paper_recorded(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    count = int(detail.get("count") or 0)
    return w.ngettext(
        "Recorded %(num)d paper form received on %(day)s for %(reference)s",
        "Recorded %(num)d paper forms received on %(day)s for %(reference)s",
        count,
    ) % {**ref, "num": count, "day": detail.get("received_on") or "?"}


def _feedback_comments(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
    """A page of satisfaction comments read: which form (target; None: all), which days."""
    values = {
        "form": target or "",
        "start": detail.get("start") or "?",
        "end": detail.get("end") or "?",
        "num": int(detail.get("count") or 0),
    }
    if target:
        return (
            w.gettext(
                "Read satisfaction comments on form %(form)s, %(start)s to %(end)s (%(num)d shown)"
            )
            % values
        )
    return (
        w.gettext("Read satisfaction comments on all forms, %(start)s to %(end)s (%(num)d shown)")
        % values
    )


def _fixed(message: str) -> Callable[..., str]:
    """A sentence with at most the record's reference (or name) in it."""

    def sentence(target: str | None, detail: Mapping[str, Any], w: Wording, ref: dict) -> str:
        return w.gettext(message) % ref

    return sentence


_SENTENCES: dict[str, Callable[[str | None, Mapping[str, Any], Wording, dict], str]] = {
    "sign_in": _fixed(N_("Signed in")),
    "sign_out": _fixed(N_("Signed out")),
    "sign_in_failed": _fixed(N_("Failed to sign in: wrong email address or password")),
    "two_factor_set_up": _fixed(N_("Set up an authenticator app for security codes")),
    "two_factor_failed": _two_factor_failed,
    "recovery_code_used": _recovery,
    "inbox": _inbox,
    "view": _fixed(N_("Viewed submission %(reference)s")),
    "status": _status,
    "assign": _assign,
    "note": _fixed(N_("Added a note to %(reference)s")),
    "download_pdf": _fixed(N_("Downloaded PDF of %(reference)s")),
    "download_paper_pdf": _fixed(N_("Downloaded %(reference)s on its paper form")),
    "download_json": _fixed(N_("Downloaded JSON of %(reference)s")),
    "export_csv": _export,
    "user_created": _fixed(N_("Added user %(reference)s")),
    "user_deactivated": _fixed(N_("Deactivated user %(reference)s")),
    "user_reactivated": _fixed(N_("Reactivated user %(reference)s")),
    "invite_sent": _fixed(N_("Sent a sign-in link to %(reference)s")),
    "password_set": _fixed(N_("Set their password from the sign-in link sent to %(reference)s")),
    "two_factor_reset": _fixed(N_("Reset the authenticator app of %(reference)s")),
    "api_token_created": _fixed(N_("Created API token ‘%(reference)s’")),
    "api_token_revoked": _fixed(N_("Revoked API token ‘%(reference)s’")),
    "api.list": _api_list,
    "api.view": _fixed(N_("Fetched submission %(reference)s through the API")),
    "api.pdf": _fixed(N_("Downloaded PDF of %(reference)s through the API")),
    "api.paper_pdf": _fixed(N_("Downloaded %(reference)s on its paper form through the API")),
    "api.status": _api_status,
    "api.unauthorised": _fixed(N_("Called the API with a token that is not valid")),
    "api.performance": _fixed(N_("Read performance figures through the API")),
    "assisted_drafts": _fixed(N_("Looked at the forms they started for people")),
    "assisted_started": _assisted_started,
    "assisted_saved": _fixed(N_("Saved a form they are filling in for someone")),
    "assisted_submitted": _fixed(N_("Sent form %(reference)s for someone")),
    "assisted_confirmation_sent": _fixed(N_("Emailed reference %(reference)s to the applicant")),
    "assisted_handed_over": _fixed(N_("Sent the applicant a link to finish form %(reference)s")),
    "retention_purge": _fixed(N_("Deleted drafts and sessions past their retention period")),
    "definition_previewed": _fixed(N_("Uploaded and previewed a definition of form %(reference)s")),
    "webhook_delivery": _webhook_delivery,
    "webhook_redeliver": _webhook_redeliver,
    "job_retried": _fixed(N_("Retried failed job %(reference)s")),
    "paper_volume_recorded": _paper_recorded,
    "paper_volume_deleted": _fixed(
        N_("Deleted a record of paper forms received for %(reference)s")
    ),
    "feedback_comments": _feedback_comments,
}

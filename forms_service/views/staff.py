"""The caseworker workspace: sign-in, inbox, submission pages, downloads, users, audit.

Every view of personal data is written to the audit log (who, what, when, from where);
the audit never holds answers. A caseworker sees only the forms they are given: any other
submission is "not found", so its existence is not revealed.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, ngettext

from forms_service.clock import LONDON, utcnow
from forms_service.data import StaffUser
from forms_service.definitions.loader import load_snapshot
from forms_service.exports import CHANNEL_LABELS, CHANNELS, assisted_facts
from forms_service.mailer import Email, MailError
from forms_service.passwords import MIN_LENGTH, hash_password, long_enough, verify_password
from forms_service.question_types.base import N_
from forms_service.question_types.values import format_date
from forms_service.roles import ADMIN, CASEWORKER, ROLES
from forms_service.statuses import OPEN_STATUSES, RECEIVED, STATUS_LABELS, STATUSES
from forms_service.template_filters import answer_row as _answer_row
from forms_service.template_filters import app_datetime, app_roles
from forms_service.tokens import hash_secret, new_token
from forms_service.views.common import (
    has_paper_form,
    make_paper_pdf,
    make_pdf,
    missing_parts_message,
    store,
    today,
)
from forms_service.views.staff_access import (
    audit,
    audit_inbox,
    backing_off,
    password_accepted,
    record_failure,
    staff_actor,
    staff_required,
    take_banner,
    tell,
    visible_forms,
)
from forms_service.views.staff_access import sign_out as end_staff_session

bp = Blueprint("staff", __name__, url_prefix="/staff")
log = logging.getLogger(__name__)
PER_PAGE = 25
AUDIT_PER_PAGE = 50


@bp.app_context_processor
def _banner() -> dict[str, Any]:
    # A function, so the message is taken only by a page that shows it (staff/layout.html).
    return {"staff_banner": take_banner}


# -- signing in -------------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    error = None
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        password = request.form.get("password", "")
        if not store().hit(
            f"staff-sign-in:ip:{request.remote_addr}",
            current_app.config["STAFF_SIGN_INS_PER_IP"],
            datetime.timedelta(minutes=15),
        ):
            return render_template("resume/too_many.html"), 429
        user = store().user_by_email(email) if email else None
        if _password_right(user, password):
            return password_accepted(user, request.args.get("next", ""))
        # One message whatever went wrong, so the page does not say which addresses have
        # accounts, or which accounts are backing off.
        error = gettext("Enter a correct email address and password")
        store().audit(
            f"unknown:{_email_hash(email)}" if user is None else f"staff:{user.id} {user.email}",
            "sign_in_failed",
            None,
            request.remote_addr,
        )
    return render_template(
        "staff/sign_in.html", error=error, email=email, journey=None, form=None
    ), (401 if error else 200)


def _password_right(user: StaffUser | None, password: str) -> bool:
    """Whether this is the password of an active account that may sign in now.

    Exactly one argon2 check runs in every case (against a dummy hash when there is no
    account), so the time taken does not tell an unknown, inactive or backing-off account
    from a wrong password. Only a wrong password for an account that is not backing off
    counts as a failure: refused attempts cannot make the back-off longer.
    """
    usable = user is not None and user.active and bool(user.password_hash)
    right = verify_password(user.password_hash if usable else None, password)
    if not usable:
        return False
    if backing_off(user):
        return False
    if not right:
        record_failure(user)
        return False
    return True


def _email_hash(email: str) -> str:
    return hash_secret(email.lower())[:12]


@bp.post("/sign-out")
@staff_required()
def sign_out():
    audit("sign_out")
    end_staff_session()
    session.rotate()
    return redirect(url_for("staff.sign_in"))


# -- inbox -------------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
@staff_required("caseworker", "admin")
def inbox():
    user = g.staff
    filters, query = _filters(user)
    page = max(1, request.args.get("page", 1, type=int))
    rows, total = store().find_submissions(**query, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    # The search term may be a name: it is never written down (POST body only, not the
    # URL, the access log or the audit log); the audit row says a search was made.
    shown = {k: v for k, v in filters.items() if v and k not in ("q", *_TYPED)}
    audit_inbox(shown, searched=bool(filters["q"]))
    forms = current_app.extensions["forms"]
    on = today()
    channels = {key: gettext(label) for key, label in CHANNEL_LABELS.items()}
    form_choices = _form_choices(user)
    errors = filters["errors"]
    return render_template(
        "staff/inbox.html",
        journey=None,
        form=None,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / PER_PAGE)),
        filters=filters,
        errors=errors,
        date_error={e["field"]: e["text"] for e in errors},
        selected=_selected_filters(filters, dict(form_choices), channels),
        clear_url=_inbox_url(keep=("sort", "order")),
        forms=form_choices,
        statuses=STATUS_LABELS,
        channels=channels,
        sort=query["sort"],
        descending=query["descending"],
        sort_url=_sort_url,
        page_url=_page_url,
        titles={k: f.title.pick("en") for k, f in forms.items()},
        today=on,
        open_statuses=OPEN_STATUSES,
        export_url=url_for("staff.export_csv") + "?" + urlencode(shown, doseq=True),
        filter_args=urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "page"]),
    ), (400 if errors else 200)


# Filter keys that hold what was typed or went wrong: shown on the page, never in the audit
# log or the CSV link.
_TYPED = ("errors", "from_parts", "to_parts", "error_parts")
SORTS = ("reference", "form", "submitted", "status", "due")
DEFAULT_SORT = "submitted"  # newest first


def _filters(user: StaffUser) -> tuple[dict[str, Any], dict[str, Any]]:
    args = request.args
    filters: dict[str, Any] = {
        key: args.get(key, "").strip()
        for key in ("form", "status", "from", "to", "mine", "overdue", "sort", "order")
    }
    # A search is POSTed (views/staff.py inbox): the term never travels in a URL.
    filters["q"] = request.form.get("q", "").strip() if request.method == "POST" else ""
    # Checkboxes: any of online, assisted and paper (none ticked: all of them).
    filters["channel"] = [c for c in CHANNELS if c in args.getlist("channel")]
    # "Submitted from" and "to": GOV.UK date inputs (from-day, from-month, from-year), or
    # an ISO date (from=2026-12-04) as links and the CSV export carry them.
    filters["errors"], filters["error_parts"] = [], {}
    dates = {}
    for name, label in (("from", gettext("Submitted from")), ("to", gettext("Submitted to"))):
        day, parts, error = _typed_date(args, name, label)
        dates[name] = day
        filters[name] = day.isoformat() if day else ""
        filters[f"{name}_parts"] = parts
        if error:
            filters["errors"].append({"text": error[0], "href": f"#{name}-{error[1][0]}"})
            filters["errors"][-1]["field"] = name
            filters["error_parts"][name] = error[1]
    if dates["from"] and dates["to"] and dates["to"] < dates["from"]:
        # A reversed range finds nothing: say so, and leave the "to" date out until fixed.
        filters["errors"].append(
            {
                "text": gettext(
                    "Submitted to must be the same as or after %(date)s",
                    date=format_date(dates["from"]),
                ),
                "href": "#to-day",
                "field": "to",
            }
        )
        filters["error_parts"]["to"] = ("day", "month", "year")
        dates["to"], filters["to"] = None, ""
    forms = visible_forms(user)
    if filters["form"]:
        forms = [filters["form"]] if forms is None or filters["form"] in forms else []
    sort = filters["sort"] if filters["sort"] in SORTS else DEFAULT_SORT
    # A column sorts ascending first; the default (newest first) is descending.
    descending = (
        filters["order"] == "desc" if filters["order"] in ("asc", "desc") else sort == DEFAULT_SORT
    )
    query = {
        "forms": forms,
        "status": filters["status"] if filters["status"] in STATUSES else None,
        "channels": filters["channel"] or None,
        "submitted_from": dates["from"],
        "submitted_to": dates["to"],
        "assigned_to": user.id if filters["mine"] else None,
        "overdue_on": today() if filters["overdue"] else None,
        "query": filters["q"] or None,
        "sort": sort,
        "descending": descending,
    }
    return filters, query


_DATE_ERRORS = {
    "missing_day": N_("%(name)s must include a day"),
    "missing_month": N_("%(name)s must include a month"),
    "missing_year": N_("%(name)s must include a year"),
    "missing_day_and_month": N_("%(name)s must include a day and month"),
    "missing_day_and_year": N_("%(name)s must include a day and year"),
    "missing_month_and_year": N_("%(name)s must include a month and year"),
    "year_not_4_digits": N_("%(name)s must include a year with 4 numbers"),
}


def _typed_date(
    args: Any, name: str, label: str
) -> tuple[datetime.date | None, dict[str, str], tuple[str, tuple[str, ...]] | None]:
    """A date filter: (the date or None, the parts as typed, (error message, parts at
    fault) or None). All parts blank: no filter."""
    from forms_service.question_types.values import InvalidValue, parse_date

    parts = {part: args.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")}
    if not any(parts.values()) and args.get(name, "").strip():
        try:
            day = datetime.date.fromisoformat(args.get(name, "").strip())
        except ValueError:
            return None, parts, (_date_error("not_real_date", label), ("day", "month", "year"))
        return day, {"day": str(day.day), "month": str(day.month), "year": str(day.year)}, None
    if not any(parts.values()):
        return None, parts, None
    try:
        return parse_date(parts["day"], parts["month"], parts["year"]), parts, None
    except InvalidValue as problem:
        return None, parts, (_date_error(problem.kind, label), problem.parts or ("day",))


def _date_error(kind: str, label: str) -> str:
    message = _DATE_ERRORS.get(kind, N_("%(name)s must be a real date"))
    return gettext(message, name=label)


def _selected_filters(
    filters: dict[str, Any], form_titles: dict[str, str], channels: dict[str, str]
) -> list[dict[str, Any]]:
    """The MoJ filter's "Selected filters": per category, a tag for each filter in force
    that links to this inbox without it."""
    date_keys = {
        name: (name, f"{name}-day", f"{name}-month", f"{name}-year") for name in ("from", "to")
    }
    categories = []

    def add(heading: str, items: list[dict[str, str]]) -> None:
        if items:
            categories.append({"heading": heading, "items": items})

    if filters["form"]:
        text = form_titles.get(filters["form"], filters["form"])
        add(gettext("Form"), [{"text": text, "href": _inbox_url(drop=("form",))}])
    if filters["status"] in STATUSES:
        text = gettext(STATUS_LABELS[filters["status"]])
        add(gettext("Status"), [{"text": text, "href": _inbox_url(drop=("status",))}])
    add(
        gettext("Channel"),
        [
            {"text": channels.get(c, c), "href": _inbox_url(drop_value=("channel", c))}
            for c in filters["channel"]
        ],
    )
    for name, heading in (("from", gettext("Submitted from")), ("to", gettext("Submitted to"))):
        if filters[name]:
            text = format_date(datetime.date.fromisoformat(filters[name]))
            add(heading, [{"text": text, "href": _inbox_url(drop=date_keys[name])}])
    if filters["mine"]:
        add(
            gettext("Show only"),
            [{"text": gettext("Assigned to me"), "href": _inbox_url(drop=("mine",))}],
        )
    if filters["overdue"]:
        add(
            gettext("Service level"),
            [{"text": gettext("Overdue"), "href": _inbox_url(drop=("overdue",))}],
        )
    return categories


def _inbox_url(
    drop: tuple[str, ...] = (),
    drop_value: tuple[str, str] | None = None,
    keep: tuple[str, ...] | None = None,
) -> str:
    """This inbox's URL without some filters (and always from the first page)."""
    args = [
        (k, v)
        for k, v in request.args.items(multi=True)
        if k != "page" and k not in drop and (k, v) != drop_value and (keep is None or k in keep)
    ]
    return url_for("staff.inbox") + ("?" + urlencode(args) if args else "")


def _sort_url(column: str, current: str, descending: bool) -> str:
    """A header's link: another column sorts ascending; the current one reverses."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("sort", "order", "page")]
    order = ("asc" if descending else "desc") if column == current else "asc"
    return url_for("staff.inbox") + "?" + urlencode([*args, ("sort", column), ("order", order)])


def _page_url(number: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return url_for("staff.inbox") + "?" + urlencode([*args, ("page", number)])


def _form_choices(user: StaffUser) -> list[tuple[str, str]]:
    forms = current_app.extensions["forms"]
    allowed = visible_forms(user)
    return sorted(
        (form_id, form.title.pick("en"))
        for form_id, form in forms.items()
        if allowed is None or form_id in allowed
    )


# -- one submission ----------------------------------------------------------------------------


def _submission(reference: str):
    submission = store().submission_for(reference, visible_forms(g.staff))
    if submission is None:
        abort(404)
    return submission


@bp.route("/submissions/<reference>", methods=["GET", "POST"])
@staff_required("caseworker", "admin")
def submission_page(reference: str):
    from forms_service.rendition import read_submission

    submission = _submission(reference)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        errors = _act_on(submission)
        if not errors:
            return redirect(url_for("staff.submission_page", reference=reference))
        submission = _submission(reference)
    audit("view", reference)
    form, sections = read_submission(
        submission.definition,
        submission.answers,
        submission.language,
        gettext,
        today=submission.submitted_at.date(),  # wording as the citizen saw it
        channel=submission.channel,
    )
    staff = [
        u
        for u in store().users()
        if u.active
        and u.has_role(CASEWORKER, ADMIN)
        and (u.is_admin or submission.form_id in (u.forms or []))
    ]
    names = {u.id: u.name for u in store().users()}
    posted = request.form if errors else {}
    # "Completed by ... (telephone)" first, then the rest of the assisted-digital record.
    facts = assisted_facts(submission, gettext, app_datetime)
    return (
        render_template(
            "staff/submission.html",
            answer_lists=answer_lists(sections),
            posted=posted,
            note_error=next((e["text"] for e in errors if e["href"] == "#note"), None),
            journey=None,
            form=None,
            submission=submission,
            definition_title=form.title.pick(submission.language),
            # A Welsh submission of a bilingual form: its PDF in English too.
            english_pdf=submission.language != "en" and "en" in form.languages,
            paper_form=has_paper_form(submission),  # filled into the paper form it replaces
            channel=gettext(CHANNEL_LABELS.get(submission.channel, submission.channel)),
            completed_by=facts[0][1] if facts else None,
            assisted_rows=[{"key": {"text": k}, "value": {"text": v}} for k, v in facts[1:]],
            sections=sections,
            webhook_hosts=_webhook_hosts(form),
            events=store().events(submission.id),
            statuses=STATUS_LABELS,
            staff=staff,
            names=names,
            errors=errors,
            today=today(),
            open_statuses=OPEN_STATUSES,
        ),
        (422 if errors else 200),
    )


def answer_lists(sections: list[Any]) -> list[dict[str, Any]]:
    """GOV.UK summary lists for a stored submission: one per section, one per repeat item."""
    blocks = []
    for section in sections:
        lists: list[dict[str, Any]] = [{"heading": None, "rows": []}]
        for entry in section.entries:
            if hasattr(entry, "rows"):  # a repeat item: its own heading and list
                lists.append(
                    {"heading": entry.heading, "rows": [_answer_row(r) for r in entry.rows]}
                )
                lists.append({"heading": None, "rows": []})
            else:
                lists[-1]["rows"].append(_answer_row(entry))
        blocks.append({"title": section.title, "lists": [x for x in lists if x["rows"]]})
    return blocks


def _act_on(submission: Any) -> list[dict[str, str]]:
    """Status changes, assignment and notes, each recorded on the timeline and audited."""
    user = g.staff
    actor = f"{user.name}"
    action = request.form.get("action")
    note = request.form.get("note", "").strip()
    if len(note) > 2000:
        return [{"text": gettext("Note must be 2000 characters or less"), "href": "#note"}]
    if action == "status":
        status = request.form.get("status")
        if status not in STATUSES:
            return [{"text": gettext("Select a status"), "href": "#status"}]
        if status in ("rejected", "more_information_needed") and not note:
            return [{"text": gettext("Enter a note to say why"), "href": "#note"}]
        before = submission.status or RECEIVED
        store().change_status(submission.id, status, note, user.id, actor)
        audit("status", submission.reference, **{"from": before, "to": status})
        tell(gettext("Status changed to %(status)s", status=gettext(STATUS_LABELS[status])))
    elif action == "assign":
        value = request.form.get("assignee", "")
        assignee = int(value) if value.isdigit() else None
        person = store().user(assignee) if assignee is not None else None
        if assignee is not None and person is None:
            return [{"text": gettext("Select who to assign it to"), "href": "#assignee"}]
        store().assign(submission.id, assignee, user.id, actor)
        audit("assign", submission.reference, to=assignee)
        tell(
            gettext("Assigned to %(name)s", name=person.name)
            if person
            else gettext("Submission unassigned")
        )
    elif action == "note":
        if not note:
            return [{"text": gettext("Enter a note"), "href": "#note"}]
        store().add_note(submission.id, note, user.id, actor)
        audit("note", submission.reference)
        tell(gettext("Note added"))
    elif action == "redeliver":
        host = _redeliver(submission, request.form.get("endpoint", ""))
        if host is None:
            abort(400)
        audit("webhook_redeliver", submission.reference, host=host)
        tell(gettext("The submission will be delivered to %(host)s again", host=host))
    else:
        abort(400)
    return []


def _webhook_hosts(form: Any) -> list[str]:
    """The hosts of the systems the submission's form sends it to (its webhooks:)."""
    return [urlsplit(hook.url).hostname or "" for hook in form.webhooks]


def _redeliver(submission: Any, endpoint: str) -> str | None:
    """Queue a new delivery round to one of the form's webhooks (a new Forms-Delivery-Id);
    the endpoint's host, or None when there is no such endpoint."""
    hosts = _webhook_hosts(load_snapshot(submission.definition))
    if not endpoint.isdigit() or int(endpoint) >= len(hosts):
        return None
    # A new round: the click's second. A double click in one second is one delivery.
    round_ = int(utcnow().timestamp())
    store().defer("webhook", reference=submission.reference, endpoint=int(endpoint), round=round_)
    return hosts[int(endpoint)]


@bp.get("/submissions/<reference>.json")
@staff_required("caseworker", "admin")
def submission_json(reference: str):
    from forms_service.exports import submission_json as to_json

    submission = _submission(reference)
    audit("download_json", reference)
    body = json.dumps(to_json(submission), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{reference}.json"'},
    )


@bp.get("/submissions/<reference>.pdf")
@staff_required("caseworker", "admin")
def submission_pdf(reference: str):
    submission = _submission(reference)
    language = request.args.get("language")
    if language is not None and language not in load_snapshot(submission.definition).languages:
        abort(404)
    audit("download_pdf", reference)
    return Response(
        make_pdf(submission, language),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{reference}.pdf"'},
    )


@bp.get("/submissions/<reference>/paper.pdf")
@staff_required("caseworker", "admin")
def submission_paper_pdf(reference: str):
    """The answers on the paper form the online form replaces, for caseworkers who work
    from its layout; not found when the form names no paper form."""
    submission = _submission(reference)
    pdf = make_paper_pdf(submission)
    if pdf is None:
        abort(404)
    audit("download_paper_pdf", reference)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{reference}-paper-form.pdf"'},
    )


@bp.get("/export.csv")
@staff_required("caseworker", "admin")
def export_csv():
    """The inbox's submissions (as filtered) for people: labels, names, UK times."""
    return _export(codes=False)


@bp.get("/export-codes.csv")
@staff_required("caseworker", "admin")
def export_codes_csv():
    """The same submissions for other systems: question ids and stored option values."""
    return _export(codes=True)


def _export(codes: bool) -> Response:
    from forms_service.exports import CsvWording, submissions_csv

    _, query = _filters(g.staff)
    rows, total = store().find_submissions(**query, offset=0, limit=10_000)
    audit("export_csv", None, count=len(rows), codes=codes)
    forms = current_app.extensions["forms"]
    wording = None if codes else CsvWording(gettext, {u.id: u.name for u in store().users()})
    name = "submissions-codes.csv" if codes else "submissions.csv"
    return Response(
        submissions_csv(rows, forms, wording),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- administration ----------------------------------------------------------------------------


@bp.route("/users", methods=["GET", "POST"])
@staff_required("admin")
def users():
    errors: list[dict[str, str]] = []
    typed: dict[str, Any] = {}
    if request.method == "POST":
        typed = {
            "email": request.form.get("email", "").strip(),
            "name": request.form.get("name", "").strip(),
            "roles": request.form.getlist("role"),
            "forms": request.form.getlist("forms"),
        }
        errors = _validate_user(typed)
        if not errors:
            # No password: they choose their own from an emailed single-use link.
            user = store().create_user(
                typed["email"], typed["name"], typed["roles"], typed["forms"], None
            )
            audit("user_created", typed["email"], roles=typed["roles"], user_id=user.id)
            tell(_invite_banner(user, sent=_send_invite(user)))
            return redirect(url_for("staff.users"))
    forms = _form_choices(g.staff)
    return render_template(
        "staff/users.html",
        journey=None,
        form=None,
        users=store().users(),
        invites=store().open_staff_invites(utcnow()),
        errors=errors,
        field_errors={e["href"][1:]: e["text"] for e in errors},
        typed=typed,
        roles=ROLES,
        forms=forms,
        form_titles=dict(forms),
    ), (422 if errors else 200)


def _validate_user(typed: dict[str, Any]) -> list[dict[str, str]]:
    """Each field's own GOV.UK error message, in the order of the fields on the page."""
    from forms_service.question_types.values import InvalidValue, parse_email

    errors = []
    if not typed["email"]:
        errors.append({"text": gettext("Enter their email address"), "href": "#email"})
    else:
        try:
            parse_email(typed["email"])
        except InvalidValue:
            errors.append(
                {
                    "text": gettext(
                        "Enter an email address in the correct format, like name@example.com"
                    ),
                    "href": "#email",
                }
            )
        else:
            if store().user_by_email(typed["email"]):
                errors.append(
                    {
                        "text": gettext("There is already a user with this email address"),
                        "href": "#email",
                    }
                )
    if not typed["name"]:
        errors.append({"text": gettext("Enter their full name"), "href": "#name"})
    elif len(typed["name"]) > 200:
        errors.append(
            {"text": gettext("Full name must be 200 characters or less"), "href": "#name"}
        )
    if not typed["roles"] or any(role not in ROLES for role in typed["roles"]):
        errors.append({"text": gettext("Select a role"), "href": "#role"})
    known = {form_id for form_id, _ in _form_choices(g.staff)}
    if any(form_id not in known for form_id in typed["forms"]):
        errors.append({"text": gettext("Select forms from the list"), "href": "#forms"})
    elif ADMIN not in typed["roles"] and CASEWORKER in typed["roles"] and not typed["forms"]:
        errors.append({"text": gettext("Select the forms a caseworker works on"), "href": "#forms"})
    return errors


def _send_invite(user: StaffUser) -> bool:
    """Email them a new single-use link to set their password (earlier links stop
    working). False if the email could not be sent: the admin is told to try again."""
    token = new_token()
    now = utcnow()
    expires = now + datetime.timedelta(hours=current_app.config["STAFF_INVITE_HOURS"])
    store().issue_staff_invite(user.id, hash_secret(token), now, expires)
    # From the configured address only: a forged Host header must not steer the link.
    link = current_app.config["SERVICE_URL"] + url_for("staff.set_password", token=token)
    context = {
        "name": user.name,
        "link": link,
        "until": app_datetime(expires),
        "admin": g.staff.name,
        "roles": app_roles(user.roles),
        "service": current_app.config["SERVICE_NAME"],
    }
    try:
        current_app.extensions["mailer"].send(
            Email(
                to=user.email,
                subject=gettext("Set your password for %(service)s casework", **context),
                text=render_template("emails/staff_invite.txt", **context),
                html=render_template("emails/staff_invite.html", **context),
            )
        )
    except MailError:
        log.exception("could not send a staff invite")
        return False
    audit("invite_sent", user.email, user_id=user.id)
    return True


def _invite_banner(user: StaffUser, sent: bool) -> str:
    hours = current_app.config["STAFF_INVITE_HOURS"]
    if not sent:
        return gettext(
            "%(name)s added, but we could not send their sign-in link. Try sending it again later.",
            name=user.name,
        )
    return gettext(
        "%(name)s added. We have sent a sign-in link to %(email)s. It works once, within "
        "%(hours)d hours.",
        name=user.name,
        email=user.email,
        hours=hours,
    )


@bp.post("/users/<int:user_id>/send-link")
@staff_required("admin")
def resend_invite(user_id: int):
    """A new sign-in link for someone who has not set their password yet (the last one
    expired, or never arrived); older links stop working."""
    user = store().user(user_id)
    if user is None or user.id == g.staff.id or not user.active or user.password_hash:
        abort(404)
    sent = _send_invite(user)
    hours = current_app.config["STAFF_INVITE_HOURS"]
    tell(
        gettext(
            "New sign-in link sent to %(email)s. It works once, within %(hours)d hours.",
            email=user.email,
            hours=hours,
        )
        if sent
        else gettext("We could not send the sign-in link. Try again later.")
    )
    return redirect(url_for("staff.users"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """The emailed link: a new member of staff chooses their password (once), then sets up
    two-factor sign-in if their role needs it, as any sign-in does."""
    if not store().hit(
        f"staff-invite:ip:{request.remote_addr}",
        current_app.config["STAFF_SIGN_INS_PER_IP"],
        datetime.timedelta(minutes=15),
    ):
        return render_template("resume/too_many.html"), 429
    status, user = store().staff_invite_status(hash_secret(token), utcnow())
    if status != "ok":
        return _invite_problem(status)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        password = request.form.get("password", "")
        confirm = request.form.get("confirm", "")
        if not password:
            errors.append({"text": gettext("Enter a password"), "href": "#password"})
        elif not long_enough(password):
            errors.append(
                {"text": gettext("Password must be 12 characters or more"), "href": "#password"}
            )
        elif password != confirm:
            errors.append({"text": gettext("Enter the same password as above"), "href": "#confirm"})
        if not errors:
            status, user = store().use_staff_invite(
                hash_secret(token), hash_password(password), utcnow()
            )
            if status != "ok":
                return _invite_problem(status)
            store().audit(staff_actor(user), "password_set", user.email, request.remote_addr)
            tell(gettext("Your password is set"))
            return password_accepted(user, "")
    return render_template(
        "staff/set_password.html",
        journey=None,
        form=None,
        person=user,
        errors=errors,
        field_errors={e["href"][1:]: e["text"] for e in errors},
        min_length=MIN_LENGTH,
    ), (422 if errors else 200)


def _invite_problem(status: str):
    return render_template("staff/invite_problem.html", journey=None, form=None, status=status), (
        404 if status == "unknown" else 410
    )


def _on_another_user(user_id: int, change: Callable[[], None], kind: str, said: str):
    """An admin's action on someone else's account: done, audited, said in the banner
    (`said` names them with %(name)s), then back to the list of users."""
    user = store().user(user_id)
    if user is None or user.id == g.staff.id:
        abort(404)
    change()
    audit(kind, user.email, user_id=user_id)
    tell(said % {"name": user.name})
    return redirect(url_for("staff.users"))


@bp.post("/users/<int:user_id>/deactivate")
@staff_required("admin")
def deactivate_user(user_id: int):
    return _on_another_user(
        user_id,
        lambda: store().update_user(user_id, active=False),
        "user_deactivated",
        gettext("%(name)s’s account is deactivated: they cannot sign in"),
    )


@bp.post("/users/<int:user_id>/reactivate")
@staff_required("admin")
def reactivate_user(user_id: int):
    """Someone back (from leave, a move): their account works again, as it was."""
    return _on_another_user(
        user_id,
        lambda: store().update_user(user_id, active=True),
        "user_reactivated",
        gettext("%(name)s’s account is active again: they can sign in"),
    )


@bp.post("/users/<int:user_id>/reset-two-factor")
@staff_required("admin")
def reset_two_factor(user_id: int):
    """For someone who lost their authenticator and recovery codes: they set it up again."""
    return _on_another_user(
        user_id,
        lambda: store().reset_two_factor(user_id),
        "two_factor_reset",
        gettext(
            "Two-factor sign-in reset for %(name)s: they will set up their authenticator app "
            "again when they next sign in"
        ),
    )


@bp.get("/audit")
@staff_required("admin")
def audit_log():
    """The audit log, newest first, in sentences; filtered by who, what, when and record."""
    from forms_service.audit_log import KINDS, Wording, describe, who

    args = request.args
    people = sorted(store().users(), key=lambda u: (u.name or u.email).lower())
    wording = Wording(gettext, ngettext, {u.id: u.name or u.email for u in people})
    chosen = {
        "who": args.get("who", ""),
        "what": args.get("what", ""),
        "reference": args.get("reference", "").strip()[:200],
    }
    errors: list[dict[str, str]] = []
    start = _audit_date("from", gettext("Date from"), errors)
    end = _audit_date("to", gettext("Date to"), errors)
    if start and end and end < start:
        errors.append(
            {"text": gettext("Date to must be the same as or after date from"), "href": "#to-day"}
        )
        end = None
    page = max(1, args.get("page", 1, type=int))
    events, total = store().audit_events(
        offset=(page - 1) * AUDIT_PER_PAGE,
        limit=AUDIT_PER_PAGE,
        staff_id=int(chosen["who"]) if chosen["who"].isdigit() else None,
        action=chosen["what"] if chosen["what"] in KINDS else None,
        since=_audit_day_start(start),
        before=_audit_day_start(end + datetime.timedelta(days=1)) if end else None,
        target=chosen["reference"].upper() or None,
    )
    pages = max(1, math.ceil(total / AUDIT_PER_PAGE))
    others = [(k, v) for k, v in args.items(multi=True) if k != "page"]
    return render_template(
        "staff/audit.html",
        journey=None,
        form=None,
        rows=[
            {
                "at": event.at,
                "who": who(event.actor, wording),
                "what": describe(event.action, event.target, event.detail or {}, wording),
                "ip": event.ip,
            }
            for event in events
        ],
        total=total,
        page=page,
        pages=pages,
        page_url=lambda n: url_for("staff.audit_log") + "?" + urlencode([*others, ("page", n)]),
        errors=errors,
        chosen=chosen,
        people=people,
        kinds={key: gettext(label) for key, label in KINDS.items()},
        date_parts={
            name: {part: args.get(f"{name}-{part}", "") for part in ("day", "month", "year")}
            for name in ("from", "to")
        },
        date_errors={e["href"].split("-")[0].lstrip("#"): e for e in errors},
    )


def _audit_date(name: str, label: str, errors: list[dict[str, str]]) -> datetime.date | None:
    """A date from a GOV.UK date input (`name`-day, -month, -year); None when left blank.
    A date that cannot be read adds a GOV.UK style error and filters nothing."""
    from forms_service.question_types.values import InvalidValue, parse_date

    parts = [request.args.get(f"{name}-{part}", "") for part in ("day", "month", "year")]
    try:
        return parse_date(*parts)
    except InvalidValue as problem:
        if problem.kind == "required":
            return None
        first = problem.parts[0] if problem.parts else "day"
        if problem.kind.startswith("missing_"):
            text = missing_parts_message(problem.kind, label)
        elif problem.kind == "year_not_4_digits":
            text = gettext("The year of %(label)s must include 4 numbers") % {
                "label": label.lower()
            }
        else:
            text = gettext("%(label)s must be a real date") % {"label": label}
        errors.append({"text": text, "href": f"#{name}-{first}", "parts": problem.parts})
        return None


def _audit_day_start(day: datetime.date | None) -> datetime.datetime | None:
    """The start of a day in UK time, as the audit log's UTC times compare with it."""
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(), LONDON).astimezone(datetime.UTC)

"""The citizen's journey: start page, question pages, repeats, task list, check your answers,
confirmation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
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
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from forms_service.definitions.model import Form, Page
from forms_service.journey import (
    CANNOT_START,
    COMPLETE,
    Journey,
    Step,
    SummaryItem,
    SummaryRow,
    migrate,
    typed_on,
    with_answers,
    with_repeat_done,
    with_typed,
    without_item,
)
from forms_service.question_types import question_type
from forms_service.store import Store, new_reference
from forms_service.views.question_fields import page_form, render_field, render_markdown_text
from forms_service.working_days import add_working_days

bp = Blueprint("citizen", __name__)
LONDON = ZoneInfo("Europe/London")
DEFAULT_RETENTION_DAYS = 28


def today() -> datetime.date:
    fixed = current_app.config.get("FIXED_TODAY")
    return fixed or datetime.datetime.now(LONDON).date()


def store() -> Store:
    return current_app.extensions["store"]


def get_form(form_id: str) -> Form:
    form = current_app.extensions["forms"].get(form_id)
    if form is None:
        abort(404)
    return form


def load_journey(form: Form) -> tuple[Journey, int | None]:
    """The citizen's journey through this form, from the draft saved for their session.

    A draft started on another version of the form is fitted to this one first.
    """
    draft = None
    if session.token is not None:
        draft = store().find_draft(session.key, form.id)
    saved = dict(draft.answers or {}) if draft else {}
    if draft is not None and draft.form_version != form.version:
        migrated = migrate(form, saved, today())
        draft = store().update_draft(
            session.key,
            form.id,
            form.version,
            draft.language,
            lambda _old: migrated,
            retention_days=retention(form),
        )
        saved = dict(draft.answers)
        session["form_changed"] = form.id
    journey = make_journey(form, saved)
    return journey, draft.id if draft else None


def retention(form: Form) -> int:
    return form.retention_days or DEFAULT_RETENTION_DAYS


def make_journey(form: Form, saved: dict[str, Any]) -> Journey:
    journey = Journey(form, saved, today=today(), language=session.get("language"), gettext=gettext)
    g.language = journey.language
    return journey


def save(form: Form, journey: Journey, change: Callable[[dict], dict]) -> Journey:
    """Apply a change to the draft in one transaction and return the journey after it."""
    draft = store().update_draft(
        session.key, form.id, form.version, journey.language, change, retention_days=retention(form)
    )
    return make_journey(form, draft.answers)


def step_url(form: Form, step: Step | None, change: bool = False, **args: str) -> str:
    if step is None:
        return url_for("citizen.check_answers", form_id=form.id)
    return f"/{form.id}/{step.path}" + (f"?change=1{_query(args)}" if change else _query(args, "?"))


def _query(args: dict[str, str], first: str = "&") -> str:
    return (first + "&".join(f"{k}={v}" for k, v in args.items())) if args else ""


def where_next(form: Form, journey: Journey) -> str:
    """Where a citizen with nothing else to do on this page should go."""
    if journey.next_step is not None:
        return step_url(form, journey.next_step)
    if form.navigation == "task_list" and not journey.is_complete:
        return url_for("citizen.task_list", form_id=form.id)
    return url_for("citizen.check_answers", form_id=form.id)


def after_saving(form: Form, journey: Journey, step: Step, change: bool) -> str:
    if change:
        if journey.is_complete:
            return url_for("citizen.check_answers", form_id=form.id)
        target = journey.after(step) if form.navigation == "task_list" else journey.next_step
        return step_url(form, target, change=True) if target else where_next(form, journey)
    target = journey.after(step)
    return step_url(form, target) if target is not None else where_next(form, journey)


@bp.get("/")
def index():
    forms = sorted(current_app.extensions["forms"].values(), key=lambda f: f.title.pick("en"))
    problems = []
    if current_app.config["ENV_NAME"] != "production":
        problems = current_app.extensions["definition_problems"]
    return render_template("index.html", forms=forms, problems=problems)


@bp.get("/<form_id>/")
def start(form_id: str):
    form = get_form(form_id)
    journey, _ = load_journey(form)
    if form.start is None:
        return redirect(where_next(form, journey) if journey.route else step_url(form, None))
    first = journey.route[0] if journey.route else None
    return render_template(
        "journey/start.html",
        form=form,
        journey=journey,
        body=render_markdown_text(journey, form.start),
        first=step_url(form, first) if first else where_next(form, journey),
    )


@bp.route("/<form_id>/<page_id>", methods=["GET", "POST"])
def question_page(form_id: str, page_id: str):
    return _step(get_form(form_id), page_id)


@bp.route("/<form_id>/<repeat_id>/<int:number>/<page_id>", methods=["GET", "POST"])
def item_page(form_id: str, repeat_id: str, number: int, page_id: str):
    return _step(get_form(form_id), f"{repeat_id}/{number}/{page_id}")


def _step(form: Form, path: str):
    if form.page(path.split("/")[-1]) is None:
        abort(404)
    journey, _ = load_journey(form)
    step = journey.find(path)
    if step is None:
        # Not reachable with these answers (yet): go to where the citizen should be.
        return redirect(where_next(form, journey))
    if step.summary:
        return _repeat_summary(form, journey, step)
    change = request.args.get("change") == "1"
    scope = journey.scope_for(step)
    typed = typed_on(journey.saved, step)
    formdata = request.form if request.method == "POST" else (MultiDict(typed) if typed else None)
    page_form_ = page_form(step.page, scope, _stored(journey, step), formdata)
    if request.method == "POST" and request.form.get("action") == "save" and form.save_and_return:
        return _save_for_later(form, journey, step, page_form_)
    if request.method == "POST" and not step.page.is_exit:
        if page_form_.validate() and not _breaks_repeat_rules(form, journey, step, page_form_):
            answers = page_form_.answers()
            after = save(form, journey, lambda saved: with_answers(saved, step, answers))
            return redirect(after_saving(form, after, step, change))
        return render_page(form, step, journey, page_form_, change), 422
    if request.args.get("recheck") == "1":
        # Sent back from check your answers: a saved answer no longer passes (a date bound
        # moved with today). Show why, with what was saved.
        page_form_.validate()
    return render_page(form, step, journey, page_form_, change)


def _save_for_later(form: Form, journey: Journey, step: Step, page_form_: Any):
    """Save the page as it is: its answers if they pass, otherwise exactly what was typed."""
    if page_form_.validate() and not _breaks_repeat_rules(form, journey, step, page_form_):
        answers = page_form_.answers()
        save(form, journey, lambda saved: with_answers(saved, step, answers))
    else:
        names = {
            f.input_name(part)
            for f in page_form_.question_fields()
            for part in f.qtype.input_parts(f.question)
        }
        typed = {k: v for k, v in request.form.lists() if k in names}
        save(form, journey, lambda saved: with_typed(saved, step, typed))
    return redirect(url_for("resume.save_progress", form_id=form.id))


def _stored(journey: Journey, step: Step) -> dict[str, Any] | None:
    if step.repeat is None:
        return journey.saved.get(step.page.id)
    items = journey.saved.get(step.repeat.id, {}).get("items", [])
    if step.item < len(items):
        return items[step.item]["pages"].get(step.page.id)
    return None


def _breaks_repeat_rules(form: Form, journey: Journey, step: Step, page_form_: Any) -> bool:
    """Refuse an item whose answers break a rule of its repeat that held without them (the
    4th adult visitor), with the rule's message on the page."""
    if step.repeat is None or not step.repeat.rules:
        return False
    after = Journey(
        form,
        with_answers(journey.saved, step, page_form_.answers()),
        today=journey.today,
        language=journey.language,
    )
    broken = [rule for rule in step.repeat.rules if journey.check(rule) and not after.check(rule)]
    if not broken:
        return False
    fields = page_form_.question_fields()
    for rule in broken:
        field = page_form_[rule.question] if rule.question in page_form_ else fields[0]
        field.errors = [journey.text(rule.message)]
    return True


def render_page(form: Form, step: Step, journey: Journey, page_form_: Any, change: bool) -> str:
    page = step.page
    scope = journey.scope_for(step)
    previous = journey.previous(step)
    if change:
        back = url_for("citizen.check_answers", form_id=form.id)
    elif previous is not None:
        back = step_url(form, previous)
    elif form.navigation == "task_list" and step.section is not None:
        back = url_for("citizen.task_list", form_id=form.id)
    else:
        back = url_for("citizen.start", form_id=form.id) if form.start else None
    heading_question = page.heading_question
    fields = [
        render_markdown_text(scope, q.body)
        if not question_type(q).takes_answer
        else render_field(page_form_[q.id], page_form_, heading=q is heading_question)
        for q in page.questions
    ]
    section = form.section(step.section)
    caption = scope.text(section.title) if section else None
    if step.repeat is not None:
        caption = gettext(
            "%(item)s %(number)d",
            item=_capital(journey.pick(step.repeat.item_name)),
            number=step.item + 1,
        )
    return render_template(
        "journey/page.html",
        form=form,
        page=page,
        journey=scope,
        page_form=page_form_,
        fields=fields,
        errors=page_form_.error_list(),
        back=back,
        change=change,
        caption=caption,
        heading=None
        if heading_question
        else scope.text(page.title or (page.answerable[0].label if page.answerable else None)),
        body=render_markdown_text(scope, page.body) if page.body else None,
        label_hidden=heading_question is None and page.title is None,
        form_changed=session.pop("form_changed", None) == form.id,
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- repeats ---------------------------------------------------------------------------------


def _repeat_summary(form: Form, journey: Journey, step: Step):
    """The add-another page: the items so far, and "Do you need to add another ...?"."""
    repeat = step.page
    count = journey.item_count(repeat)
    full = repeat.max_items is not None and count >= repeat.max_items
    errors: list[str] = []
    if request.method == "GET" and journey.saved.get(repeat.id, {}).get("done"):
        # Finished before, but a later change broke a rule or the minimum: say so now.
        errors = journey.repeat_problems(repeat)
    if request.method == "POST":
        answer = "no" if full else request.form.get("add_another")
        change = request.args.get("change") == "1"
        if answer == "yes":
            return redirect(step_url(form, journey.new_item_step(repeat), change=change))
        if answer == "no":
            done = Journey(
                form,
                with_repeat_done(journey.saved, repeat, True),
                today=journey.today,
                language=journey.language,
                gettext=gettext,
            )
            errors = done.repeat_problems(repeat)
            if not errors:
                after = save(form, journey, lambda saved: with_repeat_done(saved, repeat, True))
                return redirect(after_saving(form, after, step, change))
        else:
            errors = [
                gettext(
                    "Select yes if you need to add another %(item)s",
                    item=journey.pick(repeat.item_name),
                )
            ]
    item_name = journey.pick(repeat.item_name)
    items = [
        {
            "number": i + 1,
            "label": journey.item_label(repeat, i),
            "change": step_url(
                form,
                _first_step_of_item(journey, repeat, i),
                change=request.args.get("change") == "1",
            ),
            "remove": url_for(
                "citizen.remove_item",
                form_id=form.id,
                repeat_id=repeat.id,
                number=i + 1,
                change="1" if request.args.get("change") == "1" else None,
            ),
        }
        for i in range(count)
    ]
    previous = journey.previous(step)
    return render_template(
        "journey/repeat.html",
        form=form,
        journey=journey,
        repeat=repeat,
        items=items,
        item_name=item_name,
        full=full,
        errors=errors,
        error_list=[
            {"text": e, "href": "#main-content" if full else "#add_another"} for e in errors
        ],
        heading=journey.text(repeat.title)
        if repeat.title
        else gettext("Add %(item)s details", item=item_name),
        body=render_markdown_text(journey, repeat.body) if repeat.body else None,
        back=step_url(form, previous) if previous else None,
    ), (422 if errors else 200)


def _first_step_of_item(journey: Journey, repeat: Page, index: int) -> Step:
    for step in journey.route:
        if step.repeat is repeat and step.item == index and not step.summary:
            return step
    return Step(repeat.pages[0], repeat, index)


@bp.route("/<form_id>/<repeat_id>/<int:number>/remove", methods=["GET", "POST"])
def remove_item(form_id: str, repeat_id: str, number: int):
    form = get_form(form_id)
    repeat = form.page(repeat_id)
    journey, _ = load_journey(form)
    if repeat is None or not repeat.is_repeat or not 1 <= number <= journey.item_count(repeat):
        abort(404)
    summary = step_url(form, Step(repeat, summary=True), change=request.args.get("change") == "1")
    error = None
    if request.method == "POST":
        answer = request.form.get("remove")
        if answer == "yes":
            save(
                form,
                journey,
                lambda saved: without_item(saved, repeat, number - 1, form, journey.today),
            )
            return redirect(summary)
        if answer == "no":
            return redirect(summary)
        error = gettext(
            "Select yes if you want to remove this %(item)s", item=journey.pick(repeat.item_name)
        )
    item_name = journey.pick(repeat.item_name)
    return render_template(
        "journey/remove.html",
        form=form,
        journey=journey,
        error=error,
        back=summary,
        heading=gettext(
            "Are you sure you want to remove %(item)s %(number)d?", item=item_name, number=number
        ),
        label=journey.item_label(repeat, number - 1),
    ), (422 if error else 200)


# -- task list, check your answers, submission -----------------------------------------------


@bp.get("/<form_id>/tasks")
def task_list(form_id: str):
    form = get_form(form_id)
    journey, _ = load_journey(form)
    if form.navigation != "task_list":
        abort(404)
    if not journey.preamble_done or journey.next_step is not None:
        return redirect(where_next(form, journey))
    items = []
    for task in journey.tasks:
        first = task.steps[0] if task.steps else task.next_step
        target = task.next_step if task.next_step is not None else first
        items.append(
            {
                "title": {"text": journey.text(task.title)},
                "href": step_url(form, target) if task.status != CANNOT_START else None,
                "status": _task_status(task.status),
            }
        )
    done = sum(task.next_step is None for task in journey.tasks)
    return render_template(
        "journey/tasks.html",
        form=form,
        journey=journey,
        items=items,
        done=done,
        total=len(journey.tasks),
        complete=journey.outcome == COMPLETE,
    )


def _task_status(status: str) -> dict[str, Any]:
    if status == "completed":
        return {"text": gettext("Completed")}
    if status == CANNOT_START:
        return {
            "text": gettext("Cannot start yet"),
            "classes": "govuk-task-list__status--cannot-start-yet",
        }
    text = gettext("In progress") if status == "in_progress" else gettext("Not yet started")
    colour = "govuk-tag--light-blue" if status == "in_progress" else "govuk-tag--blue"
    return {"tag": {"text": text, "classes": colour}}


@bp.route("/<form_id>/check-your-answers", methods=["GET", "POST"])
def check_answers(form_id: str):
    form = get_form(form_id)
    journey, draft_id = load_journey(form)
    if draft_id is None and request.method == "POST":
        done = session.get("submitted", {}).get(form.id)
        if done:  # a second click on Submit after the first one went through
            return redirect(url_for("citizen.confirmation", form_id=form.id))
    if draft_id is None:
        return redirect(url_for("citizen.start", form_id=form.id))
    if not journey.is_complete:
        return redirect(where_next(form, journey))
    error = None
    if request.method == "POST":
        stale = journey.invalid_steps()
        if stale:
            return redirect(step_url(form, stale[0][0], change=True, recheck="1"))
        if form.declaration is None or request.form.get("declaration") == "yes":
            return _submit(form, journey, draft_id)
        error = gettext("Confirm that you have read and agree with the declaration")
    if form.navigation == "task_list":
        back = url_for("citizen.task_list", form_id=form.id)
    else:
        back = step_url(form, journey.route[-1]) if journey.route else None
    return render_template(
        "journey/check.html",
        form=form,
        journey=journey,
        sections=summary_lists(form, journey),
        back=back,
        error=error,
        declaration=render_markdown_text(journey, form.declaration.body)
        if form.declaration
        else None,
    ), (422 if error else 200)


def summary_lists(form: Form, journey: Journey) -> list[dict[str, Any]]:
    """Check your answers as GOV.UK summary lists: one per section, one per repeat item."""
    sections = []
    for section in journey.summary():
        lists: list[dict[str, Any]] = [{"heading": None, "rows": []}]
        seen_repeats: set[str] = set()
        for entry in section.rows:
            if isinstance(entry, SummaryRow):
                lists[-1]["rows"].append(_row(form, journey, entry))
                continue
            repeat = entry.page if isinstance(entry, Step) else entry.repeat
            if repeat.id not in seen_repeats:
                seen_repeats.add(repeat.id)
                lists[-1]["rows"].append(_repeat_row(form, journey, repeat))
            if isinstance(entry, SummaryItem):
                heading = gettext(
                    "%(item)s %(number)d",
                    number=entry.index + 1,
                    item=_capital(journey.pick(repeat.item_name)),
                )
                rows = [_row(form, journey, row) for row in entry.rows]
                lists.append({"heading": heading, "rows": rows})
                lists.append({"heading": None, "rows": []})
        title = journey.text(section.title) if section.title else None
        sections.append({"title": title, "lists": [x for x in lists if x["rows"]]})
    return sections


def _row(form: Form, journey: Journey, row: SummaryRow) -> dict[str, Any]:
    label = journey.scope_for(row.step).text(row.question.label)
    value = Markup("<br>").join(row.lines) if row.lines else gettext("Not answered")
    first_part = question_type(row.question).input_parts(row.question)[:1]
    anchor = (
        f"{row.question.id}-{first_part[0]}" if first_part and first_part[0] else row.question.id
    )
    href = step_url(form, row.step, change=True) + f"#{anchor}"
    return {
        "key": {"text": label},
        "value": {"html": value} if row.lines else {"text": value},
        "actions": {
            "items": [{"href": href, "text": gettext("Change"), "visuallyHiddenText": label}]
        },
    }


def _repeat_row(form: Form, journey: Journey, repeat: Page) -> dict[str, Any]:
    label = journey.text(repeat.title) if repeat.title else _capital(journey.pick(repeat.item_name))
    count = journey.item_count(repeat)
    value = ngettext("%(num)d added", "%(num)d added", count) if count else gettext("None added")
    href = step_url(form, Step(repeat, summary=True), change=True)
    return {
        "key": {"text": label},
        "value": {"text": value},
        "actions": {
            "items": [{"href": href, "text": gettext("Change"), "visuallyHiddenText": label}]
        },
    }


def applicant_name(form: Form, journey: Journey) -> str:
    """The applicant's name for caseworkers: the form's applicant_name, else its first name."""
    if form.applicant_name is not None:
        return " ".join(journey.text(form.applicant_name).split())
    for page, _ in form.every_page():
        for question in page.answerable:
            if question_type(question).names_a_person and question.id in journey.answers:
                return " ".join(journey.display(question))
    return ""


def _submit(form: Form, journey: Journey, draft_id: int):
    prefix = form.reference_prefix or "".join(w[0] for w in form.id.split("-"))[:4].upper()
    if len(prefix) < 2:
        prefix = "REF"

    sla = form.sla_working_days

    def build(draft: Any) -> dict[str, Any]:
        return {
            "applicant_name": applicant_name(form, journey)[:200] or None,
            "due_on": add_working_days(today(), sla) if sla else None,
            "form_id": form.id,
            "form_version": form.version,
            "definition": form.snapshot,
            "answers": journey.answers,
            "language": journey.language,
            "channel": "online",
        }

    submission = store().submit(draft_id, make_reference=lambda: new_reference(prefix), build=build)
    session["submitted"] = {**session.get("submitted", {}), form.id: submission.reference}
    return redirect(url_for("citizen.confirmation", form_id=form.id))


@bp.get("/<form_id>/confirmation")
def confirmation(form_id: str):
    form = get_form(form_id)
    reference = session.get("submitted", {}).get(form.id)
    if not reference:
        return redirect(url_for("citizen.start", form_id=form.id))
    submission = store().get_submission(reference)
    saved_answers = submission.answers if submission else {}
    journey = make_journey(form, {})
    journey.answers, journey.values = saved_answers, {}
    confirmation_ = form.confirmation
    title = journey.text(confirmation_.title, reference=reference) if confirmation_ else None
    body = None
    if confirmation_ and confirmation_.body:
        body = render_markdown_text(journey, confirmation_.body, reference=reference)
    return render_template(
        "journey/confirmation.html",
        form=form,
        journey=journey,
        reference=reference,
        title=title,
        body=body,
    )

"""A form's pages: start page, question pages, repeats, task list, check your answers,
confirmation. The runner (forms_service.journey) decides where to go; these views parse the
request, ask it, and render or redirect. The same pages serve a citizen (views/citizen.py)
and a member of staff filling a form in for one (views/assisted.py); see session_drafts.py
for what differs between them."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import (
    Blueprint,
    abort,
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

from forms_service.assisted import PAPER, channel_of
from forms_service.clock import as_utc, utcnow
from forms_service.data import Submission, new_reference
from forms_service.definitions.model import Form
from forms_service.delivery import ask_for_confirmation_email, confirmation_sent_to
from forms_service.jobs.submission import jobs_at_submission
from forms_service.journey import (
    CANNOT_START,
    CHECK_ANSWERS,
    COMPLETE,
    CONFIRMATION,
    START,
    AnswerReader,
    AnswerRow,
    ItemBlock,
    Place,
    RepeatRow,
    Runner,
    Step,
    typed_on,
    with_answers,
    with_repeat_done,
    with_typed,
    without_item,
)
from forms_service.journey.duration import estimated_minutes
from forms_service.journey.reader import capital
from forms_service.performance.events import (
    CHECK_ANSWERS_PAGE,
    EXIT_REACHED,
    PAGE_SAVED,
    PAGE_SHOWN,
    SAVED,
    SUBMITTED,
    VALIDATION_ERROR,
)
from forms_service.question_types import question_type
from forms_service.views.common import get_form, store, today
from forms_service.views.performance_events import forget_journey, note
from forms_service.views.question_fields import page_form, render_field, render_markdown_text
from forms_service.views.resume_links import LIMITED, posted_email
from forms_service.views.service_info import contact_details, duration_words
from forms_service.views.session_drafts import (
    DraftTooLarge,
    assisted,
    author_preview,
    load_runner,
    pages_blueprint,
    save,
    switch_language,
    take_resumed,
    tell_author,
    url_for_place,
)
from forms_service.views.shown_errors import (
    ERRORS_SHOWN,
    SWITCH,
    carried_input,
    carry_typed_input,
    errors_to_show,
    show_errors_again,
)
from forms_service.views.staff_access import audit, staff_actor
from forms_service.working_days import add_working_days


def go(form: Form, place: Place):
    return redirect(url_for_place(form, place))


def _url(form: Form, place: Place | None) -> str | None:
    return url_for_place(form, place) if place is not None else None


def start(form_id: str):
    form = get_form(form_id)
    runner, _ = load_runner(form)
    if assisted() is not None:
        return go(form, runner.landing())  # staff know the service: straight to the questions
    if form.start is None:
        return go(form, runner.start())
    journey = runner.journey
    if form.time_to_complete is not None:
        takes = gettext("It takes %(time)s.", time=journey.text(form.time_to_complete))
    else:
        takes = gettext("It takes around %(time)s.", time=duration_words(estimated_minutes(form)))
    return render_template(
        "journey/start.html",
        body=render_markdown_text(journey, form.start),
        first=url_for_place(form, runner.start()),
        organisation=journey.text(form.organisation) if form.organisation else None,
        takes=takes,
        contact=contact_details(form, journey.language),
    )


def question_page(form_id: str, page_id: str):
    return _step(get_form(form_id), page_id)


def item_page(form_id: str, repeat_id: str, number: int, page_id: str):
    return _step(get_form(form_id), f"{repeat_id}/{number}/{page_id}")


def _step(form: Form, path: str):
    if form.page(path.split("/")[-1]) is None:
        abort(404)
    runner, _ = load_runner(form)
    step = runner.open(path)
    if isinstance(step, Place):
        return go(form, step)  # not reachable with these answers (yet)
    if step.add_another:
        return _add_another(form, runner, step)
    change = request.args.get("change") == "1"
    journey = runner.journey
    if request.method == "POST" and request.form.get(SWITCH) in form.languages:
        # The language switcher sent the page's form (app.js): nothing is saved; what was
        # typed comes back on the same page in the other language (checked again only if
        # the page was showing errors).
        switch_language(form, request.form[SWITCH])
        return show_errors_again() if request.form.get(ERRORS_SHOWN) else carry_typed_input()
    shown = errors_to_show() if request.method == "GET" else None
    carried = carried_input() if request.method == "GET" and shown is None else None
    typed = typed_on(journey.saved, step)
    if request.method == "POST":
        formdata = request.form
    elif shown is not None:
        formdata = shown  # back from a POST with errors: what was typed, to show them again
    elif carried is not None:
        formdata = carried  # typed before the language changed: not checked yet
    else:
        formdata = MultiDict(typed) if typed else None
    page_form_ = page_form(step.page, journey.scope_for(step), _stored(runner, step), formdata)
    saving = form.save_and_return or assisted() is not None  # "End and save" for staff
    if request.method == "POST" and request.form.get("action") == "save" and saving:
        return _save_for_later(form, runner, step, page_form_)
    if request.method == "POST" and not step.page.is_exit:
        if page_form_.validate() and not _breaks_repeat_rules(runner, step, page_form_):
            answers = page_form_.answers()
            try:
                after = save(form, runner, lambda saved: with_answers(saved, step, answers))
            except DraftTooLarge:
                page_form_.refuse_all(_too_large_message())
                return render_page(form, step, runner, page_form_, change), 422
            note(PAGE_SAVED, page=step.page.id)
            return go(form, after.after_saving(step, change))
        for question, kind in page_form_.problems():
            note(VALIDATION_ERROR, page=step.page.id, question=question, detail=kind)
        if page_form_.too_large():
            # Too long to keep even for a moment: this answer is the only copy (422).
            return render_page(form, step, runner, page_form_, change), 422
        return show_errors_again()
    if shown is not None:
        page_form_.validate()
        _breaks_repeat_rules(runner, step, page_form_)
    elif request.args.get("recheck") == "1":
        # Sent back from check your answers: a saved answer no longer passes (a date bound
        # moved with today). Show why, with what was saved.
        page_form_.validate()
    note(PAGE_SHOWN, page=step.page.id)
    if step.page.is_exit:
        note(EXIT_REACHED, page=step.page.id)
    return render_page(form, step, runner, page_form_, change)


def _save_for_later(form: Form, runner: Runner, step: Step, page_form_: Any):
    """Save the page as it is: its answers if they pass, otherwise exactly what was typed
    (unless something typed is too long to keep: then the page says so, nothing is cut)."""
    try:
        if page_form_.validate() and not _breaks_repeat_rules(runner, step, page_form_):
            answers = page_form_.answers()
            save(form, runner, lambda saved: with_answers(saved, step, answers))
        elif page_form_.too_large():
            return render_page(form, step, runner, page_form_, False), 422
        else:
            typed = page_form_.typed()
            save(form, runner, lambda saved: with_typed(saved, step, typed))
    except DraftTooLarge:
        page_form_.refuse_all(_too_large_message())
        return render_page(form, step, runner, page_form_, False), 422
    note(SAVED, page=step.page.id)
    if assisted() is not None:
        return redirect(url_for("assisted.end_and_save"))
    if author_preview() is not None:  # no email in a preview: the answers stay here
        tell_author(
            gettext(
                "Your answers are kept while you are signed in. A citizen would be asked "
                "for their email address here, to get a link back to their answers."
            )
        )
        return go(form, runner.landing())
    return redirect(url_for("resume.save_progress", form_id=form.id))


def _too_large_message() -> str:
    return gettext(
        "Your answers are too long to save. Shorten your answers on this page or earlier ones"
    )


def _stored(runner: Runner, step: Step) -> dict[str, Any] | None:
    saved = runner.journey.saved
    if step.repeat is None:
        return saved.get(step.page.id)
    items = saved.get(step.repeat.id, {}).get("items", [])
    if step.item < len(items):
        return items[step.item]["pages"].get(step.page.id)
    return None


def _breaks_repeat_rules(runner: Runner, step: Step, page_form_: Any) -> bool:
    """Refuse an item whose answers break a rule of its repeat that held without them (the
    4th adult visitor), with the rule's message on the page."""
    broken = runner.rules_broken_by(step, page_form_.answers())
    fields = page_form_.question_fields()
    for rule in broken:
        field = page_form_[rule.question] if rule.question in page_form_ else fields[0]
        field.errors = [runner.journey.rule_message(rule)]
    return bool(broken)


def render_page(form: Form, step: Step, runner: Runner, page_form_: Any, change: bool) -> str:
    page = step.page
    scope = runner.journey.scope_for(step)
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
            item=capital(scope.item_name(step.repeat)),
            number=step.item + 1,
        )
    return render_template(
        "journey/page.html",
        page=page,
        journey=scope,
        page_form=page_form_,
        fields=fields,
        errors=page_form_.error_list(),
        back=_url(form, runner.back(step, change)),
        change=change,
        caption=caption,
        heading=None if heading_question else _heading(page, scope),
        body=render_markdown_text(scope, page.body) if page.body else None,
        label_hidden=heading_question is None and page.title is None,
        form_changed=session.pop("form_changed", None) == form.id,
        resumed=take_resumed(form),
        change_answer=_change_answer(form, runner, step),
    )


def _change_answer(form: Form, runner: Runner, step: Step) -> dict[str, str] | None:
    """On an exit page, the link back to the question whose answer led there ("Change
    prison name"), landing on the question itself."""
    cause = runner.exit_cause(step)
    if cause is None:
        return None
    asked_on, question = cause
    label = runner.journey.scope_for(asked_on).text(question.label)
    return {
        "href": url_for_place(form, Place.at(asked_on)) + f"#{_anchor(question)}",
        "text": gettext("Change %(question)s", question=_lower(label)),
    }


def _anchor(question: Any) -> str:
    """The id of a question's first input, where a link to the question lands."""
    first_part = question_type(question).input_parts(question)[:1]
    return f"{question.id}-{first_part[0]}" if first_part and first_part[0] else question.id


# -- repeats ---------------------------------------------------------------------------------


def _add_another(form: Form, runner: Runner, step: Step):
    """The add-another page: the items so far, and "Do you need to add another ...?"."""
    journey = runner.journey
    repeat = step.page
    change = request.args.get("change") == "1"
    count = journey.item_count(repeat)
    full = repeat.max_items is not None and count >= repeat.max_items
    item_name = journey.item_name(repeat)
    errors: list[str] = []
    shown = errors_to_show() if request.method == "GET" else None
    if shown is not None:
        errors = _add_another_errors(runner, repeat, "no" if full else shown.get("add_another"))
    elif request.method == "GET" and journey.saved.get(repeat.id, {}).get("done"):
        # Finished before, but a later change broke a rule or the minimum: say so now.
        errors = journey.repeat_problems(repeat)
    if request.method == "POST":
        answer = "no" if full else request.form.get("add_another")
        if answer == "yes":
            return go(form, runner.new_item(repeat, change))
        if not _add_another_errors(runner, repeat, answer):
            after = save(form, runner, lambda saved: with_repeat_done(saved, repeat, True))
            note(PAGE_SAVED, page=repeat.id)
            return go(form, after.after_saving(step, change))
        kind = "rule" if answer == "no" else "required"  # too few items, or no answer
        note(VALIDATION_ERROR, page=repeat.id, question="add_another", detail=kind)
        return show_errors_again()
    items = [
        {
            "number": i + 1,
            "label": journey.item_label(repeat, i),
            "change": url_for_place(form, runner.change_item(repeat, i, change)),
            "remove": url_for(
                f"{pages_blueprint()}.remove_item",
                form_id=form.id,
                repeat_id=repeat.id,
                number=i + 1,
                change="1" if change else None,
            ),
        }
        for i in range(count)
    ]
    note(PAGE_SHOWN, page=repeat.id)  # the repeat's id, as the journey map names this page
    return render_template(
        "journey/repeat.html",
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
        back=_url(form, runner.add_another_back(step)),
        resumed=take_resumed(form),
    )


def _heading(page: Any, scope: Any) -> str:
    """A page's heading: its title; an exit page without one says what exit pages mean."""
    if page.title is None and page.is_exit:
        return gettext("You cannot use this service")
    return scope.text(page.title or (page.answerable[0].label if page.answerable else None))


def _add_another_errors(runner: Runner, repeat: Any, answer: str | None) -> list[str]:
    """Why the add-another answer cannot be taken: no answer, or "no" while the items
    break a rule of the repeat (too few, too many adults)."""
    if answer == "no":
        return runner.problems_if_finished(repeat)
    item_name = runner.journey.item_name(repeat)
    return [gettext("Select yes if you need to add another %(item)s", item=item_name)]


def remove_item(form_id: str, repeat_id: str, number: int):
    form = get_form(form_id)
    repeat = form.page(repeat_id)
    runner, _ = load_runner(form)
    journey = runner.journey
    if repeat is None or not repeat.is_repeat or not 1 <= number <= journey.item_count(repeat):
        abort(404)
    add_another = url_for_place(
        form, runner.add_another_page(repeat, request.args.get("change") == "1")
    )
    item_name = journey.item_name(repeat)
    error = None
    if request.method == "POST":
        answer = request.form.get("remove")
        if answer == "yes":
            save(
                form,
                runner,
                lambda saved: without_item(saved, repeat, number - 1, form, journey.today),
            )
            return redirect(add_another)
        if answer == "no":
            return redirect(add_another)
        return show_errors_again()
    if errors_to_show() is not None:
        error = gettext("Select yes if you want to remove this %(item)s", item=item_name)
    return render_template(
        "journey/remove.html",
        error=error,
        back=add_another,
        heading=gettext(
            "Are you sure you want to remove %(item)s %(number)d?", item=item_name, number=number
        ),
        label=journey.item_label(repeat, number - 1),
    )


# -- task list, check your answers, submission -----------------------------------------------


def task_list(form_id: str):
    form = get_form(form_id)
    runner, _ = load_runner(form)
    if form.navigation != "task_list":
        abort(404)
    elsewhere = runner.task_list_place()
    if elsewhere is not None:
        return go(form, elsewhere)
    journey = runner.journey
    items = [
        {
            "title": {"text": journey.text(task.title)},
            "href": _url(form, place),
            "status": _task_status(task.status),
        }
        for task, place in runner.task_places()
    ]
    done = sum(task.next_step is None for task in journey.tasks)
    return render_template(
        "journey/tasks.html",
        items=items,
        done=done,
        total=len(journey.tasks),
        complete=journey.outcome == COMPLETE,
        check_answers=url_for_place(form, CHECK_ANSWERS),
        resumed=take_resumed(form),
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


def check_answers(form_id: str):
    form = get_form(form_id)
    runner, draft_id = load_runner(form)
    if draft_id is None and request.method == "POST" and _sent_from_here(form) is not None:
        # A second click on Submit after the first one went through (or a retry after the
        # server failed to answer): the citizen gets their reference, not a second claim.
        return go(form, CONFIRMATION)
    if draft_id is None:
        return go(form, START)
    journey = runner.journey
    if not journey.is_complete:
        return go(form, runner.landing())
    error = None
    confirm_text = _confirmation_box(form, runner)
    if request.method == "POST":
        blocker = runner.submit_blocker()
        if blocker is not None:
            return go(form, blocker)
        if confirm_text is None or request.form.get("declaration") == "yes":
            return _submit(form, runner, draft_id)
        note(VALIDATION_ERROR, page=CHECK_ANSWERS_PAGE, question="declaration", detail="required")
        return show_errors_again()
    if errors_to_show() is not None:
        error = (
            gettext("Confirm the declaration for the applicant")
            if assisted()
            else gettext("Confirm that you have read and agree with the declaration")
        )
    note(PAGE_SHOWN, page=CHECK_ANSWERS_PAGE)
    return render_template(
        "journey/check.html",
        sections=summary_lists(form, runner),
        back=_url(form, runner.check_answers_back()),
        error=error,
        declaration=render_markdown_text(journey, form.declaration.body)
        if form.declaration
        else None,
        confirm_text=confirm_text,
        resumed=take_resumed(form),
    )


def _confirmation_box(form: Form, runner: Runner) -> str | None:
    """The declaration's tick box label, or None when there is no box to tick.

    A citizen ticks one only when the definition asks for it (`confirm_label`); otherwise
    pressing "Accept and send" under the declaration is the agreement (the GOV.UK pattern).
    Staff filling a form in always positively confirm what the applicant agreed to.
    """
    if form.declaration is None:
        return None
    if assisted():
        return _staff_confirmation(form, runner)
    if form.declaration.confirm_label is None:
        return None
    return runner.journey.text(form.declaration.confirm_label)


def _staff_confirmation(form: Form, runner: Runner) -> str | None:
    """What staff confirm instead of the citizen's declaration: the definition's
    assisted_body, else that they read it to the applicant (or copied a signed paper form)."""
    if form.declaration is None:
        return None
    if form.declaration.assisted_body is not None:
        return runner.journey.text(form.declaration.assisted_body)
    if assisted().draft.assisted.get("method") == PAPER:
        return gettext(
            "I confirm that these answers are copied from the paper form the applicant signed"
        )
    return gettext("I confirm that I read the declaration to the applicant and they agreed to it")


def summary_lists(form: Form, runner: Runner) -> list[dict[str, Any]]:
    """Check your answers as GOV.UK summary lists: one per run of answers in a section, and
    a summary card per repeat item, titled with the item, with the add-another page's Change
    and Remove for the item."""
    sections = []
    for section in runner.answer_sections():
        lists: list[dict[str, Any]] = [{"card": None, "rows": []}]
        for entry in section.entries:
            if isinstance(entry, AnswerRow):
                lists[-1]["rows"].append(_row(form, entry))
            elif isinstance(entry, RepeatRow):
                lists[-1]["rows"].append(_repeat_row(form, runner, entry))
            elif isinstance(entry, ItemBlock):
                lists.append(
                    {"card": _item_card(form, runner, entry), "rows": _rows(form, entry.rows)}
                )
                lists.append({"card": None, "rows": []})
        sections.append({"title": section.title, "lists": [x for x in lists if x["rows"]]})
    return sections


def _rows(form: Form, rows: list[AnswerRow]) -> list[dict[str, Any]]:
    return [_row(form, row) for row in rows]


def _item_card(form: Form, runner: Runner, item: ItemBlock) -> dict[str, Any]:
    """A repeat item's summary card. GOV.UK Frontend adds the card's title to the hidden
    text of every link in it ("Change date of birth (Visitor 2: Amara Okafor)"), so each
    link names the question and the item."""
    assert item.repeat is not None
    change = url_for_place(form, runner.change_item(item.repeat, item.index, change=True))
    remove = url_for(
        f"{pages_blueprint()}.remove_item",
        form_id=form.id,
        repeat_id=item.repeat.id,
        number=item.index + 1,
        change="1",
    )
    return {
        "title": {"text": item.heading, "headingLevel": 3},
        "actions": {
            "items": [
                {"href": change, "text": gettext("Change")},
                {"href": remove, "text": gettext("Remove")},
            ]
        },
    }


def _row(form: Form, row: AnswerRow) -> dict[str, Any]:
    value = Markup("<br>").join(row.lines) if row.lines else gettext("Not answered")
    href = url_for_place(form, Place.at(row.step, change=True)) + f"#{_anchor(row.question)}"
    return {
        "key": {"text": row.label},
        "value": {"html": value} if row.lines else {"text": value},
        "actions": {
            "items": [
                {"href": href, "text": gettext("Change"), "visuallyHiddenText": _lower(row.label)}
            ]
        },
    }


def _lower(label: str) -> str:
    """A label inside a sentence ("Change date of birth"): its first letter in lower case,
    unless the first word is an abbreviation ("LPA type") or a name ("HMP Cardiff")."""
    first = label.split(" ", 1)[0]
    if first == "I" or first[1:].lower() != first[1:]:
        return label
    return label[:1].lower() + label[1:]


def _repeat_row(form: Form, runner: Runner, entry: RepeatRow) -> dict[str, Any]:
    count = runner.journey.item_count(entry.repeat)
    value = ngettext("%(num)d added", "%(num)d added", count) if count else gettext("None added")
    href = url_for_place(form, runner.add_another_page(entry.repeat, change=True))
    return {
        "key": {"text": entry.label},
        "value": {"text": value},
        "actions": {
            "items": [
                {
                    "href": href,
                    "text": gettext("Change"),
                    "visuallyHiddenText": _lower(entry.label),
                }
            ]
        },
    }


def _submit(form: Form, runner: Runner, draft_id: int):
    if author_preview() is not None:  # an uploaded definition is never sent anywhere
        tell_author(
            gettext(
                "This is a preview: nothing was sent. Download the PDF to see what a "
                "caseworker would get."
            )
        )
        return go(form, CHECK_ANSWERS)
    journey = runner.journey
    prefix = form.reference_prefix or "".join(w[0] for w in form.id.split("-"))[:4].upper()
    if len(prefix) < 2:
        prefix = "REF"

    sla = form.sla_working_days

    helping = assisted()
    started: list[Any] = []

    def build(draft: Any) -> dict[str, Any]:
        started.append(draft.created_at)
        # Started by staff (and perhaps handed to the citizen to finish): the record says so.
        record = {}
        if draft.assisted is not None:
            record = {"staff_user_id": draft.staff_user_id, "assisted": dict(draft.assisted)}
        if helping is not None:
            record["channel"] = channel_of(draft.assisted.get("method", ""))
        return {
            "applicant_name": runner.applicant_name()[:200] or None,
            "due_on": add_working_days(today(), sla) if sla else None,
            "form_id": form.id,
            "form_version": form.version,
            "definition": form.snapshot,
            "answers": journey.answers,
            "language": journey.language,
            "channel": runner.channel,
            **record,
        }

    jobs = partial(jobs_at_submission, form)
    if helping is not None:
        submission = store().submit(
            draft_id,
            make_reference=lambda: new_reference(prefix),
            build=build,
            actor=staff_actor(helping.staff),
            actor_id=helping.staff.id,
            jobs=jobs,
        )
        audit("assisted_submitted", submission.reference, form=form.id)
        _submitted(started)
        return redirect(url_for("assisted.submitted", reference=submission.reference))
    store().submit(draft_id, make_reference=lambda: new_reference(prefix), build=build, jobs=jobs)
    _submitted(started)
    return go(form, CONFIRMATION)


def _submitted(started: list[Any]) -> None:
    """Count the submission, with the minutes from the draft's first save (the journey's
    time to complete); the next start of the form is a new journey."""
    taken = utcnow() - as_utc(started[0]) if started else None
    note(SUBMITTED, value=max(0, round(taken.total_seconds() / 60)) if taken else None)
    forget_journey()


def _sent_from_here(form: Form) -> Submission | None:
    """This browser session's submission of the form, looked up in the database (where it
    is stored in the same transaction as the submit), never only in the session."""
    if assisted() is not None or session.token is None:
        return None
    return store().session_submission(session.key, form.id)


def confirmation(form_id: str):
    if assisted() is not None:
        abort(404)  # staff see the reference on their own page (views/assisted.py)
    form = get_form(form_id)
    submission = _sent_from_here(form)
    if submission is None:
        return go(form, START)
    reference = submission.reference
    typed, error = "", None
    sent_to = confirmation_sent_to(form, submission)
    if request.method == "POST" and not sent_to:
        typed, email, error = posted_email("confirmation_email")
        if email is LIMITED:
            return render_template("resume/too_many.html"), 429
        if email:
            ask_for_confirmation_email(submission, email)
            return redirect(url_for(f"{pages_blueprint()}.confirmation", form_id=form.id))
    elif request.method == "POST":
        return redirect(url_for(f"{pages_blueprint()}.confirmation", form_id=form.id))
    language = session.get("language")
    reader = AnswerReader(
        form,
        submission.answers,
        today=today(),
        language=language if language in form.languages else form.default_language,
        gettext=gettext,
    )
    g.form, g.journey, g.language = form, reader, reader.language
    confirmation_ = form.confirmation
    title = reader.text(confirmation_.title, reference=reference) if confirmation_ else None
    body = None
    if confirmation_ and confirmation_.body:
        body = render_markdown_text(reader, confirmation_.body, reference=reference)
    return render_template(
        "journey/confirmation.html",
        reference=reference,
        title=title,
        body=body,
        sla_working_days=form.sla_working_days,
        contact=contact_details(form, reader.language),
        # The GOV.UK feedback page of this form (views/satisfaction.py), once per submission.
        feedback=url_for("citizen.feedback", form_id=form.id),
        # Said only when a confirmation email is queued: to the address they answered
        # with, or the one they typed here (then the small form is not offered again).
        email_sent_to=sent_to,
        email=typed,
        error=error,
        copy_of_answers=form.confirmation_email.copy_of_answers,
    ), (422 if error else 200)


def register(bp: Blueprint) -> None:
    """Add a form's pages to a blueprint: the citizen's, or the assisted-digital one."""
    both = ["GET", "POST"]
    bp.add_url_rule("/<form_id>/", view_func=start)
    bp.add_url_rule("/<form_id>/<page_id>", view_func=question_page, methods=both)
    item = "/<form_id>/<repeat_id>/<int:number>"
    bp.add_url_rule(f"{item}/<page_id>", view_func=item_page, methods=both)
    bp.add_url_rule(f"{item}/remove", view_func=remove_item, methods=both)
    bp.add_url_rule("/<form_id>/tasks", view_func=task_list)
    bp.add_url_rule("/<form_id>/check-your-answers", view_func=check_answers, methods=both)
    bp.add_url_rule("/<form_id>/confirmation", view_func=confirmation, methods=both)

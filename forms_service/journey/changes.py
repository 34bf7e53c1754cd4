"""Changes to a draft's saved answers. Each function is pure: it returns a new dict.

Saved answers (the draft) look like this:
    {page_id: {question_id: answer},
     repeat_id: {"items": [{"key": "k3m9", "pages": {page_id: {question_id: answer}}}],
                 "done": bool},
     "_raw": {step_path: {input_name: [typed, ...]}}}
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import secrets
from collections.abc import Mapping
from typing import Any

from forms_service.definitions.model import Form, Page
from forms_service.journey.route import Journey, SavedAnswers, Step, chosen
from forms_service.question_types import Invalid, question_type

RAW = "_raw"  # what was typed on pages saved with "Save and come back later", not yet valid


def with_answers(saved: SavedAnswers, step: Step, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The saved answers with one step's answers saved (a new item is added at the end)."""
    new = copy.deepcopy(dict(saved))
    new.get(RAW, {}).pop(step.path, None)  # valid now: what was typed is no longer needed
    if step.repeat is None:
        new[step.page.id] = dict(answers)
        return new
    state = new.setdefault(step.repeat.id, {"items": [], "done": False})
    items = state.setdefault("items", [])
    if step.item >= len(items):
        items.append({"key": secrets.token_hex(4), "pages": {}})
        state["done"] = False  # a new item: ask "add another?" again
    items[step.item]["pages"][step.page.id] = dict(answers)
    return new


def with_typed(saved: SavedAnswers, step: Step, typed: Mapping[str, list[str]]) -> dict[str, Any]:
    """Keep what was typed on a page exactly as typed, to be checked when it is continued."""
    new = copy.deepcopy(dict(saved))
    new.setdefault(RAW, {})[step.path] = {key: list(values) for key, values in typed.items()}
    return new


def typed_on(saved: SavedAnswers, step: Step) -> dict[str, list[str]] | None:
    return saved.get(RAW, {}).get(step.path)


def migrate(form: Form, saved: SavedAnswers, today: datetime.date) -> dict[str, Any]:
    """Answers saved against another version of the form, fitted to this one.

    An answer is kept when its question still exists and the answer still passes that
    question's checks (same kind of answer, an option that still exists). A page keeps its
    answers only when every question it now asks is answered; otherwise what is kept is put
    back in its inputs as typed, so the citizen is routed there and sees it filled in.
    """
    new: dict[str, Any] = {}
    flat = _flatten(value for key, value in saved.items() if key != RAW)
    for page in form.pages:
        if page.is_repeat:
            old = saved.get(page.id)
            if isinstance(old, dict) and isinstance(old.get("items"), list):
                new[page.id] = _migrate_repeat(page, old, today, new)
            continue
        _migrate_page(page, Step(page), flat, page.id in saved, today, new, new)
    # What was typed but not yet valid stays, for pages that still exist, to be checked when
    # the citizen continues (it was never an answer, so nothing to re-check here).
    for path, typed in (saved.get(RAW) or {}).items():
        if form.page(path.rsplit("/", 1)[-1]) is not None:
            new.setdefault(RAW, {}).setdefault(path, typed)
    return new


def _migrate_repeat(
    repeat: Page, old: dict, today: datetime.date, root: dict[str, Any]
) -> dict[str, Any]:
    items = []
    for index, item in enumerate(old["items"]):
        flat = _flatten(item.get("pages", {}).values())
        pages: dict[str, Any] = {}
        for page in repeat.pages:
            step = Step(page, repeat, index)
            _migrate_page(page, step, flat, page.id in item.get("pages", {}), today, pages, root)
        items.append({"key": item.get("key") or secrets.token_hex(4), "pages": pages})
    return {"items": items, "done": bool(old.get("done"))}


def _migrate_page(
    page: Page,
    step: Step,
    flat: dict[str, Any],
    was_saved: bool,
    today: datetime.date,
    into: dict[str, Any],
    root: dict[str, Any],
) -> None:
    kept, typed, complete = {}, {}, True
    for question, parent, option in page.all_questions():
        if parent is not None and not chosen(kept.get(parent.id), option.value):
            continue
        value = flat.get(question.id)
        qtype = question_type(question)
        if value is not None:
            # An answer no longer valid for this question is dropped: it is asked again.
            with contextlib.suppress(Invalid):
                kept[question.id] = qtype.clean(question, qtype.to_raw(question, value), today)
        if question.id in kept:
            for part, raw in qtype.to_raw(question, kept[question.id]).items():
                name = f"{question.id}-{part}" if part else question.id
                typed[name] = raw if isinstance(raw, list) else [raw]
        elif not question.optional:
            complete = False
    if complete and (was_saved or kept):
        into[page.id] = kept
    elif typed:
        root.setdefault(RAW, {})[step.path] = typed


def _flatten(pages: Any) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for answers in pages:
        if isinstance(answers, dict) and "items" not in answers:
            flat.update(answers)
    return flat


def without_item(
    saved: SavedAnswers,
    repeat: Page,
    index: int,
    form: Form | None = None,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The saved answers with one item removed.

    Given the form, answers to pages that were asked only because of that item (the route
    leaves them once it is gone) are forgotten too, so adding another item later asks them
    again instead of bringing back answers about someone who was removed.
    """
    new = copy.deepcopy(dict(saved))
    items = new.get(repeat.id, {}).get("items", [])
    if 0 <= index < len(items):
        del items[index]
    if form is not None and today is not None:
        before = {step.page.id for step in Journey(form, saved, today=today).route}
        after = {step.page.id for step in Journey(form, new, today=today).route}
        for page_id in before - after:
            if form.repeat_of(page_id) is None:
                new.pop(page_id, None)
                new.get(RAW, {}).pop(page_id, None)
    return new


def with_repeat_done(saved: SavedAnswers, repeat: Page, done: bool) -> dict[str, Any]:
    new = copy.deepcopy(dict(saved))
    new.setdefault(repeat.id, {"items": []})["done"] = done
    return new

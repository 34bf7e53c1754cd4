"""Question pages as WTForms forms, rendered with the GOV.UK Frontend Jinja macros.

One field class serves every question type: it reads the inputs the type names, asks the
type (forms_service.question_types) to clean them, and keeps what was typed so a page with an
error shows it again. Rendering builds the `params` of the GOV.UK component named by the
type's `component`; every text goes in as `text` (escaped by the macro), and only HTML built
here from other components goes in as `html`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import current_app
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.utils import unset_value

from forms_service.definitions.model import Option, Page, Question, Text
from forms_service.journey import AnswerReader as Scope
from forms_service.markdown import render_markdown
from forms_service.question_types import Invalid, messages, question_type
from forms_service.question_types import values as V
from forms_service.template_filters import error_message as component_error

AUTOCOMPLETE_AFTER = 15  # options; longer selects get the accessible autocomplete (JS on)
WIDTH_CLASS = {
    "full": "govuk-!-width-full",
    "three-quarters": "govuk-!-width-three-quarters",
    "two-thirds": "govuk-!-width-two-thirds",
    "one-half": "govuk-!-width-one-half",
    "one-third": "govuk-!-width-one-third",
    "one-quarter": "govuk-!-width-one-quarter",
}


class QuestionField(Field):
    """A question of any registered type; `raw` holds what was typed, `data` the answer."""

    def __init__(
        self,
        *args: Any,
        question: Question,
        reveal_of: tuple[str, str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.question = question
        self.qtype = question_type(question)
        self.reveal_of = reveal_of  # (parent question id, option value) for revealed questions
        self.raw: dict[str, Any] = {}
        self.error_parts: tuple[str, ...] = ()
        self.part_errors: dict[str, str] = {}  # compound answers: a message per part
        self.too_large = False  # what was typed is too large to keep, even as typed

    def input_name(self, part: str) -> str:
        return f"{self.name}-{part}" if part else self.name

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.object_data = None if data is unset_value else data
        self.data = self.object_data
        if formdata is not None:
            self.raw = {
                part: formdata.getlist(self.input_name(part))
                if self.qtype.multiple
                else formdata.get(self.input_name(part), "")
                for part in self.qtype.input_parts(self.question)
            }
        else:
            self.raw = self.qtype.to_raw(self.question, self.data)

    def validate(self, form: PageForm, extra_validators: Any = ()) -> bool:
        self.errors, self.error_parts, self.part_errors = [], (), {}
        self.error_kinds: list[str] = []  # what is wrong, for the performance events
        try:
            self.too_large = True
            self.qtype.check_raw(self.question, self.raw)
            self.too_large = False
            self.data = self.qtype.clean(self.question, self.raw, form.journey.today)
        except Invalid as exc:
            self.error_parts = exc.parts or self.qtype.input_parts(self.question)[:1]
            for problem in (exc, *exc.more):
                message = error_message(self.question, problem, form.journey)
                self.errors.append(message)
                self.error_kinds.append(problem.kind)
                for part in problem.parts:
                    self.part_errors.setdefault(part, message)
            self.error_parts = tuple(self.part_errors) or self.error_parts
        return not self.errors

    def validate_as_required(self, form: PageForm) -> bool:
        """Validate an optional question as a required one (its pair was answered)."""
        optional = self.question
        self.question = replace(optional, optional=False)
        try:
            return self.validate(form)
        finally:
            self.question = optional

    def fits(self) -> bool:
        """Whether what was typed is small enough to keep as typed."""
        try:
            self.qtype.check_raw(self.question, self.raw)
        except Invalid:
            return False
        return True

    def anchor(self, part: str) -> str:
        return f"{self.id}-{part}" if part else self.id

    @property
    def error_anchor(self) -> str:
        """The id the error summary links to: the first input with the problem."""
        parts = self.error_parts or self.qtype.input_parts(self.question)[:1]
        return self.anchor(parts[0] if parts else "")


class PageForm(FlaskForm):
    """One page's questions. CSRF is checked for every POST by CSRFProtect in the app."""

    class Meta:
        csrf = False

    journey: Scope  # the answers and texts as seen from this page (inside an item, its own)
    page: Page

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate what the citizen sees (revealed questions only under a chosen option),
        then the pairs answered together (required_with:), then the page's rules, across
        its questions and earlier answers."""
        ok = True
        for field in self:
            if not isinstance(field, QuestionField):
                continue
            if not self._shown(field):
                field.data, field.errors = None, []  # discarded, as the contract says
                continue
            ok = field.validate(self) and ok
        ok = self._check_pairs() and ok
        return ok and self._check_rules()

    def _check_pairs(self) -> bool:
        """`required_with:` two questions are answered together or not at all: the one
        left blank is asked for with its own required message. A pair on an earlier page
        makes this question required when that one was answered."""
        ok = True
        fields = {f.name: f for f in self.question_fields()}
        for field in fields.values():
            other_id = field.question.required_with
            if other_id is None or not self._shown(field) or field.errors:
                continue
            other = fields.get(other_id)
            if other is None:
                if field.data is None and self.journey.values.get(other_id) is not None:
                    ok = field.validate_as_required(self) and ok
                continue
            if not self._shown(other) or other.errors:
                continue
            for blank, answered in ((field, other), (other, field)):
                if blank.data is None and answered.data is not None:
                    ok = blank.validate_as_required(self) and ok
        return ok

    def _shown(self, field: QuestionField) -> bool:
        return not field.reveal_of or self._revealed(field)

    def _check_rules(self) -> bool:
        fields = self.question_fields()
        values = {
            f.name: f.qtype.to_expression(f.question, f.data) for f in fields if f.data is not None
        }
        ok = True
        for rule in self.page.rules:
            if self.journey.check(rule, values):
                continue
            ok = False
            field = self[rule.question] if rule.question else (fields[0] if fields else None)
            if field is not None and not field.errors:
                field.errors = [self.journey.rule_message(rule)]
        return ok

    def _revealed(self, field: QuestionField) -> bool:
        parent_id, value = field.reveal_of
        parent = self[parent_id]
        chosen = parent.data if isinstance(parent.data, list) else [parent.data]
        return value in chosen

    def answers(self) -> dict[str, Any]:
        """The page's answers to store, keyed by question id (None where not answered)."""
        return {f.name: f.data for f in self if isinstance(f, QuestionField)}

    def problems(self) -> list[tuple[str, str]]:
        """(question id, error kind) of each problem on the page, once each: the type's
        kinds ("required", "not_real_date"...), or "rule" for a page or repeat rule."""
        found: dict[tuple[str, str], None] = {}
        for field in self.question_fields():
            if field.errors:
                for kind in getattr(field, "error_kinds", None) or ["rule"]:
                    found[(field.name, kind)] = None
        return list(found)

    def question_fields(self) -> list[QuestionField]:
        return [f for f in self if isinstance(f, QuestionField)]

    def too_large(self) -> bool:
        """Whether something typed is too large to keep even as typed (see validate)."""
        return any(f.too_large for f in self.question_fields())

    def typed(self) -> dict[str, list[str]]:
        """What was typed, input name -> values, for a page saved before it passes (a
        hidden question's input too large to keep is discarded, as hidden answers are)."""
        return {
            f.input_name(part): value if isinstance(value, list) else [value]
            for f in self.question_fields()
            if f.fits()
            for part, value in f.raw.items()
        }

    def refuse_all(self, message: str) -> None:
        """Show one problem about the whole page, on its first question."""
        fields = self.question_fields()
        if fields:
            fields[0].errors = [message]

    def error_list(self) -> list[dict[str, str]]:
        """The GOV.UK error summary: each problem once, linked to its first input."""
        errors = []
        for field in self.question_fields():
            if field.qtype.component == "compound" and field.part_errors:
                errors += [
                    {"text": message, "href": f"#{field.anchor(part)}"}
                    for part, message in field.part_errors.items()
                ]
            elif field.errors:
                errors.append({"text": field.errors[0], "href": f"#{field.error_anchor}"})
        return errors


def page_form(
    page: Page, journey: Scope, stored: dict[str, Any] | None, formdata: Any = None
) -> PageForm:
    """Build the WTForms form for one page: a field per question, revealed ones included."""
    attrs: dict[str, Any] = {}
    for question, parent, option in page.all_questions():
        reveal_of = (parent.id, option.value) if parent is not None else None
        attrs[question.id] = QuestionField(question=question, reveal_of=reveal_of)
    form_class = type(f"Page_{page.id}", (PageForm,), attrs)
    kwargs: dict[str, Any] = {"data": dict(stored or {})}
    if formdata is not None:
        kwargs["formdata"] = formdata
    form = form_class(**kwargs)
    form.journey = journey
    form.page = page
    return form


# -- messages ----------------------------------------------------------------------------------


def error_message(question: Question, exc: Invalid, journey: Scope) -> str:
    """The message for a problem with an answer, in the page's language (see messages.py)."""
    return messages.error_message(
        question,
        exc,
        journey.text(question.label),
        language=journey.language,
        gettext=gettext,
        pick=journey.text,
    )


# -- rendering ---------------------------------------------------------------------------------


def _macro(component: str, name: str) -> Callable[[dict], Markup]:
    template = current_app.jinja_env.get_template(
        f"govuk_frontend_jinja/components/{component}/macro.html"
    )
    return getattr(template.module, name)


def render_field(field: QuestionField, form: PageForm, heading: bool = False) -> Markup:
    """The GOV.UK component for one question, with its revealed questions inside it."""
    renderer = _RENDERERS[field.qtype.component]
    return renderer(field, form, heading)


def _label_text(field: QuestionField, form: PageForm) -> str:
    """The label as the question page shows it: "(optional)" after an optional question's
    label (GOV.UK: mark the optional questions, not the required ones). Check your answers
    and the PDF show the plain label."""
    text = form.journey.text(field.question.label)
    if field.question.optional:
        return gettext("%(label)s (optional)", label=text)
    return text


def _label(field: QuestionField, form: PageForm, heading: bool) -> dict[str, Any]:
    text = _label_text(field, form)
    if heading:
        return {"text": text, "classes": "govuk-label--l", "isPageHeading": True}
    return {"text": text, "classes": "" if field.reveal_of else "govuk-label--s"}


def _legend(field: QuestionField, form: PageForm, heading: bool) -> dict[str, Any]:
    text = _label_text(field, form)
    if heading:
        return {
            "legend": {"text": text, "classes": "govuk-fieldset__legend--l", "isPageHeading": True}
        }
    return {"legend": {"text": text, "classes": "govuk-fieldset__legend--s"}}


def _hint(field: QuestionField, form: PageForm) -> dict[str, Any] | None:
    text = form.journey.text(field.question.hint)
    default = field.qtype.default_hint(field.question) if not text else None
    text = text or (gettext(default) if default else "")
    limits = _limits_hint(field, form)
    if limits:  # the author's words (or the format example), then the real dates
        lines = [line for line in (text, limits) if line]
        return {"html": Markup("<br>").join(escape(line) for line in lines)}
    return {"text": text} if text else None


def _limits_hint(field: QuestionField, form: PageForm) -> str:
    """The real dates of a date question's relative limits ("between 4 December 2026 and
    29 December 2026"), worked out from the journey's today (London)."""
    found = field.qtype.limits_hint(field.question, form.journey.today)
    if not found:
        return ""
    template, dates = found
    shown = {k: V.format_date(v, locale=form.journey.language) for k, v in dates.items()}
    return messages.fill(gettext(template), shown)


def _error(field: QuestionField) -> dict[str, str] | None:
    return component_error(field.errors[0] if field.errors else None)


def _width(field: QuestionField, default: str | None = None) -> str:
    width = field.question.setting("width") or field.qtype.input_attrs.get("width") or default
    if width is None:
        return ""
    return WIDTH_CLASS.get(width) or f"govuk-input--width-{width}"


def _input(field: QuestionField, form: PageForm, heading: bool) -> Markup:
    attrs = field.qtype.input_attrs
    params: dict[str, Any] = {
        "id": field.id,
        "name": field.name,
        "label": _label(field, form, heading),
        "hint": _hint(field, form),
        "value": field.raw.get(""),
        "errorMessage": _error(field) if "" in (field.error_parts or ("",)) else None,
        "classes": _width(field),
        "type": attrs.get("type", "text"),
        "autocomplete": field.question.setting("autocomplete") or attrs.get("autocomplete"),
        "inputmode": attrs.get("inputmode"),
        "spellcheck": attrs.get("spellcheck"),
    }
    if attrs.get("prefix"):
        params["prefix"] = {"text": attrs["prefix"]}
    suffix = field.question.setting("suffix")
    if suffix is not None:
        params["suffix"] = {"text": form.journey.text(suffix)}
    html = _macro("input", "govukInput")({k: v for k, v in params.items() if v is not None})
    if "confirm" in field.qtype.input_parts(field.question):
        html += _macro("input", "govukInput")(
            {
                "id": f"{field.id}-confirm",
                "name": field.input_name("confirm"),
                "label": {"text": gettext("Confirm email address"), "classes": "govuk-label--s"},
                "value": field.raw.get("confirm"),
                "type": "email",
                "autocomplete": "email",
                "spellcheck": False,
                "errorMessage": _error(field) if "confirm" in field.error_parts else None,
            }
        )
    return html


def _character_count(field: QuestionField, form: PageForm, heading: bool) -> Markup:
    return _macro("character-count", "govukCharacterCount")(
        {
            "id": field.id,
            "name": field.name,
            "maxlength": field.question.setting("max_length", 5000),
            "label": _label(field, form, heading),
            "hint": _hint(field, form),
            "value": field.raw.get(""),
            "errorMessage": _error(field),
            **_character_count_words(),
        }
    )


def _character_count_words() -> dict[str, Any]:
    """The character count's words (its hint and what its script announces) in the page's
    language. GOV.UK Frontend picks a plural form with the browser's Intl.PluralRules for
    the page's lang: Welsh has six (zero, one, two, few, many, other)."""

    def forms(one: str, other: str) -> dict[str, str]:
        return {**dict.fromkeys(("zero", "two", "few", "many", "other"), other), "one": one}

    return {
        "textareaDescriptionText": gettext("You can enter up to %{count} characters"),
        "charactersUnderLimitText": forms(
            gettext("You have %{count} character remaining"),
            gettext("You have %{count} characters remaining"),
        ),
        "charactersAtLimitText": gettext("You have 0 characters remaining"),
        "charactersOverLimitText": forms(
            gettext("You have %{count} character too many"),
            gettext("You have %{count} characters too many"),
        ),
    }


def _items(field: QuestionField, form: PageForm, selected: list[str]) -> list[dict[str, Any]]:
    items = []
    for option in field.question.options:
        if option.exclusive:
            items.append({"divider": gettext("or")})
        item: dict[str, Any] = {
            "value": option.value,
            "text": form.journey.text(option.label),
            "checked": option.value in selected,
        }
        if option.hint is not None:
            item["hint"] = {"text": form.journey.text(option.hint)}
        if option.exclusive:
            item["behaviour"] = "exclusive"
        if option.reveal:
            item["conditional"] = {"html": _revealed_html(field, form, option)}
        items.append(item)
    return items


def _revealed_html(field: QuestionField, form: PageForm, option: Option) -> Markup:
    return Markup("").join(render_field(form[q.id], form) for q in option.reveal)


def _choices(
    field: QuestionField,
    form: PageForm,
    heading: bool,
    macro: str,
    selected: list[str],
    **extra: Any,
) -> Markup:
    component = "radios" if macro == "govukRadios" else "checkboxes"
    return _macro(component, macro)(
        {
            "idPrefix": field.id,
            "name": field.name,
            "fieldset": _legend(field, form, heading),
            "hint": _hint(field, form),
            "errorMessage": _error(field),
            "items": _items(field, form, selected),
            **extra,
        }
    )


def _radios(field: QuestionField, form: PageForm, heading: bool) -> Markup:
    return _choices(field, form, heading, "govukRadios", [field.raw.get("")])


def _checkboxes(field: QuestionField, form: PageForm, heading: bool) -> Markup:
    raw = field.raw.get("")
    selected = raw if isinstance(raw, list) else [raw]
    return _choices(field, form, heading, "govukCheckboxes", selected)


def _yes_no(field: QuestionField, form: PageForm, heading: bool) -> Markup:
    value = field.raw.get("")
    return _macro("radios", "govukRadios")(
        {
            "idPrefix": field.id,
            "name": field.name,
            "classes": "govuk-radios--inline",
            "fieldset": _legend(field, form, heading),
            "hint": _hint(field, form),
            "errorMessage": _error(field),
            "items": [
                {"value": "yes", "text": gettext("Yes"), "checked": value == "yes"},
                {"value": "no", "text": gettext("No"), "checked": value == "no"},
            ],
        }
    )


def _other_names(form: PageForm, label: Text) -> dict[str, str]:
    """An option's label in the form's other languages, for the autocomplete (app.js) to
    match too: "Cardiff" finds "CEF Caerdydd" on the Welsh page, "Caerdydd" finds
    "HMP Cardiff" on the English one."""
    journey = form.journey
    shown = journey.text(label)
    others = {
        journey.fill(label.pick(language, journey.values, journey.today))
        for language in journey.form.languages
        if language != journey.language
    }
    others.discard(shown)
    return {"data-other-names": " | ".join(sorted(others))} if others else {}


def _select(field: QuestionField, form: PageForm, heading: bool) -> Markup:
    value = field.raw.get("")
    items = [{"value": "", "text": gettext("Select an option"), "selected": not value}]
    items += [
        {
            "value": o.value,
            "text": form.journey.text(o.label),
            "selected": o.value == value,
            "attributes": _other_names(form, o.label),
        }
        for o in field.question.options
    ]
    attributes = (
        {"data-module": "app-autocomplete", **_autocomplete_words()}
        if len(items) > AUTOCOMPLETE_AFTER
        else {}
    )
    return _macro("select", "govukSelect")(
        {
            "id": field.id,
            "name": field.name,
            "label": _label(field, form, heading),
            "hint": _hint(field, form),
            "errorMessage": _error(field),
            "items": items,
            "attributes": attributes,
        }
    )


def _autocomplete_words() -> dict[str, str]:
    """What the accessible autocomplete shows and announces, in the page's language (app.js
    passes them to it; its own are English). {n}, {option}, {number} and {count} are
    filled in by the script."""
    return {
        "data-no-results": gettext("No results found"),
        "data-query-too-short": gettext("Type in {n} or more characters for results"),
        "data-selected-option": gettext("{option} {number} of {count} is highlighted"),
        "data-one-result": gettext("1 result is available."),
        "data-results": gettext("{count} results are available."),
        "data-assistive-hint": gettext(
            "When autocomplete results are available use up and down arrows to review and "
            "Enter to select. Touch device users, explore by touch or with swipe gestures."
        ),
    }


def _date(field: QuestionField, form: PageForm, heading: bool) -> Markup:
    autocomplete = field.question.setting("autocomplete") == "bday"
    labels = {
        "day": lazy_gettext("Day"),
        "month": lazy_gettext("Month"),
        "year": lazy_gettext("Year"),
    }
    items = []
    for part in field.qtype.input_parts(field.question):
        classes = "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
        if part in field.error_parts:
            classes += " govuk-input--error"
        item = {
            "name": part,
            "label": str(labels[part]),
            "classes": classes,
            "value": field.raw.get(part, ""),
        }
        if autocomplete:
            item["autocomplete"] = f"bday-{part}"
        items.append(item)
    return _macro("date-input", "govukDateInput")(
        {
            "id": field.id,
            "namePrefix": field.name,
            "fieldset": _legend(field, form, heading),
            "hint": _hint(field, form),
            "errorMessage": _error(field),
            "items": items,
        }
    )


def _compound(field: QuestionField, form: PageForm, heading: bool) -> Markup:
    hint = _hint(field, form)
    html = Markup("")
    if hint:
        html += _macro("hint", "govukHint")({"id": f"{field.id}-hint", **hint})
    optional = field.qtype.optional(field.question)
    for part in field.qtype.input_parts(field.question):
        label, autocomplete, width = field.qtype.part_labels[part]
        text = gettext(label)
        if part in optional:
            text = gettext("%(label)s (optional)", label=text)
        html += _macro("input", "govukInput")(
            {
                "id": f"{field.id}-{part}",
                "name": field.input_name(part),
                "label": {"text": text},
                "value": field.raw.get(part, ""),
                "autocomplete": autocomplete,
                "classes": WIDTH_CLASS.get(width, width),
                "errorMessage": {"text": field.part_errors[part]}
                if part in field.part_errors
                else None,
            }
        )
    return _macro("fieldset", "govukFieldset")(
        {
            **_legend(field, form, heading),
            "describedBy": f"{field.id}-hint" if hint else None,
            "html": html,
        }
    )


def render_markdown_text(journey: Scope, text: Any, **extra: str) -> Markup:
    """Markdown from the definition, with answers put into its placeholders escaped."""
    from markupsafe import escape

    html = str(render_markdown(journey.pick(text)))  # every author text already escaped
    # Safe: the only text put into that HTML is answers, each passed through escape().
    return Markup(journey.fill(html, escape=escape, extra=extra))  # noqa: S704


_RENDERERS: dict[str, Callable[[QuestionField, PageForm, bool], Markup]] = {
    "input": _input,
    "character_count": _character_count,
    "radios": _radios,
    "checkboxes": _checkboxes,
    "yes_no": _yes_no,
    "select": _select,
    "date": _date,
    "compound": _compound,
}

"""Reading answers as people and conditions see them: one reader for every place that does.

The journey reads the answers of a draft as it walks the form; check your answers, the
caseworker's submission page and the PDF read the answers a submission stored. Both are
the same shape (a repeat's answers are a list of item answers), so one reader serves them:
texts in the chosen language and variant, placeholders filled with answers as shown, and
conditions judged on the answers as the expression language sees them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from forms_service.definitions.model import (
    ASSISTED,
    CHANNELS,
    ONLINE,
    PLACEHOLDER,
    Form,
    Page,
    Question,
    Rule,
    Text,
)
from forms_service.question_types import Display, question_type

__all__ = ["ASSISTED", "CHANNELS", "ONLINE", "AnswerReader", "expression_values"]


class AnswerReader:
    """Texts and answers as seen from one place: the whole form, or inside one repeat item."""

    def __init__(
        self,
        form: Form,
        answers: Mapping[str, Any],
        values: Mapping[str, Any] | None = None,
        *,
        today: datetime.date,
        language: str,
        gettext: Callable[[str], str] = lambda s: s,
        channel: str = ONLINE,
    ):
        self.form = form
        self.today = today
        self.language = language
        self.gettext = gettext
        self.channel = channel
        self.answers = answers  # answers in storage shape
        # Answers as conditions see them (money in pounds, dates as dates, repeats as lists).
        self.values = expression_values(form, answers, channel) if values is None else values

    def inside(
        self, answers: Mapping[str, Any], values: Mapping[str, Any] | None = None
    ) -> AnswerReader:
        """Inside a repeat item its own answers hide the rest of the form's, so
        `{attorney_name}` and `when: attorney_type == ...` mean this item's."""
        if values is None:
            values = expression_values(self.form, answers)
        return AnswerReader(
            self.form,
            {**self.answers, **answers},
            {**self.values, **values},
            today=self.today,
            language=self.language,
            gettext=self.gettext,
            channel=self.channel,
        )

    def pick(self, text: Text | None) -> str:
        """The text in the reader's language and variant, placeholders not yet filled."""
        if text is None:
            return ""
        return text.pick(self.language, self.values, self.today)

    def fill(
        self,
        template: str,
        escape: Callable[[str], str] = str,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """Put answers into {question_id} and {question_id.part} placeholders, each passed
        through `escape`."""

        def replace(match: Any) -> str:
            name = match.group(1)
            if extra and name in extra:
                return escape(extra[name])
            question_id, _, part = name.partition(".")
            question = self.form.question(question_id)
            if question is None:
                return match.group(0)  # not an answer: {max} in an error message, say
            if part:
                value = self.answers.get(question.id)
                return escape(question_type(question).part_shown(question, value, part))
            return escape(", ".join(self.display(question)))

        return PLACEHOLDER.sub(replace, template)

    def text(self, text: Text | None, **extra: str) -> str:
        """A text with {question_id} placeholders filled with the answers as shown."""
        return self.fill(self.pick(text), extra=extra)

    def item_name(self, repeat: Page) -> str:
        """What one item of a repeat is called ("visitor"); "item" when the definition
        leaves item_name: out (the contract makes it optional)."""
        return self.pick(repeat.item_name) or self.gettext("item")

    def rule_message(self, rule: Rule) -> str:
        """The message shown when a rule's check fails; a general one when it has none."""
        if rule.message is None:
            return self.gettext("Check your answers: they do not meet the rules of this form")
        return self.text(rule.message)

    def display(self, question: Question, value: Any = None) -> list[str]:
        """An answer as lines for people (its stored answer unless `value` is given)."""
        if value is None:
            value = self.answers.get(question.id)
        ctx = Display(self.language, self.pick, self.gettext)
        return question_type(question).display(question, value, ctx)

    def check(self, rule: Rule, extra_values: Mapping[str, Any] | None = None) -> bool:
        values = {**self.values, **(extra_values or {})}
        return rule.check.evaluate_condition(values, self.today)


def expression_values(
    form: Form, answers: Mapping[str, Any], channel: str | None = None
) -> dict[str, Any]:
    """Answers as conditions see them (money in pounds, dates as dates, repeats as lists).

    Given a channel, `channel` is one of the values too (unless a question has that id).
    """
    values: dict[str, Any] = channel_values(form, channel) if channel else {}
    for key, value in answers.items():
        question = form.question(key)
        if question is not None:
            values[key] = question_type(question).to_expression(question, value)
        elif isinstance(value, list) and (page := form.page(key)) and page.is_repeat:
            values[key] = [expression_values(form, item) for item in value]
    return values


def channel_values(form: Form, channel: str) -> dict[str, Any]:
    """`channel` for conditions; a question with that id keeps its own meaning."""
    return {} if form.question("channel") is not None else {"channel": channel}


def item_label(repeat: Page, scope: AnswerReader) -> str:
    """What identifies a repeat item in lists and headings, read inside the item: its name
    ("Jo Bloggs"), else the text answers of its first page that has any, else its first
    answer. Check your answers, the add-another page and the caseworker's views share it."""
    answered = [
        (page, question)
        for page in repeat.pages
        for question in page.answerable
        if question.id in scope.answers
    ]
    for _, question in answered:
        if question_type(question).names_a_person:
            return " ".join(scope.display(question))
    texts = [(p, q) for p, q in answered if question_type(q).labels_an_item]
    if texts:
        first_page = texts[0][0]
        return " ".join(scope.display(q)[0] for p, q in texts[:2] if p is first_page)
    return next((scope.display(q)[0] for _, q in answered if scope.display(q)), "")


def capital(text: str) -> str:
    """The text with its first letter a capital ("visitor" -> "Visitor")."""
    return text[:1].upper() + text[1:]

"""Numbers: `number` (whole or with decimals) and `money` (stored in pence)."""

from __future__ import annotations

import datetime
import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from forms_service.question_types import keys as K
from forms_service.question_types import values as V
from forms_service.question_types.answer_types import T
from forms_service.question_types.base import N_, Display, Invalid, QuestionType, Raw

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class NumberType(QuestionType):
    name = "number"
    reads_a_value = True
    component = "input"
    keys = {
        "min": K.NUMBER,
        "max": K.NUMBER,
        "decimals": K.NON_NEGATIVE_INT,
        "suffix": K.TEXT,
        "width": K.WIDTH,
    }
    input_attrs = {"inputmode": "decimal", "spellcheck": False, "width": "10"}
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_("{Name} must be a number"),
        "not_a_whole_number": N_("{Name} must be a whole number"),
        "too_many_decimals": N_("{Name} must have {decimals} decimal places or fewer"),
        "too_small": N_("{Name} must be {min} or more"),
        "too_large": N_("{Name} must be {max} or less"),
        "too_long": N_("{Name} must be a number"),
    }
    plain_messages = {
        "required": N_("Enter a number"),
        "invalid": N_("Your answer must be a number"),
        "not_a_whole_number": N_("Your answer must be a whole number"),
        "too_many_decimals": N_("Your answer must have {decimals} decimal places or fewer"),
        "too_small": N_("Your answer must be {min} or more"),
        "too_large": N_("Your answer must be {max} or less"),
        "too_long": N_("Your answer must be a number"),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> int | Decimal:
        decimals = question.setting("decimals", 0)
        try:
            value = V.parse_number(raw.get("", ""), decimals=decimals)
        except V.InvalidValue as exc:
            raise Invalid(exc.kind, decimals=decimals) from None
        _range_check(question, value, value)
        return value

    def to_raw(self, question: Question, value: Any) -> Raw:
        return {"": "" if value is None else str(value)}

    def expression_type(self, question: Question) -> Any:
        return T.NUMBER

    def to_expression(self, question: Question, value: Any) -> Any:
        return None if value is None else Decimal(str(value))

    def expression_bounds(self, question: Question) -> tuple[Any, Any]:
        return question.setting("min"), question.setting("max")

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        if value is None:
            return []
        shown = V.format_number(Decimal(str(value)), locale=ctx.language)
        suffix = question.setting("suffix")
        return [f"{shown} {ctx.label(suffix)}" if suffix else shown]

    def example_answer(self, question: Question, today: datetime.date) -> int | Decimal | None:
        """42, or the number nearest to it that min, max and decimals allow."""
        decimals = question.setting("decimals", 0)
        step = Decimal(1).scaleb(-decimals)
        low, high = question.setting("min"), question.setting("max")
        value = Decimal(42)
        if low is not None:
            value = max(value, Decimal(str(low)).quantize(step, rounding=ROUND_CEILING))
        if high is not None:
            value = min(value, Decimal(str(high)).quantize(step, rounding=ROUND_FLOOR))
        if low is not None and value < Decimal(str(low)):
            return None  # no number with those decimals between min and max
        return value.quantize(step) if decimals else int(value)


def _range_check(question: Question, value: Any, pounds: Any, money: bool = False) -> None:
    low, high = question.setting("min"), question.setting("max")
    show = (
        (lambda n: V.format_money(int(Decimal(str(n)) * 100)))
        if money
        else (lambda n: V.format_number(Decimal(str(n))))
    )
    if low is not None and pounds < Decimal(str(low)):
        raise Invalid("too_small", min=show(low), max=show(high) if high is not None else "")
    if high is not None and pounds > Decimal(str(high)):
        raise Invalid("too_large", max=show(high), min=show(low) if low is not None else "")


class MoneyType(QuestionType):
    name = "money"
    reads_a_value = True
    component = "input"
    keys = {"min": K.NUMBER, "max": K.NUMBER, "width": K.WIDTH}
    input_attrs = {"inputmode": "decimal", "spellcheck": False, "width": "10", "prefix": "£"}
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_("{Name} must be an amount of money, like 600 or 1,250.50"),
        "too_many_decimals": N_("{Name} must be in pounds and pence, like 193.54"),
        "negative": N_("{Name} must be £0 or more"),
        "too_small": N_("{Name} must be {min} or more"),
        "too_large": N_("{Name} must be {max} or less"),
        "too_long": N_("{Name} must be an amount of money, like 600 or 1,250.50"),
    }
    plain_messages = {
        "required": N_("Enter an amount of money"),
        "invalid": N_("Enter an amount of money, like 600 or 1,250.50"),
        "too_many_decimals": N_("The amount must be in pounds and pence, like 193.54"),
        "negative": N_("The amount must be £0 or more"),
        "too_small": N_("The amount must be {min} or more"),
        "too_large": N_("The amount must be {max} or less"),
        "too_long": N_("Enter an amount of money, like 600 or 1,250.50"),
    }

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> int:
        try:
            pence = V.parse_money(raw.get("", ""))
        except V.InvalidValue as exc:
            raise Invalid(exc.kind) from None
        _range_check(question, pence, Decimal(pence) / 100, money=True)
        return pence

    def to_raw(self, question: Question, value: Any) -> Raw:
        if value is None:
            return {"": ""}
        pounds, pence = divmod(int(value), 100)
        return {"": f"{pounds}.{pence:02d}" if pence else str(pounds)}

    def expression_type(self, question: Question) -> Any:
        return T.NUMBER

    def to_expression(self, question: Question, value: Any) -> Any:
        return None if value is None else Decimal(int(value)) / 100

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        return [] if value is None else [V.format_money(int(value), locale=ctx.language)]

    paper_settings = ("pound_sign",)

    def paper_lines(
        self, question: Question, value: Any, ctx: Display, *, pound_sign: bool = True
    ) -> list[str]:
        """As displayed ("£1,250.50"), without the £ for a box that prints its own."""
        lines = self.display(question, value, ctx)
        return lines if pound_sign else [line.replace("£", "", 1) for line in lines]

    def csv_cell(self, question: Question, value: Any) -> str:
        """Pounds with two decimals ("1250.50"), as spreadsheets read money."""
        if isinstance(value, int | float | str):
            try:
                return f"{Decimal(str(value)) / 100:.2f}"
            except InvalidOperation:
                return str(value)
        return super().csv_cell(question, value)

    def example_answer(self, question: Question, today: datetime.date) -> int | None:
        """£1,250.50 in pence, or the amount nearest to it that min and max allow."""
        low, high = question.setting("min"), question.setting("max")
        pence = 125050
        if low is not None:
            pence = max(pence, math.ceil(Decimal(str(low)) * 100))
        if high is not None:
            pence = min(pence, math.floor(Decimal(str(high)) * 100))
        low_pence = 0 if low is None else max(0, math.ceil(Decimal(str(low)) * 100))
        return pence if pence >= low_pence else None

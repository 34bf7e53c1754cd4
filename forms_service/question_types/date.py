"""`date`: a GOV.UK date input (day, month, year), or month and year."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from forms_service.question_types import keys as K
from forms_service.question_types import values as V
from forms_service.question_types.answer_types import T
from forms_service.question_types.base import N_, Display, Invalid, QuestionType, Raw

if TYPE_CHECKING:
    from forms_service.definitions.model import Question


class DateType(QuestionType):
    name = "date"
    reads_a_value = True
    component = "date"
    keys = {
        "not_before": K.DATE_BOUND,
        "not_after": K.DATE_BOUND,
        "precision": K.Key("choice", choices=("day", "month")),
        "autocomplete": K.Key("choice", choices=("bday", "off")),
    }
    messages = {
        "required": N_("Enter {name}"),
        "invalid": N_("{Name} must be a real date"),
        "not_real_date": N_("{Name} must be a real date"),
        "missing_day": N_("{Name} must include a day"),
        "missing_month": N_("{Name} must include a month"),
        "missing_year": N_("{Name} must include a year"),
        "missing_day_and_month": N_("{Name} must include a day and month"),
        "missing_day_and_year": N_("{Name} must include a day and year"),
        "missing_month_and_year": N_("{Name} must include a month and year"),
        "year_not_4_digits": N_("Year must include 4 numbers"),
        "too_long": N_("{Name} must be a real date"),
        "too_early": N_("{Name} must be {date} or later"),
        "too_late": N_("{Name} must be {date} or earlier"),
        "today_or_past": N_("{Name} must be today or in the past"),
        "today_or_future": N_("{Name} must be today or in the future"),
        "past": N_("{Name} must be in the past"),
        "future": N_("{Name} must be in the future"),
    }
    plain_messages = {
        "required": N_("Enter a date"),
        "invalid": N_("The date must be a real date"),
        "not_real_date": N_("The date must be a real date"),
        "missing_day": N_("The date must include a day"),
        "missing_month": N_("The date must include a month"),
        "missing_year": N_("The date must include a year"),
        "missing_day_and_month": N_("The date must include a day and month"),
        "missing_day_and_year": N_("The date must include a day and year"),
        "missing_month_and_year": N_("The date must include a month and year"),
        "too_long": N_("The date must be a real date"),
        "too_early": N_("The date must be {date} or later"),
        "too_late": N_("The date must be {date} or earlier"),
        "today_or_past": N_("The date must be today or in the past"),
        "today_or_future": N_("The date must be today or in the future"),
        "past": N_("The date must be in the past"),
        "future": N_("The date must be in the future"),
    }
    # The hint that shows a relative limit's real date (see limits_hint).
    hints = {
        "between": N_("Choose a date between {start} and {end}."),
        "from": N_("The date must be {start} or later."),
        "until": N_("The date must be {end} or earlier."),
    }

    def input_parts(self, question: Question) -> tuple[str, ...]:
        if question.setting("precision") == "month":
            return ("month", "year")
        return ("day", "month", "year")

    def required_parts(self, question: Question) -> tuple[str, ...]:
        return self.input_parts(question)

    def default_hint(self, question: Question) -> str | None:
        if question.setting("precision") == "month":
            return N_("For example, 3 2007")
        return N_("For example, 27 3 2007")

    def parse(self, question: Question, raw: Raw, today: datetime.date) -> str:
        precision = question.setting("precision", "day")
        try:
            value = V.parse_date(
                raw.get("day", ""), raw.get("month", ""), raw.get("year", ""), precision=precision
            )
        except V.InvalidValue as exc:
            raise Invalid(exc.kind, tuple(exc.parts or self.input_parts(question))) from None
        self._bounds(question, value, today)
        return value.isoformat()

    def _bounds(self, question: Question, value: datetime.date, today: datetime.date) -> None:
        parts = self.input_parts(question)
        not_before = question.setting("not_before")
        not_after = question.setting("not_after")
        if not_before is not None:
            bound = V.resolve_date_bound(not_before, today)
            if value < bound:
                raise Invalid("too_early", parts, _relative(not_before, "early"), date=bound)
        if not_after is not None:
            bound = V.resolve_date_bound(not_after, today)
            if value > bound:
                raise Invalid("too_late", parts, _relative(not_after, "late"), date=bound)

    def limits_hint(
        self, question: Question, today: datetime.date
    ) -> tuple[str, dict[str, datetime.date]] | None:
        """The hint (message and dates) giving the real dates of relative limits such as
        `today+3d`, which the citizen cannot work out from the definition's words.

        Only limits a few days, weeks or months from today: `today` itself is "in the past"
        or "in the future" (the error says so), and limits in years are ages or sanity
        bounds (`today-120y`) that the citizen never comes near.
        """
        low, high = (
            V.resolve_date_bound(spec, today)
            if isinstance(spec := question.setting(key), str) and _is_near(spec)
            else None
            for key in ("not_before", "not_after")
        )
        if low is not None and high is not None:
            return self.hints["between"], {"start": low, "end": high}
        if low is not None:
            return self.hints["from"], {"start": low}
        if high is not None:
            return self.hints["until"], {"end": high}
        return None

    def to_raw(self, question: Question, value: Any) -> Raw:
        if not value:
            return dict.fromkeys(self.input_parts(question), "")
        day = datetime.date.fromisoformat(value)
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}

    def expression_type(self, question: Question) -> Any:
        return T.DATE

    def to_expression(self, question: Question, value: Any) -> Any:
        return datetime.date.fromisoformat(value) if value else None

    def display(self, question: Question, value: Any, ctx: Display) -> list[str]:
        if not value:
            return []
        precision = question.setting("precision", "day")
        day = datetime.date.fromisoformat(value)
        return [V.format_date(day, precision=precision, locale=ctx.language)]

    def paper_lines(
        self, question: Question, value: Any, ctx: Display, *, pound_sign: bool = True
    ) -> list[str]:
        """As UK paper forms write a date in one box: 05/03/2024 (03/2024 by month)."""
        if not value:
            return []
        day = datetime.date.fromisoformat(value)
        if question.setting("precision") == "month":
            return [f"{day.month:02d}/{day.year}"]
        return [f"{day.day:02d}/{day.month:02d}/{day.year}"]

    def paper_part(self, question: Question, value: Any, part: str) -> str:
        """Day and month in two digits ("05"), the year in four."""
        if not value or part not in ("day", "month", "year"):
            return ""
        number = getattr(datetime.date.fromisoformat(value), part)
        return str(number) if part == "year" else f"{number:02d}"

    def example_answer(self, question: Question, today: datetime.date) -> str | None:
        """not_before, else not_after, else today (the 1st of that month or the next one for
        month precision), resolved against `today`; None when the bounds allow no date."""
        low, high = (
            None
            if question.setting(key) is None
            else V.resolve_date_bound(question.setting(key), today)
            for key in ("not_before", "not_after")
        )
        day = low or high or today
        candidates = [day]
        if question.setting("precision") == "month":
            first = day.replace(day=1)
            candidates = [first, (first + datetime.timedelta(days=31)).replace(day=1)]
        for day in candidates:
            allowed = (low is None or day >= low) and (high is None or day <= high)
            if allowed and 1000 <= day.year <= 9999:  # a year is typed with 4 digits
                return day.isoformat()
        return None


def _relative(spec: str, side: str) -> str | None:
    """The GOV.UK wording for the common relative limits ("must be in the past")."""
    if spec == "today":
        return "today_or_past" if side == "late" else "today_or_future"
    if spec in ("today-1d", "yesterday") and side == "late":
        return "past"
    if spec == "today+1d" and side == "early":
        return "future"
    return None


def _is_near(spec: str) -> bool:
    """Whether a limit is relative to today by days, weeks or months (see limits_hint)."""
    compact = spec.replace(" ", "")
    if compact in ("today", "today-1d", "today+1d"):  # "in the past", "in the future"
        return False
    return compact.startswith("today") and compact[-1:] in ("d", "w", "m")

"""Staff read the comments citizens gave with their satisfaction rating
(/staff/performance/comments), newest first, 50 a page, for one form or all, over chosen
days. People write what they like in a comment, so reading them is audited, and a comment
that looks like it holds an email address or a phone number carries a warning.
"""

from __future__ import annotations

import datetime
import math
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext

from forms_service.clock import utcnow
from forms_service.performance.personal_data import may_hold_personal_data
from forms_service.roles import ADMIN, PERFORMANCE
from forms_service.views.common import store
from forms_service.views.satisfaction import RATING_LABELS
from forms_service.views.staff_access import audit, staff_required

bp = Blueprint("feedback_comments", __name__, url_prefix="/staff/performance")

PER_PAGE = 50
DEFAULT_DAYS = 30
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def _day(name: str, label: str, errors: list[dict[str, str]]) -> datetime.date | None:
    """A day from the GOV.UK date input `name`-day/-month/-year, or from `name` as
    YYYY-MM-DD (links from the dashboard); None when not given. One that cannot be read
    adds an error and is not used."""
    from forms_service.question_types.values import InvalidValue, parse_date

    args = request.args
    parts = [args.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")]
    if not any(parts):
        iso = args.get(name, "").strip()
        if not iso:
            return None
        try:
            return datetime.date.fromisoformat(iso)
        except ValueError:
            errors.append(
                {"text": gettext("%(label)s must be a real date", label=label),
                 "href": f"#{name}-day"}
            )  # fmt: skip
            return None
    try:
        return parse_date(*parts)
    except InvalidValue:
        errors.append(
            {"text": gettext("%(label)s must be a real date", label=label), "href": f"#{name}-day"}
        )
        return None


@bp.get("/comments")
@staff_required(PERFORMANCE, ADMIN)
def comments():
    forms = sorted(current_app.extensions["forms"].values(), key=lambda f: f.title.pick("en"))
    titles = {form.id: form.title.pick("en") for form in forms}
    chosen_form = request.args.get("form", "")
    form_id = chosen_form if chosen_form in titles else None
    errors: list[dict[str, str]] = []
    today = utcnow().date()
    start = _day("from", gettext("Date from"), errors)
    end = _day("to", gettext("Date to"), errors)
    end = end or today
    start = start or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        errors.append(
            {"text": gettext("Date to must be the same as or after date from"), "href": "#to-day"}
        )
        start, end = end - datetime.timedelta(days=DEFAULT_DAYS - 1), end
    page = max(1, request.args.get("page", 1, type=int))
    rows, total = store().feedback_comments(
        form_id, start, end, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    pages = max(1, math.ceil(total / PER_PAGE))
    audit(
        "feedback_comments",
        form_id,
        start=start.isoformat(),
        end=end.isoformat(),
        page=page,
        count=len(rows),
    )
    others = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    shown: list[dict[str, Any]] = []
    for row in rows:
        comment = row.comment or ""
        shown.append(
            {
                "at": row.at,
                "form": titles.get(row.form_id, row.form_id),
                "rating": gettext(RATING_LABELS[row.rating]) if row.rating in RATING_LABELS else "",
                "language": LANGUAGE_NAMES.get(row.language, row.language),
                "language_code": row.language,
                "lines": comment.split("\n"),
                "warning": may_hold_personal_data(comment),
            }
        )
    return render_template(
        "staff/feedback_comments.html",
        journey=None,
        form=None,
        rows=shown,
        total=total,
        page=page,
        pages=pages,
        page_url=lambda n: (
            url_for("feedback_comments.comments") + "?" + urlencode([*others, ("page", n)])
        ),
        forms=[(form.id, titles[form.id]) for form in forms],
        chosen_form=form_id or "",
        start=start,
        end=end,
        errors=errors,
        date_parts={
            name: {
                "day": str(day.day),
                "month": str(day.month),
                "year": str(day.year),
            }
            for name, day in (("from", start), ("to", end))
        },
    )

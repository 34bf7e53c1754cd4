"""A citizen driving the service through the Flask test client, for integration tests."""

from __future__ import annotations

import datetime
import re
from typing import Any

from forms_service.definitions.model import Form, Question
from forms_service.question_types.values import resolve_date_bound

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def valid_fields(question: Question, today: datetime.date) -> dict[str, Any]:
    """Form fields that answer this question validly (the first option for choices)."""
    q, t = question.id, question.type
    if t == "date":
        day = _a_valid_date(question, today)
        fields = {f"{q}-month": str(day.month), f"{q}-year": str(day.year)}
        if question.setting("precision") != "month":
            fields[f"{q}-day"] = str(day.day)
        return fields
    if t == "address":
        fields = {
            f"{q}-line1": "1 High Street",
            f"{q}-town": "Cardiff",
            f"{q}-postcode": "CF10 1AA",
        }
        if question.setting("international"):
            fields[f"{q}-country"] = "United Kingdom"
        return fields
    if t == "name":
        return {f"{q}-title": "Ms", f"{q}-first": "Jo", f"{q}-last": "Bloggs"}
    if t == "email":
        return {q: "citizen@example.com", f"{q}-confirm": "citizen@example.com"}
    if t in ("radios", "select"):
        return {q: question.options[0].value}
    if t == "checkboxes":
        return {q: [next(o.value for o in question.options if not o.exclusive)]}
    simple = {
        "text": "Sample answer",
        "textarea": "Some words about it.",
        "number": "1",
        "money": "100",
        "yes_no": "yes",
        "phone": "07700 900982",
        "postcode": "SW1A 1AA",
        "national_insurance_number": "QQ123456C",
    }
    if t == "number" and question.setting("min") is not None:
        return {q: str(question.setting("min"))}
    return {q: simple[t]} if t in simple else {}


def _a_valid_date(question: Question, today: datetime.date) -> datetime.date:
    low, high = question.setting("not_before"), question.setting("not_after")
    if low is not None:
        day = resolve_date_bound(low, today)
        return day + datetime.timedelta(days=1) if high is not None else day
    if high is not None:
        return resolve_date_bound(high, today) - datetime.timedelta(days=400)
    return today - datetime.timedelta(days=365 * 30)


def page_fields(
    form: Form, page_id: str, today: datetime.date, overrides: dict[str, Any]
) -> dict[str, Any]:
    """Valid fields for every question on the page, revealed ones included."""
    fields: dict[str, Any] = {}
    page = form.page(page_id)
    for question, _, _ in page.all_questions():
        answer = overrides.get(question.id)
        if isinstance(answer, dict):
            fields.update(answer)
        elif answer is not None:
            fields[question.id] = answer
        else:
            fields.update(valid_fields(question, today))
    return fields


class Citizen:
    def __init__(self, client: Any, base: str = ""):
        self.client = client
        self.token: str | None = None
        self.base = base  # where the form's pages are: "" for a citizen, staff URLs else

    def get(self, url: str, **kwargs: Any) -> Any:
        response = self.client.get(url, **kwargs)
        found = CSRF.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, url: str, data: dict[str, Any]) -> Any:
        if self.token is None:
            self.get(url)
        return self.client.post(url, data={"csrf_token": self.token, **data})

    def post_with_errors(self, url: str, data: dict[str, Any]) -> Any:
        """POST answers the page refuses: it redirects to itself (303, post/redirect/get, so
        Back never lands on a POST) and the page then shows the errors: returned."""
        response = self.post(url, data)
        assert response.status_code == 303, f"{url} took the answers ({response.status_code})"
        assert response.headers["Location"] == url, response.headers["Location"]
        return self.get(url)

    def walk(
        self,
        form: Form,
        overrides: dict[str, Any] | None = None,
        today: datetime.date | None = None,
        until: str | None = None,
    ) -> str:
        """Answer page after page from the start until check your answers (or an exit page).

        Returns the URL path where the walk stopped.
        """
        today = today or datetime.date.today()
        url = f"{self.base}/{form.id}/"
        response = self.get(url)
        if response.status_code == 302:
            url = response.headers["Location"]
        else:
            url = f"{self.base}/{form.id}/{form.pages[0].id}"
        for _ in range(400):
            page_id = url.rstrip("/").split("/")[-1].split("?")[0]
            if page_id == "check-your-answers" or page_id == until:
                return url
            if page_id == "tasks":
                url = self.next_task(form)
                continue
            page = form.page(page_id)
            assert page is not None, f"walked to an unknown page: {url}"
            self.get(url)
            if page.is_exit:
                return url
            if page.is_repeat:  # the add-another page: the items so far are enough
                fields = {"add_another": (overrides or {}).get(f"{page_id}:add_another", "no")}
            else:
                fields = page_fields(form, page_id, today, overrides or {})
            response = self.post(url, fields)
            if response.status_code == 303:  # refused: the page shows why
                response = self.get(url)
            assert response.status_code == 302, (
                f"{url} refused the answers ({response.status_code}): "
                + " | ".join(
                    re.findall(
                        r'govuk-error-message">\s*<span[^>]*>[^<]*</span>([^<]*)',
                        response.get_data(as_text=True),
                    )
                )
            )
            url = response.headers["Location"]
        raise AssertionError("the walk did not end: a routing loop?")

    def next_task(self, form: Form) -> str:
        """From the task list: the first task not completed, or check your answers."""
        html = self.get(f"{self.base}/{form.id}/tasks").get_data(as_text=True)
        for item in re.findall(r'<li class="govuk-task-list__item.*?</li>', html, re.S):
            link = re.search(r'href="([^"]+)"', item)
            if link and "Completed" not in item:
                return link.group(1)
        done = f"{self.base}/{form.id}/check-your-answers"
        assert f'href="{done}"' in html, "no task to do, yet not done"
        return done

    def submit(self, form: Form) -> Any:
        url = f"{self.base}/{form.id}/check-your-answers"
        self.get(url)
        data = {"declaration": "yes"} if form.declaration else {}
        return self.post(url, data)

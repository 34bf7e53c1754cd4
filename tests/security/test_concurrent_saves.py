"""Item 8 and the load run's findings: one citizen's two tabs saving at once.

Each tab is its own HTTP connection carrying the same session cookie, so the server sees
what a browser with two tabs sends: concurrent requests on one session and one draft.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from forms_service.data import Draft, Submission, WebSession
from tests.live import Visitor

PAGES = "abcdefgh"
REFERENCE = re.compile(r"\b[A-Z]{2,4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")
DEFINITION = "id: tabs\nversion: 1\ntitle: Two tabs\npages:\n" + "".join(
    f"  - id: page-{p}\n    questions:\n      - {{id: q_{p}, type: text, label: Question {p}}}\n"
    for p in PAGES
)


def tabs_app(live, tmp_path: Path):
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "tabs.yaml").write_text(DEFINITION)
    return live(definitions=folder)


def second_tab(first: Visitor, url: str) -> Visitor:
    tab = Visitor(url)
    tab.http.cookies = first.http.cookies
    tab.csrf = first.csrf
    return tab


def at_once(*calls) -> list:
    """Run the calls in threads released together, so their requests overlap."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_tabs_changing_answers_at_once_lose_none(live, tmp_path):
    url, app = tabs_app(live, tmp_path)
    one = Visitor(url)
    one.get("/tabs/page-a")
    for page in PAGES:
        assert one.post(f"/tabs/page-{page}", {f"q_{page}": "first"}).status_code == 302
    two = second_tab(one, url)
    for round_ in range(5):

        def change(tab: Visitor, pages: str, value: str):
            def run():
                return [
                    tab.post(f"/tabs/page-{p}?change=1", {f"q_{p}": value}).status_code
                    for p in pages
                ]

            return run

        codes = at_once(
            change(one, PAGES[0::2], f"one-{round_}"), change(two, PAGES[1::2], f"two-{round_}")
        )
        assert all(code == 302 for tab in codes for code in tab), codes
        with app.extensions["store"].sessions() as db:
            answers = db.scalars(select(Draft).where(Draft.form_id == "tabs")).one().answers
        saved = {p: answers[f"page-{p}"][f"q_{p}"] for p in PAGES}
        wanted = {
            p: f"one-{round_}" if i % 2 == 0 else f"two-{round_}" for i, p in enumerate(PAGES)
        }
        assert saved == wanted, f"round {round_}: a tab's answers were lost"
    one.close()
    two.close()


def test_two_tabs_saving_the_first_page_at_once_make_one_draft(live, tmp_path):
    url, app = tabs_app(live, tmp_path)
    for _citizen in range(6):
        one = Visitor(url)
        one.get("/tabs/page-a")  # the session (and its CSRF token) exist before the race
        two = second_tab(one, url)
        codes = at_once(
            lambda one=one: one.post("/tabs/page-a", {"q_a": "one"}).status_code,
            lambda two=two: two.post("/tabs/page-a", {"q_a": "two"}).status_code,
        )
        assert codes == [302, 302]
        one.close()
        two.close()
    with app.extensions["store"].sessions() as db:
        per_session = db.execute(
            select(Draft.session_key, func.count()).group_by(Draft.session_key)
        ).all()
    assert len(per_session) == 6
    assert all(count == 1 for _key, count in per_session), per_session


def test_requests_arriving_together_are_all_counted_by_a_rate_limit(live):
    url, _app = live(RESUME_TOKEN_ATTEMPTS_PER_IP=10)
    guesses = [Visitor(url) for _ in range(20)]
    codes = at_once(*(lambda v=v: v.get("/resume/" + "x" * 40).status_code for v in guesses))
    for each in guesses:
        each.close()
    assert sorted(codes) == [404] * 10 + [429] * 10


def answered_all(url: str) -> Visitor:
    citizen = Visitor(url)
    citizen.get("/tabs/page-a")
    for page in PAGES:
        assert citizen.post(f"/tabs/page-{page}", {f"q_{page}": "yes"}).status_code == 302
    citizen.get("/tabs/check-your-answers")
    return citizen


def reference_on(tab: Visitor) -> str:
    page = tab.get("/tabs/confirmation")
    assert page.status_code == 200, page.headers.get("location")
    return REFERENCE.search(page.text).group(0)


def submissions(app) -> list[str]:
    with app.extensions["store"].sessions() as db:
        return list(db.scalars(select(Submission.reference)))


def test_a_double_clicked_submit_shows_both_clicks_the_one_reference(live, tmp_path):
    url, app = tabs_app(live, tmp_path)
    for _citizen in range(5):
        one = answered_all(url)
        two = second_tab(one, url)
        codes = at_once(
            lambda one=one: one.post("/tabs/check-your-answers"),
            lambda two=two: two.post("/tabs/check-your-answers"),
        )
        assert [c.headers["location"] for c in codes] == ["/tabs/confirmation"] * 2
        assert reference_on(one) == reference_on(two)
        one.close()
        two.close()
    assert len(submissions(app)) == 5


def test_a_crash_before_the_session_was_saved_does_not_make_a_second_claim(live, tmp_path):
    url, app = tabs_app(live, tmp_path)
    citizen = answered_all(url)
    store = app.extensions["store"]
    with store.sessions() as db:
        before = {row.key: dict(row.data) for row in db.scalars(select(WebSession))}
    assert citizen.post("/tabs/check-your-answers").headers["location"] == "/tabs/confirmation"
    # The server died after storing the submission, before the session was written: the
    # session is as it was before Submit, and the citizen, seeing no answer, submits again.
    with store.sessions.begin() as db:
        for row in db.scalars(select(WebSession)):
            row.data = before[row.key]
    again = citizen.post("/tabs/check-your-answers")
    assert again.headers["location"] == "/tabs/confirmation"
    assert submissions(app) == [reference_on(citizen)]

"""The harness itself: axe-core must fail a page with real violations, JavaScript on or off."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

BAD_PAGE = """<!doctype html>
<html lang="en"><head><title>Bad page</title></head>
<body><main>
  <h1>Bad page</h1>
  <img src="/assets/images/govuk-crest.svg">
  <input type="text" name="nameless">
  <input type="radio" class="govuk-radios__input" name="r" value="a" aria-controls="x"
         aria-expanded="false" aria-pressed="true">
</main></body></html>"""


def serve_bad_page(page) -> None:
    page.route(
        "**/__e2e_bad_page__",
        lambda route: route.fulfill(status=200, content_type="text/html", body=BAD_PAGE),
    )
    page.goto("/__e2e_bad_page__")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_axe_check_fails_on_violations(new_context, axe, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    serve_bad_page(page)
    with pytest.raises(pytest.fail.Exception) as failure:
        axe.check(page, javascript=javascript)
    message = str(failure.value)
    assert "/__e2e_bad_page__" in message
    assert "image-alt [critical]" in message
    assert "label [critical]" in message
    # The GOV.UK aria-expanded allowance does not cover any other attribute.
    assert 'aria-pressed="true"' in message

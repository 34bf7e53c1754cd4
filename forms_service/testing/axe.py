"""axe-core in Chromium (Playwright), for the browser tests and `test-journeys --browser`.

Playwright is a test dependency: this module imports it only for type checking, so the
package loads without it; callers import playwright themselves (lazily).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

AXE_SOURCE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Loads the app's copy of axe-core once per page (a <script src> is allowed by the CSP where
# inline code is not), then runs it: one round trip per page.
RUN_AXE = """async ([url, options]) => {
  if (typeof window.axe !== "object") {
    await new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = () => reject(new Error("could not load " + url));
      document.head.append(script);
    });
  }
  return axe.run(document, options);
}"""


def chromium_launch_args() -> dict[str, Any]:
    """How to launch Chromium here: the system build (Playwright cannot download its own)."""
    return {
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


class AxeMissing(Exception):
    """The vendored axe-core is not there (make assets copies it)."""


class Axe:
    """Runs axe-core (the npm build the app vendors) on a page; returns the violations.

    The pages' Content-Security-Policy refuses inline scripts, so `add_script_tag(path=...)`
    is blocked; the same file is loaded from the app's own static folder instead (allowed as
    'self', and compiled once thanks to the browser cache), or evaluated through the DevTools
    protocol when the app does not serve it. The app's real headers stay in force.
    A page shown with JavaScript off cannot run axe (its timers never fire), so its DOM is
    copied, without scripts, into a JavaScript-on page on the same origin and checked there.
    `stats` counts the pages checked and the known GOV.UK findings tolerated.
    """

    SERVED_AT = "/static/vendor/axe.min.js"

    def __init__(self, browser: Browser, base_url: str, stats: dict[str, Any] | None = None):
        if not AXE_SOURCE.exists():
            raise AxeMissing(f"{AXE_SOURCE} is missing: run `make assets` first")
        self.browser = browser
        self.base_url = base_url
        self.stats = stats if stats is not None else {"pages": 0, "tolerated": set()}
        self._url = ""
        self._mirror: Page | None = None
        self._mirror_context: BrowserContext | None = None
        self._mirror_html = ""

    def violations(self, page: Page, *, javascript: bool = True) -> list[dict[str, Any]]:
        from playwright.sync_api import Error as PlaywrightError

        self._url = page.url
        target = page if javascript else self._mirror_of(page)
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        try:
            results = target.evaluate(RUN_AXE, [self.SERVED_AT, options])
        except PlaywrightError as error:
            if "could not load" not in str(error):
                raise
            target.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
            results = target.evaluate(RUN_AXE, [self.SERVED_AT, options])
        self.stats["pages"] += 1
        return [v for v in map(self._without_known, results["violations"]) if v["nodes"]]

    def _without_known(self, violation: dict[str, Any]) -> dict[str, Any]:
        """Drop the one known, deliberate GOV.UK Frontend finding (see _govuk_conditional)."""
        nodes = []
        for node in violation["nodes"]:
            if _govuk_conditional(violation["id"], node):
                self.stats["tolerated"].add(f"{urlsplit(self._url).path} {node['target'][0]}")
            else:
                nodes.append(node)
        return {**violation, "nodes": nodes}

    def _mirror_of(self, page: Page) -> Page:
        self._mirror_html = re.sub(r"(?is)<script\b[^>]*>.*?</script\s*>", "", page.content())
        if self._mirror is None:
            self._mirror_context = self.browser.new_context(base_url=self.base_url)
            self._mirror = self._mirror_context.new_page()
            self._mirror.route(
                "**/__axe_mirror__",
                lambda route: route.fulfill(
                    status=200, content_type="text/html; charset=utf-8", body=self._mirror_html
                ),
            )
        self._mirror.goto("/__axe_mirror__")
        return self._mirror

    def close(self) -> None:
        if self._mirror_context is not None:
            self._mirror_context.close()


def _govuk_conditional(rule: str, node: Mapping[str, Any]) -> bool:
    """aria-expanded on a GOV.UK radio or checkbox that reveals a question, and nothing else.

    GOV.UK Frontend's JavaScript sets aria-expanded on these inputs on purpose: screen
    readers announce it and user research found it helps, although ARIA does not allow it on
    role radio/checkbox (alphagov/govuk-frontend#979, #1991; the change was declined in
    #2823). Any other attribute, rule or element still fails the test.
    """
    if rule != "aria-allowed-attr":
        return False
    html = node.get("html", "")
    if (
        not re.search(r'class="govuk-(radios|checkboxes)__input"', html)
        or "aria-controls=" not in html
    ):
        return False
    checks = [c for key in ("any", "all", "none") for c in node.get(key, [])]
    allowed = re.compile(r'ARIA attribute is not allowed: aria-expanded="(true|false)"')
    return bool(checks) and all(allowed.fullmatch(c.get("message", "")) for c in checks)


def format_violations(violations: Sequence[Mapping[str, Any]], url: str, title: str) -> str:
    lines = [f"axe-core: {len(violations)} accessibility violation(s) on {url} ({title!r})"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact') or 'n/a'}]: {v['help']}")
        lines.append(f"  {v.get('helpUrl', '')}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"  at {target}")
            html = " ".join(str(node.get("html", "")).split())
            lines.append(f"     {html[:240]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"     {summary}")
    return "\n".join(lines)

"""The documentation site in docs/, checked the way a reader meets it: in headless Chromium.

The site is served by a `http.server` thread on 127.0.0.1 and every request that leaves that
address is blocked and reported. Under CI (`CI=true`) a missing Chromium or Playwright fails the
tests, and elsewhere it skips them. On a failure, screenshots of the home and theory pages are saved
under build/test-artifacts/docs/.
"""
import functools
import http.server
import inspect
import json
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ARTIFACTS = ROOT / "build" / "test-artifacts" / "docs"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
THEORY_PAGE = "theory.html"
# Tutorial pages must show figures. A page that does not exist yet is skipped, except the theory page.
TUTORIAL_PAGES = [THEORY_PAGE, "mog.html"]
PAGE_TIMEOUT_MS = 30_000


def _missing_browser_parts() -> list[str]:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        missing.append(f"Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    return missing


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class Site:
    "The served docs/ folder and one browser, with helpers that record every problem a page shows."

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url

    def open(self, page_name: str):
        "Open `page_name` in a fresh page, and return the page and the list its problems are appended to."
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        problems = []

        def route(route):
            if urlsplit(route.request.url).netloc == urlsplit(self.base_url).netloc:
                route.continue_()
            else:
                problems.append(f"request to another host blocked: {route.request.url}")
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda message: message.type == "error"
                and problems.append(f"console error: {message.text} at {message.location.get('url')}"))
        page.on("pageerror", lambda error: problems.append(f"uncaught script error: {error}"))
        page.on("requestfailed", lambda request: problems.append(
            f"request failed: {request.url} ({request.failure})"))
        page.on("response", lambda response: response.status >= 400
                and problems.append(f"HTTP {response.status}: {response.url}"))
        page.goto(self.base_url + page_name, wait_until="networkidle")
        # MathJax typesets after the load event, and its promise settles when every formula is done.
        page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        return page, problems

    def screenshots(self) -> list[str]:
        "Save screenshots of the home and theory pages, and return their paths."
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in ["index.html", THEORY_PAGE]:
            if not (DOCS / name).exists():
                continue
            page, _ = self.open(name)
            path = ARTIFACTS / name.replace(".html", ".png")
            page.screenshot(path=str(path), full_page=True)
            page.context.close()
            paths.append(str(path))
        return paths

    def check(self, condition: bool, message: str) -> None:
        "Fail with `message` and the screenshot paths unless `condition` holds."
        if not condition:
            pytest.fail(f"{message}\nScreenshots of the home and theory pages: {self.screenshots()}")


@pytest.fixture(scope="module")
def site():
    missing = _missing_browser_parts()
    if missing:
        message = "The browser check of docs/ needs " + " and ".join(missing) + "."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert (DOCS / "index.html").exists(), "docs/index.html not found. Run `python tools/build_docs.py`."

    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(DOCS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield Site(browser, f"http://127.0.0.1:{server.server_address[1]}/")
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


def _navigation_pages(site: Site) -> list[str]:
    "Pages that the home page's sidebar links to, in sidebar order."
    page, _ = site.open("index.html")
    hrefs = page.eval_on_selector_all(".sidebar-tree a.reference.internal", "links => links.map(a => a.getAttribute('href'))")
    page.context.close()
    return [href.split("#")[0] for href in hrefs]


def test_navigation_links_every_page(site):
    pages = json.loads((DOCS / "build-manifest.json").read_text())["pages"]
    linked = set(_navigation_pages(site)) | {"index.html"}
    site.check(linked == set(pages), f"The sidebar links {sorted(linked)}; the site has {sorted(pages)}.")


def test_pages_load_without_errors(site):
    for name in ["index.html"] + _navigation_pages(site):
        page, problems = site.open(name)
        page.context.close()
        site.check(not problems, f"{name}: " + "\n".join(problems))


def test_core_page_shows_bre_loss_signature(site):
    from bre_nb.core import bre_loss

    page, problems = site.open("core.html")
    entry = page.locator("section#bre-loss")
    site.check(entry.count() == 1, "core.html has no section with the id bre-loss (show_doc of bre_loss).")
    signature = entry.locator("pre").first.inner_text()
    page.context.close()
    site.check("def bre_loss(" in signature, f"The bre_loss entry shows no signature: {signature!r}")
    for name in inspect.signature(bre_loss).parameters:
        site.check(f"{name}:" in signature, f"The bre_loss signature lacks the parameter {name}: {signature!r}")
    site.check("# " in signature, f"The bre_loss signature shows no parameter comments: {signature!r}")


def test_theory_page_renders_math(site):
    site.check((DOCS / THEORY_PAGE).exists(), f"docs/{THEORY_PAGE} not found, but the theory notebook renders to it.")
    page, _ = site.open(THEORY_PAGE)
    formulas = page.locator(".math").count()
    rendered = page.locator(".math mjx-container[jax='CHTML']").count()
    errors = page.locator("mjx-merror").count()
    page.context.close()
    site.check(formulas > 0, f"{THEORY_PAGE} has no math.")
    site.check(rendered == formulas, f"MathJax rendered {rendered} of the {formulas} formulas on {THEORY_PAGE}.")
    site.check(errors == 0, f"{THEORY_PAGE} has {errors} formulas that MathJax could not parse.")


def test_tutorial_figures_load(site):
    for name in TUTORIAL_PAGES:
        if name != THEORY_PAGE and not (DOCS / name).exists():
            continue
        page, _ = site.open(name)
        images = page.eval_on_selector_all(
            "article img", "images => images.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth, i.naturalHeight])")
        page.context.close()
        site.check(len(images) > 0, f"{name} shows no figure.")
        for src, complete, width, height in images:
            site.check(complete and width > 0 and height > 0, f"{name}: the image {src} did not load ({width}x{height}).")

"""The committed site in docs/ must be built from the current notebooks and work without a network."""
import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REBUILD = "Run `python tools/build_docs.py` and commit docs/."


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_docs = _load_tool("build_docs")


def _manifest() -> dict:
    path = DOCS / build_docs.MANIFEST_NAME
    assert path.exists(), f"{path} not found. {REBUILD}"
    return json.loads(path.read_text())


def test_docs_built_from_current_inputs():
    recorded = _manifest()["inputs"]
    current = build_docs.input_hashes(ROOT)
    changed = sorted(name for name in recorded.keys() & current.keys() if recorded[name] != current[name])
    added = sorted(current.keys() - recorded.keys())
    removed = sorted(recorded.keys() - current.keys())
    assert not changed, f"Changed since docs/ was built: {changed}. {REBUILD}"
    assert not added, f"New since docs/ was built: {added}. {REBUILD}"
    assert not removed, f"Removed since docs/ was built: {removed}. {REBUILD}"


def test_every_notebook_has_page():
    pages = _manifest()["pages"]
    assert len(pages) == len(build_docs.source_notebooks(ROOT / "nbs")), f"pages: {sorted(pages)}"
    for page in pages:
        assert (DOCS / page).is_file(), f"docs/{page} is listed in the manifest but not found. {REBUILD}"


class _ResourceCollector(HTMLParser):
    "Collect the URLs that a browser loads for an HTML page (scripts, styles, icons, images, frames)."

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def _is_remote(url: str) -> bool:
    return re.match(r"^(https?:)?//", url.strip(), re.I) is not None


def test_pages_load_no_remote_resources():
    pages = sorted(DOCS.rglob("*.html"))
    assert pages, f"docs/ has no HTML pages. {REBUILD}"
    for page in pages:
        collector = _ResourceCollector()
        collector.feed(page.read_text())
        remote = [url for url in collector.urls if _is_remote(url)]
        assert not remote, f"{page.relative_to(ROOT)} loads {remote} from the network."


def test_styles_load_no_remote_resources():
    for sheet in sorted(DOCS.rglob("*.css")):
        references = re.findall(r"(?:url\(\s*['\"]?|@import\s+['\"])([^'\")\s]+)", sheet.read_text())
        remote = [url for url in references if _is_remote(url)]
        assert not remote, f"{sheet.relative_to(ROOT)} loads {remote} from the network."


def test_mathjax_served_from_site():
    script = DOCS / "_static" / "mathjax" / "tex-chtml-full.js"
    assert script.is_file(), f"{script} not found. {REBUILD}"
    index = (DOCS / "index.html").read_text()
    assert 'src="_static/mathjax/tex-chtml-full.js' in index, "index.html does not load the copied MathJax."

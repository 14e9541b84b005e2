"""The benchmarks page must show the recorded results in benchmarks/results/."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_benchmarks_page", ROOT / "tools" / "make_benchmarks_page.py")
make_benchmarks_page = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_benchmarks_page)


def test_page_matches_results():
    assert make_benchmarks_page.page_cells() == make_benchmarks_page.render_page(), (
        "nbs/benchmarks.ipynb differs from benchmarks/results/; run `python tools/make_benchmarks_page.py`.")


def test_demote_headings():
    assert make_benchmarks_page.demote_headings("# Title\n\ntext #1\n## Notes") == "### Title\n\ntext #1\n#### Notes"

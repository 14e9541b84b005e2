"""README.md must be the generated form of nbs/index.ipynb."""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_readme = _load_tool("make_readme")


def test_readme_matches_index_notebook():
    expected = make_readme.render_readme()
    actual = (ROOT / "README.md").read_text()
    assert actual == expected, "README.md differs from nbs/index.ipynb; run `python tools/make_readme.py`."


def test_readme_rejects_visible_code_cell(tmp_path):
    index = tmp_path / "index.ipynb"
    index.write_text(
        '{"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# Title"]},'
        ' {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": null, "outputs": [],'
        ' "source": ["print(1)"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    with pytest.raises(ValueError, match="Cell 1 of .* is a visible code cell"):
        make_readme.render_readme(index)


def test_readme_skips_hidden_code_cell(tmp_path):
    index = tmp_path / "index.ipynb"
    index.write_text(
        '{"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# Title\\n"]},'
        ' {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": null, "outputs": [],'
        ' "source": ["#| hide\\nimport torch"]},'
        ' {"cell_type": "markdown", "id": "c", "metadata": {}, "source": ["Text."]}],'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    assert make_readme.render_readme(index) == "# Title\n\nText.\n"


@pytest.mark.parametrize("markdown, expected", [
    ("![figure](images/plot.png)", "![figure](nbs/images/plot.png)"),
    ("[core API](00_core.ipynb)", "[core API](nbs/00_core.ipynb)"),
    ("[paper](https://openreview.net)", "[paper](https://openreview.net)"),
    ("[section](#install)", "[section](#install)"),
    ("[root](/LICENSE)", "[root](/LICENSE)"),
])
def test_readme_rebases_relative_links(markdown, expected):
    assert make_readme.rebase_links(markdown) == expected


def test_readme_links_point_to_files():
    readme = (ROOT / "README.md").read_text()
    targets = make_readme.RELATIVE_LINK.findall(readme)
    assert targets, "README.md has no relative links to check"
    for target in targets:
        assert (ROOT / target).exists(), f"README.md links to {target}, which does not exist"

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

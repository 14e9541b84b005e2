"""Checks of the installed package that the notebooks cannot make about themselves."""
import re
from pathlib import Path

import bre_nb
from bre_nb.core import bre_loss

ROOT = Path(__file__).resolve().parents[1]


def test_readme_usage_example_runs():
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"```python\n(.*?)```", readme, re.S)
    assert example, "README.md has no ```python usage example"
    namespace = {}
    exec(example.group(1), namespace)
    assert namespace["reg"].loss.ndim == 0
    assert namespace["loss"].requires_grad


def test_version_is_set():
    assert re.fullmatch(r"\d+\.\d+\.\d+", bre_nb.__version__)
    assert callable(bre_loss)

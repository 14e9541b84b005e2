"""Write README.md from the markdown cells of nbs/index.ipynb, the documentation's home page.

`python tools/make_readme.py` rewrites README.md, and `tests/test_docs_readme.py` fails when the two differ.
nbdev's own `nbdev-readme` does the same through Quarto, which these machines cannot install.
"""
import argparse
import re
from pathlib import Path

from fastcore.nbio import read_nb

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "nbs" / "index.ipynb"
README = ROOT / "README.md"
# Code cells with one of these nbdev directives do not appear on the home page either.
HIDDEN_DIRECTIVES = {"hide", "export", "exporti", "default_exp"}


# A markdown link or image target that is a relative path: no URL scheme, no leading "/" or "#".
RELATIVE_LINK = re.compile(r"\]\((?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^)\s]+)")


def rebase_links(markdown: str, prefix: str = "nbs/") -> str:
    "Prefix relative link targets, which point from nbs/index.ipynb, so that they resolve from README.md."
    return RELATIVE_LINK.sub(lambda match: f"]({prefix}{match.group(1)}", markdown)


def render_readme(index: Path = INDEX) -> str:
    "Return the README text: the markdown cells of `index`, separated by blank lines, with links rebased."
    parts = []
    for number, cell in enumerate(read_nb(index).cells):
        if cell.cell_type == "markdown":
            parts.append(rebase_links(cell.source.strip("\n")))
        elif cell.cell_type == "code" and cell.source.strip() and not HIDDEN_DIRECTIVES & set(cell.directives):
            raise ValueError(f"Cell {number} of {index} is a visible code cell, which the README cannot show. "
                             f"Mark it `#| hide`, or move the code into a ```python block in a markdown cell.")
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    README.write_text(render_readme())
    print(f"Wrote {README} from {INDEX}.")


if __name__ == "__main__":
    main()

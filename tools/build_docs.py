"""Build the documentation site in `docs/` from the notebooks in `nbs/`, offline and without Quarto.

Run from anywhere inside the repository: `python tools/build_docs.py`. The steps are:

1. nbdev's documentation processors (the ones `nbdev-docs` applies before Quarto) turn each notebook
   into its rendered form in `_proc/`: front matter from the title cell, `show_doc` output after each
   exported function, `#| hide` and `#| export` cells removed. Only the import, export and `show_doc`
   cells run, and every other cell keeps the outputs stored in the notebook.
2. The Quarto cell options that those processors leave (`#| echo: false` and similar) become the
   equivalent MyST-NB cell tags, and the front matter becomes the page heading.
3. Sphinx with MyST-NB and the Furo theme renders the pages to HTML. MathJax 3, installed from npm
   with the pinned `tools/sphinx/package-lock.json`, is copied into the site, so math renders offline.
4. `docs/build-manifest.json` records the SHA-256 of every input, which `tests/test_docs_build.py`
   compares with the files in the working tree.
"""
import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from fastcore.nbio import cell_frontmatter, mk_cell, read_nb, write_nb
from nbdev.config import get_config
from nbdev.quarto import nbdev_sidebar
from nbdev.serve import proc_nbs

ROOT = Path(__file__).resolve().parents[1]
SPHINX_DIR = ROOT / "tools" / "sphinx"
BUILD_DIR = ROOT / "build" / "docs"
NPM_DIR = ROOT / "build" / "npm"
MANIFEST_NAME = "build-manifest.json"
# Build inputs besides the notebooks: a change to any of them also requires a rebuild.
TOOL_FILES = ["tools/build_docs.py", "tools/sphinx/conf.py", "tools/sphinx/favicon.svg",
              "tools/sphinx/package.json", "tools/sphinx/package-lock.json", "tools/sphinx/static/bre_nb.css"]
# MathJax files that the site uses, relative to the npm package's `es5/` folder.
MATHJAX_FILES = ["tex-chtml-full.js", "output/chtml/fonts/woff-v2"]
# Quarto cell options that nbdev emits, mapped to the MyST-NB tags that hide the same parts.
QUARTO_HIDE_TAGS = {"echo": "remove-input", "output": "remove-output", "include": "remove-cell"}
# A default value such as `partial(<function Adam at 0x7f...>)` prints a memory address that changes
# from run to run. The site drops it, so that rebuilding unchanged notebooks gives the same files.
MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")
# Keys that nbformat 4 allows in a cell. nbdev's processors add others, such as `has_sd`.
CELL_KEYS = {"cell_type", "id", "metadata", "source", "outputs", "execution_count", "attachments"}


def source_notebooks(nbs_path: Path) -> list[Path]:
    "List the notebooks that become pages, sorted by file name. nbdev skips names starting with `_` or `.`."
    return sorted(p for p in nbs_path.glob("*.ipynb") if not p.name.startswith(("_", ".")))


def asset_files(nbs_path: Path) -> list[Path]:
    "List the other files in `nbs_path` that pages link to (images), skipping hidden folders, notebooks and YAML."
    assets = []
    for path in sorted(nbs_path.rglob("*")):
        rel = path.relative_to(nbs_path)
        hidden = any(part.startswith((".", "_")) for part in rel.parts)
        if path.is_file() and not hidden and path.suffix not in {".ipynb", ".yml", ".yaml"}: assets.append(path)
    return assets


def sha256_file(path: Path) -> str:
    "Return the SHA-256 hex digest of the file at `path`."
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_hashes(root: Path = ROOT) -> dict[str, str]:
    "Map each build input (notebooks, images, then build tools), as a path relative to `root`, to its SHA-256."
    nbs_path = root / get_config(root).nbs_path.name
    paths = source_notebooks(nbs_path) + asset_files(nbs_path) + [root / name for name in TOOL_FILES]
    return {path.relative_to(root).as_posix(): sha256_file(path) for path in paths}


def _page_name(front_matter: dict, notebook: Path) -> str:
    "Page name (HTML file stem) that nbdev gives `notebook`: its `output-file` without the suffix."
    return Path(front_matter.get("output-file", notebook.stem + ".html")).stem


def _heading_cell(front_matter: dict, notebook: Path):
    "Markdown cell with the page title and description that Quarto would show from the front matter."
    if "title" not in front_matter:
        raise ValueError(f"{notebook} has no title: start it with a markdown cell '# Title' and "
                         f"an optional '> description' line.")
    text = f"# {front_matter['title']}\n"
    if front_matter.get("description"):
        text += f"\n> {front_matter['description']}\n"
    return mk_cell(text, "markdown", id="page-title")


def _asis_markdown(cell) -> str | None:
    "Markdown that an `output: asis` cell's outputs form, or None if one of them is not text."
    parts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            parts.append("".join(output["text"]))
        elif "text/markdown" in data:
            parts.append("".join(data["text/markdown"]))
        else:
            return None
    return "\n\n".join(part.strip("\n") for part in parts)


def _convert_code_cell(cell) -> list:
    "Turn a processed code cell into the cells that show, under MyST-NB, what Quarto would show."
    options = cell.directives
    cell.remove_directives()
    for key in set(cell) - CELL_KEYS:
        del cell[key]
    # Timings of the show_doc runs, in a form that nbformat's schema rejects.
    cell.get("metadata", {}).pop("execution", None)

    # Quarto places the output of an `output: asis` cell in the page as Markdown, so its headings
    # (show_doc's `### name`) become sections of the page with their own anchors.
    markdown = _asis_markdown(cell) if options.get("output") == "asis" else None
    if markdown is not None:
        # show_doc opens each entry with a `---` rule, which docutils rejects at the end of a section.
        markdown = MEMORY_ADDRESS.sub(">", markdown.removeprefix("---").lstrip("\n"))
        text_cell = mk_cell(markdown, "markdown", id=f"{cell.get('id', 'cell')}-output")
        if options.get("echo") == "false":
            return [text_cell]
        cell.outputs = []
        return [cell, text_cell]

    tags = [tag for option, tag in QUARTO_HIDE_TAGS.items() if options.get(option) == "false"]
    if tags:
        cell.setdefault("metadata", {}).setdefault("tags", []).extend(tags)
    return [cell]


def stage_notebook(processed: Path, notebook: Path, out_dir: Path) -> tuple[str, str]:
    "Write the MyST-NB form of the processed `notebook` to `out_dir` and return its page name and title."
    nb = read_nb(processed)
    front_matter = {}
    if nb.cells and nb.cells[0].cell_type == "raw":
        front_matter = cell_frontmatter(nb.cells[0].source)
    if not front_matter:
        raise ValueError(f"nbdev's processing of {notebook} produced no front matter. "
                         f"Start the notebook with a markdown cell '# Title'.")
    cells = [_heading_cell(front_matter, notebook)]
    for cell in nb.cells[1:]:
        cells.extend(_convert_code_cell(cell) if cell.cell_type == "code" else [cell])
    nb.cells = cells

    name = _page_name(front_matter, notebook)
    write_nb(nb, out_dir / f"{name}.ipynb")
    return name, front_matter["title"]


def _rename_links(page: Path, renames: dict[str, str]) -> None:
    "Point markdown links to source notebooks (`00_core.ipynb`) at their staged pages (`core.ipynb`)."
    nb = read_nb(page)
    pattern = re.compile(r"\]\((" + "|".join(re.escape(old) for old in renames) + r")([#)])")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = pattern.sub(lambda match: f"]({renames[match.group(1)]}{match.group(2)}", cell.source)
    write_nb(nb, page)


def _add_navigation(index: Path, pages: list[str]) -> None:
    "Append to the home page the table of contents from which the theme builds its sidebar."
    nb = read_nb(index)
    entries = "\n".join(pages)
    nb.cells.append(mk_cell(f"```{{toctree}}\n:hidden:\n:maxdepth: 2\n\n{entries}\n```\n", "markdown", id="navigation"))
    write_nb(nb, index)


def stage_sources(root: Path, src_dir: Path) -> list[tuple[str, str]]:
    "Process the notebooks with nbdev and stage them as Sphinx sources, and return (page name, title) pairs."
    cfg = get_config(root)
    nbs_path = root / cfg.nbs_path.name
    notebooks = source_notebooks(nbs_path)
    if not any(p.name == "index.ipynb" for p in notebooks):
        raise FileNotFoundError(f"{nbs_path / 'index.ipynb'} not found. The home page is built from it, "
                                f"so create it with a markdown cell '# Title'.")

    # nbs/sidebar.yml is the page list of `nbdev-docs` (Quarto), so the build keeps it in step too.
    nbdev_sidebar.__wrapped__(path=nbs_path)

    # n_workers=0 runs the notebooks one after another in this process, so torch is imported once.
    try:
        cache = proc_nbs(nbs_path, n_workers=0, force=True)
    except Exception as error:  # nbdev raises a bare Exception that names the notebook and the cell
        raise RuntimeError(
            "nbdev's documentation processing failed (nbdev-docs would fail the same way). It runs the "
            "export and show_doc cells and every cell that contains an import, and no other cell. If the "
            "failing cell needs results of cells that did not run, move its imports into a cell of their own."
        ) from error

    shutil.rmtree(src_dir, ignore_errors=True)
    src_dir.mkdir(parents=True)
    pages = []
    for notebook in notebooks:
        page = stage_notebook(cache / notebook.name, notebook, src_dir)
        if page[0] in {name for name, _ in pages}:
            raise ValueError(f"{notebook.name} and another notebook both become the page {page[0]}.html. "
                             f"Rename one of them.")
        pages.append(page)

    # Other files in nbs/ (images that markdown cells link to) keep their place next to the pages.
    for path in asset_files(nbs_path):
        rel = path.relative_to(nbs_path)
        (src_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, src_dir / rel)

    renames = {notebook.name: f"{name}.ipynb" for notebook, (name, _) in zip(notebooks, pages)}
    for name, _ in pages: _rename_links(src_dir / f"{name}.ipynb", renames)
    _add_navigation(src_dir / "index.ipynb", [name for name, _ in pages if name != "index"])
    return pages


def mathjax_dir() -> Path:
    "Install the pinned MathJax npm package under build/npm/ if needed, and return its `es5/` folder."
    es5 = NPM_DIR / "node_modules" / "mathjax" / "es5"
    lock = SPHINX_DIR / "package-lock.json"
    installed_lock = NPM_DIR / "package-lock.json"
    if es5.is_dir() and installed_lock.exists() and installed_lock.read_bytes() == lock.read_bytes():
        return es5

    npm = shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("npm not found, but the build needs it to install MathJax for the site. "
                                "Install Node.js and npm (Debian: apt-get install npm) and rerun.")
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy2(SPHINX_DIR / "package.json", NPM_DIR / "package.json")
    shutil.copy2(lock, installed_lock)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=NPM_DIR, check=True)
    return es5


def run_sphinx(src_dir: Path, html_dir: Path) -> None:
    "Render the staged notebooks to HTML in `html_dir` with Sphinx, from scratch."
    shutil.rmtree(html_dir, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-q", "-c", str(SPHINX_DIR),
               "-d", str(BUILD_DIR / "doctrees"), str(src_dir), str(html_dir)]
    subprocess.run(command, check=True)


def copy_mathjax(es5: Path, html_dir: Path) -> None:
    "Copy the MathJax files that `tools/sphinx/conf.py` refers to into the site's `_static/mathjax/`."
    target = html_dir / "_static" / "mathjax"
    for name in MATHJAX_FILES:
        source = es5 / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    shutil.copy2(es5.parent / "LICENSE", target / "LICENSE")


def build(root: Path = ROOT) -> Path:
    "Build the site into the configured `doc_path` (docs/), replacing what was there, and return its path."
    doc_path = root / get_config(root).doc_path.name
    es5 = mathjax_dir()
    pages = stage_sources(root, BUILD_DIR / "src")
    html_dir = BUILD_DIR / "html"
    run_sphinx(BUILD_DIR / "src", html_dir)
    copy_mathjax(es5, html_dir)

    manifest = {"generator": "tools/build_docs.py",
                "pages": {f"{name}.html": title for name, title in pages},
                "inputs": input_hashes(root)}
    (html_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1) + "\n")

    shutil.rmtree(doc_path, ignore_errors=True)
    shutil.copytree(html_dir, doc_path)
    return doc_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    doc_path = build()
    size = sum(p.stat().st_size for p in doc_path.rglob("*") if p.is_file())
    print(f"Built {doc_path} ({size / 2**20:.1f} MiB).")


if __name__ == "__main__":
    main()

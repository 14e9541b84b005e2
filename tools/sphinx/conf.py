"""Sphinx configuration of the offline documentation site, which `tools/build_docs.py` builds."""
project = "bre_nb"
author = "bre_nb developers"
copyright = "bre_nb developers"  # no year, so that a rebuild of unchanged notebooks is byte-identical
html_title = "bre_nb"

extensions = ["myst_nb", "sphinx.ext.mathjax", "sphinx.ext.githubpages"]

# Only notebooks are pages. `tools/build_docs.py` stages them after nbdev's processing.
source_suffix = {".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["**.ipynb_checkpoints"]

# Render the outputs stored in the notebooks and never run a cell.
nb_execution_mode = "off"
# show_doc writes its signatures and docstrings as Markdown outputs that contain math and code blocks.
nb_render_markdown_format = "myst"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dmath_double_inline = True
# show_doc output uses `###` headings, also below a page title with no `##` section in between.
# Signatures whose defaults print as `<class ...>` are not valid Python, so Pygments highlights
# them in its relaxed mode, which is fine.
suppress_warnings = ["myst.header", "misc.highlighting_failure"]

html_theme = "furo"
html_theme_options = {"top_of_page_buttons": []}
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
html_last_updated_fmt = None
html_baseurl = ""

# MathJax 3 is copied from the npm package into `_static/mathjax/` by `tools/build_docs.py`.
# The "full" bundle contains every TeX extension, so no extension is fetched at run time.
mathjax_path = "mathjax/tex-chtml-full.js"
# A favicon in the site itself, so that the browser does not request a missing /favicon.ico.
html_favicon = "favicon.svg"
html_static_path = ["static"]
html_css_files = ["bre_nb.css"]

"""Sphinx configuration of the documentation site (`make docs`: docs/_build/html/index.html).

Pages are Markdown (MyST). Django is set up so that ``automodule`` can show the modules'
docstrings (docs/developers/reference.md). The build runs with ``-W --keep-going -n``:
any warning, a broken link, anchor or reference among them, fails it.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
# Importing the settings needs a key; this one signs nothing (the docs serve no request).
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "docs-only-key-not-secret-it-signs-nothing-real-0123456789abcdef"
)

import django  # noqa: E402

django.setup()

project = "Conference program"
author = "The conference program's authors"
copyright = "2026, " + author

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "screenshots.py", "**/README.md", ".DS_Store"]

# <img> tags become Sphinx images (copied into the build and checked); headings up to ###
# get anchors, so links such as [x](page.md#a-heading) are checked too.
myst_enable_extensions = ["html_image"]
myst_heading_anchors = 3

nitpicky = True

html_theme = "furo"
html_title = "Conference program"

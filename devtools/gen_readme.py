"""Assemble each add-on's README.rst from its ``readme/*.md`` fragments.

OCA layout: DESCRIPTION, CONFIGURE, USAGE, ROADMAP, CONTRIBUTORS (in that
order, each optional but DESCRIPTION). The fragments use a small Markdown
subset (paragraphs, ``-`` lists, ``### `` headings, `code`, **bold**), turned
into reStructuredText here. ``python -m devtools.gen_readme`` rewrites the
files; the static tests fail when one is out of date.
"""

import ast
import os
import re
import sys

from .environment import ADDONS, ROOT

SECTIONS = (
    ("DESCRIPTION", None),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("CONTRIBUTORS", "Contributors"),
)


def _title(text, char):
    return f"{text}\n{char * len(text)}\n"


def md_to_rst(markdown):
    out = []
    for line in markdown.strip().splitlines():
        heading = re.match(r"^#{2,4} (.+)$", line)
        if heading:
            out.append("")
            out.append(_title(heading.group(1), "~").rstrip())
            out.append("")
            continue
        line = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", line)
        line = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"`\1 <\2>`_", line)
        out.append(line)
    return "\n".join(out).strip() + "\n"


def render(addon):
    path = os.path.join(ROOT, addon)
    with open(os.path.join(path, "__manifest__.py")) as fh:
        manifest = ast.literal_eval(fh.read())
    parts = [
        ".. This file is generated from readme/*.md by devtools/gen_readme.py: "
        "edit those.\n",
        "=" * len(manifest["name"]),
        manifest["name"],
        "=" * len(manifest["name"]) + "\n",
        "|license| |version|\n",
        f".. |license| image:: https://img.shields.io/badge/license-"
        f"{manifest['license'].replace('-', '--')}-blue.png",
        f".. |version| image:: https://img.shields.io/badge/version-"
        f"{manifest['version']}-brightgreen.png\n",
    ]
    for fragment, title in SECTIONS:
        file = os.path.join(path, "readme", f"{fragment}.md")
        if not os.path.exists(file):
            continue
        with open(file) as fh:
            body = md_to_rst(fh.read())
        if title:
            parts.append(_title(title, "="))
        parts.append(body)
    parts.append(_title("Maintainers", "="))
    parts.append(
        f"{manifest['author']}: {', '.join(manifest['maintainers'])}. "
        f"Source: {manifest['website']}\n"
    )
    return "\n".join(parts)


MATRIX_START = "<!-- access-matrix:start -->\n"
MATRIX_END = "<!-- access-matrix:end -->"


def readme_with_access_matrix():
    """The project README with its "Who sees what" table rendered from
    ``oto_crm/tools/access_matrix.py``."""
    sys.path.insert(0, os.path.join(ROOT, "oto_crm", "tools"))
    try:
        import access_matrix
    finally:
        sys.path.pop(0)
    with open(os.path.join(ROOT, "README.md")) as fh:
        text = fh.read()
    start = text.index(MATRIX_START) + len(MATRIX_START)
    end = text.index(MATRIX_END)
    return text[:start] + access_matrix.render_markdown() + text[end:]


def main():
    for addon in ADDONS:
        with open(os.path.join(ROOT, addon, "README.rst"), "w") as fh:
            fh.write(render(addon))
    text = readme_with_access_matrix()
    with open(os.path.join(ROOT, "README.md"), "w") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Static checks of the add-ons: they need no Odoo.

ruff (OCA's rule set) and pylint-odoo (Odoo-relevant checks) with the
project's pinned versions; XML well-formed and free of ``attrs=``/``states=``
(Odoo 18 refuses them); ``*/tools/`` never imports odoo; manifests as OCA
writes them; an access line for every model; README.rst up to date; the
pt_BR translation complete.
"""

import ast
import csv
import os
import re
import subprocess
import sys
from glob import glob

import pytest
from lxml import etree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from devtools.environment import ADDONS  # noqa: E402  (every add-on, bridges too)

BIN = os.path.dirname(sys.executable)


def _files(pattern):
    found = []
    for addon in ADDONS:
        found += sorted(glob(os.path.join(ROOT, addon, "**", pattern), recursive=True))
    return found


def _rel(path):
    return os.path.relpath(path, ROOT)


def _manifest(addon):
    with open(os.path.join(ROOT, addon, "__manifest__.py")) as fh:
        return ast.literal_eval(fh.read())


XML_FILES = _files("*.xml")
TOOLS_FILES = _files("tools/*.py") + _files("tools/**/*.py")


def _tool(*command):
    """Run one of the pinned tools of the venv from the repository root."""
    proc = subprocess.run(
        [os.path.join(BIN, command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff():
    _tool("ruff", "check", "--no-cache", ".")


def test_ruff_format():
    _tool("ruff", "format", "--check", "--no-cache", ".")


def test_pylint_odoo():
    _tool("pylint", "--rcfile=.pylintrc", "--output-format=text", *ADDONS)


@pytest.mark.parametrize("path", XML_FILES, ids=_rel)
def test_xml_well_formed_and_odoo18_syntax(path):
    tree = etree.parse(path)
    offenders = [
        f"line {node.sourceline}: {attr}="
        for node in tree.iter()
        if isinstance(node.tag, str)
        for attr in ("attrs", "states")
        if attr in node.attrib and node.tag not in ("record", "field")
    ]
    # <field name="arch"> content is what matters; attrs= on <field> inside
    # an arch is the Odoo <= 16 modifier syntax, so look inside arches too.
    for arch in tree.iter("field"):
        if arch.get("name") != "arch":
            continue
        for node in arch.iter():
            for attr in ("attrs", "states"):
                if isinstance(node.tag, str) and attr in node.attrib:
                    offenders.append(f"line {node.sourceline}: {attr}=")
    assert not offenders, f"Odoo 18 refuses attrs=/states=: {sorted(set(offenders))}"
    for node in tree.iter("tree"):
        pytest.fail(f"line {node.sourceline}: use <list>, not <tree>, in Odoo 18")


@pytest.mark.parametrize("path", TOOLS_FILES, ids=_rel)
def test_tools_never_import_odoo(path):
    with open(path) as fh:
        tree = ast.parse(fh.read(), path)
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        for name in names:
            assert name.split(".")[0] != "odoo", f"{_rel(path)} imports {name}"


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest(addon):
    manifest = _manifest(addon)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", manifest["version"])
    for key in ("name", "summary", "license", "author", "website", "maintainers"):
        assert manifest.get(key), f"{addon}: manifest needs {key}"
    assert "external_dependencies" in manifest
    assert manifest["license"] == "LGPL-3"
    base = os.path.join(ROOT, addon)
    for key in ("data", "demo"):
        for file in manifest.get(key, []):
            assert os.path.exists(os.path.join(base, file)), f"{addon}: no {file}"
    for file in (
        "static/description/icon.png",
        "static/description/index.html",
        "readme/DESCRIPTION.md",
        "README.rst",
        "i18n/pt_BR.po",
        f"i18n/{addon}.pot",
    ):
        assert os.path.exists(os.path.join(base, file)), f"{addon}: no {file}"


def _models(addon):
    """Concrete models (``_name`` on Model or TransientModel) of an add-on."""
    names = set()
    for path in _files("*.py"):
        if (
            not _rel(path).startswith(addon + os.sep)
            or f"{os.sep}tests{os.sep}" in path
        ):
            continue
        with open(path) as fh:
            tree = ast.parse(fh.read())
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {getattr(b, "attr", "") for b in node.bases}
            if not bases & {"Model", "TransientModel"}:
                continue
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and getattr(stmt.targets[0], "id", "") == "_name"
                    and isinstance(stmt.value, ast.Constant)
                ):
                    names.add(stmt.value.value)
    return names


@pytest.mark.parametrize("addon", ADDONS)
def test_every_model_has_access_lines(addon):
    path = os.path.join(ROOT, addon, "security", "ir.model.access.csv")
    models = _models(addon)
    if not models:
        return
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    covered = {row["model_id:id"].split(".")[-1] for row in rows}
    missing = {m for m in models if "model_" + m.replace(".", "_") not in covered}
    assert not missing, f"{addon}: no access line for {sorted(missing)}"


@pytest.mark.parametrize("addon", ADDONS)
def test_readme_is_generated_from_fragments(addon):
    sys.path.insert(0, ROOT)
    from devtools.gen_readme import render

    with open(os.path.join(ROOT, addon, "README.rst")) as fh:
        assert fh.read() == render(addon), (
            f"{addon}/README.rst is out of date: run python -m devtools.gen_readme"
        )


def test_readme_access_table_is_the_tested_matrix():
    sys.path.insert(0, ROOT)
    from devtools.gen_readme import readme_with_access_matrix

    with open(os.path.join(ROOT, "README.md")) as fh:
        assert fh.read() == readme_with_access_matrix(), (
            "README.md's 'Who sees what' differs from "
            "oto_crm/tools/access_matrix.py: run python -m devtools.gen_readme"
        )


def _po_entries(path):
    """(msgid, msgstr, fuzzy) of a .po/.pot file, header excluded."""
    entries, msgid, msgstr, current, fuzzy = [], None, None, None, False

    def flush():
        if msgid:
            entries.append((msgid, msgstr or "", fuzzy))

    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("msgid "):
                flush()
                msgid, msgstr, current = ast.literal_eval(line[6:]), None, "id"
            elif line.startswith("msgstr "):
                msgstr, current = ast.literal_eval(line[7:]), "str"
            elif line.startswith('"'):
                if current == "id":
                    msgid += ast.literal_eval(line)
                else:
                    msgstr += ast.literal_eval(line)
            elif not line:
                flush()
                msgid, msgstr, current, fuzzy = None, None, None, False
    flush()
    return entries


def _js_msgids(path):
    """The msgids a .po/.pot marks as used by the web client: without the
    marker, Odoo never sends their translation to the browser."""
    found, js = set(), False
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#. odoo-javascript"):
                js = True
            elif line.startswith("msgid ") and js:
                found.add(ast.literal_eval(line[6:].strip()) or line)
            elif not line.strip():
                js = False
    return found


@pytest.mark.parametrize("addon", ADDONS)
def test_pt_br_reaches_the_web_client(addon):
    base = os.path.join(ROOT, addon, "i18n")
    missing = _js_msgids(os.path.join(base, f"{addon}.pot")) - _js_msgids(
        os.path.join(base, "pt_BR.po")
    )
    assert not missing, (
        f"{addon}: pt_BR.po lacks the odoo-javascript marker of {sorted(missing)[:5]}"
        ": run python -m devtools.i18n"
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_pt_br_translation_complete(addon):
    base = os.path.join(ROOT, addon, "i18n")
    template = {m for m, _s, _f in _po_entries(os.path.join(base, f"{addon}.pot"))}
    translated = {m: (s, f) for m, s, f in _po_entries(os.path.join(base, "pt_BR.po"))}
    missing = sorted(template - set(translated))
    assert not missing, f"{addon}: pt_BR.po lacks {len(missing)} strings: {missing[:5]}"
    empty = sorted(m for m, (s, f) in translated.items() if not s.strip() or f)
    assert not empty, f"{addon}: {len(empty)} untranslated or fuzzy: {empty[:5]}"
    placeholders = re.compile(r"%\([a-z_]+\)s|%s|%d|\{[a-z_]*\}")
    for msgid, (msgstr, _fuzzy) in translated.items():
        assert sorted(placeholders.findall(msgid)) == sorted(
            placeholders.findall(msgstr)
        ), f"{addon}: placeholders differ in {msgid!r} -> {msgstr!r}"

"""The add-ons as packages, without Odoo: the wheels whool builds (names,
versions, dependencies, files), the Apps store zips, the store pictures.

Installing the wheels into Odoo is ``./oto test --scenario wheels``.
"""

import os
import re
import sys
import zipfile
from email.parser import Parser

import pytest
from lxml import html

from devtools import packaging
from devtools.environment import ADDONS, ROOT


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    dest = str(tmp_path_factory.mktemp("wheels"))
    return {
        os.path.basename(path).split("-")[0][len("odoo_addon_") :]: path
        for path in packaging.build_wheels(sys.executable, dest)
    }


def _metadata(path):
    with zipfile.ZipFile(path) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(wheel.read(name).decode()), wheel.namelist()


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel(addon, wheels):
    manifest = packaging.manifest(addon)
    path = wheels[addon]
    assert os.path.basename(path) == (
        f"odoo_addon_{addon}-{manifest['version']}-py3-none-any.whl"
    )
    metadata, files = _metadata(path)
    assert metadata["Name"] == f"odoo-addon-{addon}"
    assert metadata["Version"] == manifest["version"]
    assert metadata["License"] == "LGPL-3"
    requires = metadata.get_all("Requires-Dist")
    assert "odoo==18.0.*" in requires
    for depend in manifest["depends"]:
        if depend in ADDONS:
            assert f"odoo-addon-{depend}==18.0.*" in requires
    for package in manifest["external_dependencies"].get("python", []):
        assert package in requires
    # Odoo finds it as odoo.addons.<name>; only what git tracks is inside.
    assert f"odoo/addons/{addon}/__manifest__.py" in files
    assert f"odoo/addons/{addon}/static/description/banner.png" in files
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]


def test_apps_zips(tmp_path):
    made = packaging.build_apps(str(tmp_path))
    assert sorted(os.path.basename(p) for p in made) == sorted(
        f"{a}-{packaging.manifest(a)['version']}.zip" for a in ADDONS
    )
    for path in made:
        addon = os.path.basename(path).rsplit("-", 1)[0]
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            assert {name.split("/")[0] for name in names} == {addon}
            assert f"{addon}/__manifest__.py" in names
            assert f"{addon}/LICENSE" in names
            assert b"GNU LESSER GENERAL PUBLIC LICENSE" in archive.read(
                f"{addon}/LICENSE"
            )
            for image in packaging.manifest(addon)["images"]:
                assert f"{addon}/{image}" in names
            assert f"{addon}/static/description/index.html" in names
            assert not [n for n in names if "__pycache__" in n]


@pytest.mark.parametrize("addon", ADDONS)
def test_store_page(addon):
    """The manifest's banner is 560x280; the description page shows the
    add-on's screenshots, every picture it names is there."""
    from PIL import Image  # noqa: PLC0415

    folder = os.path.join(ROOT, addon, "static", "description")
    manifest = packaging.manifest(addon)
    assert manifest["images"] == ["static/description/banner.png"]
    with Image.open(os.path.join(ROOT, addon, manifest["images"][0])) as banner:
        assert banner.size == packaging.BANNER_SIZE
    page = html.parse(os.path.join(folder, "index.html"))
    sources = [img.get("src") for img in page.iter("img")]
    shots = [s for s in sources if re.match(r"screenshot-.+\.png$", s)]
    assert shots == [f"screenshot-{n}" for n in packaging.STORE_IMAGES[addon][2]]
    for src in sources:
        assert os.path.isfile(os.path.join(folder, src)), src
    assert "LGPL-3" in html.tostring(page).decode()

"""Export each add-on's translation template (``i18n/<addon>.pot``).

``python3 -m devtools.i18n`` installs the three add-ons in a scratch database
(cloned from the test template, without demo data), exports the templates
with Odoo's own exporter, and merges them into ``i18n/pt_BR.po`` with
``msgmerge`` when it is installed (Debian's gettext): new strings arrive
empty, and the static tests then list what is left to translate.
"""

import os
import shutil
import subprocess
import sys

from . import environment as envmod
from .environment import ERP_ADDONS, ROOT, SHOP_ADDONS, SetupError, say
from .run_tests import _odoo_run, clone_database, drop_database, ensure_template


def main():
    try:
        odoo, db = envmod.prepare()
    except SetupError as exc:
        say(str(exc))
        return 1
    template = ensure_template(odoo, db, "pos", False)
    dbname = "oto_i18n_export"
    clone_database(db, template, dbname)
    # The ERP's add-ons first, exported without the website (which adds
    # fields of its own to every model with a chatter); then the shop's.
    for stage, addons in (("erp", ERP_ADDONS), ("shop", SHOP_ADDONS)):
        rc = _install_and_export(odoo, db, dbname, stage, addons)
        if rc:
            return rc
    drop_database(db, dbname)
    return 0


def _install_and_export(odoo, db, dbname, stage, addons):
    rc, _log, path = _odoo_run(
        odoo, db, dbname, ["-i", ",".join(addons)], f"i18n_install_{stage}.log"
    )
    if rc:
        say(f"install failed, see {path}")
        return 1
    for addon in addons:
        pot = os.path.join(ROOT, addon, "i18n", f"{addon}.pot")
        os.makedirs(os.path.dirname(pot), exist_ok=True)
        rc, _log, path = _odoo_run(
            odoo,
            db,
            dbname,
            [f"--i18n-export={pot}", f"--modules={addon}"],
            f"i18n_export_{addon}.log",
        )
        if rc:
            say(f"export of {addon} failed, see {path}")
            return 1
        po = os.path.join(ROOT, addon, "i18n", "pt_BR.po")
        if os.path.exists(po) and shutil.which("msgmerge"):
            subprocess.run(
                [
                    "msgmerge",
                    "--quiet",
                    "--update",
                    "--no-fuzzy-matching",
                    "--backup=none",
                    po,
                    pot,
                ],
                check=True,
            )
        say(f"{addon}: {pot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``./oto demo``: Odoo 18 with the add-ons and the demo brand.

Creates (once) the database ``OTO_DEMO_DB`` (default ``oto_demo``) with
``oto_crm``, ``oto_crm_pos``, ``oto_crm_whatsapp``, ``oto_crm_pos_whatsapp`` and
their demo data, in Brazilian Portuguese, then serves it on
http://127.0.0.1:8069 (``OTO_PORT``) until Ctrl+C. ``--reset`` drops and
recreates the database; ``--init-only`` stops after the install.
"""

import argparse
import os
import shutil
import subprocess

from . import environment as envmod
from .environment import ERP_ADDONS as ADDONS
from .environment import WORK, SetupError, say


def _installed(db, dbname):
    if not db.exists(dbname):
        return False
    try:
        rows = db.psql(
            "SELECT count(*) FROM ir_module_module WHERE state = 'installed' "
            "AND name IN (%s)" % ", ".join(f"'{name}'" for name in ADDONS),
            dbname=dbname,
        )
    except SetupError:
        return False
    return rows == str(len(ADDONS))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="oto demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--reset", action="store_true", help="recreate the demo database"
    )
    parser.add_argument("--init-only", action="store_true", help="install, then stop")
    args = parser.parse_args(argv)
    try:
        odoo, db = envmod.prepare()
    except SetupError as exc:
        say(str(exc))
        return 1
    dbname = os.environ.get("OTO_DEMO_DB", "oto_demo")
    port = int(os.environ.get("OTO_PORT", "8069"))
    base = [
        *odoo.command,
        f"--addons-path={odoo.addons_path()}",
        *db.odoo_args(),
        "-d",
        dbname,
        "--db-filter",
        f"^{dbname}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--data-dir={os.path.join(WORK, 'odoo-data')}",
    ]
    if args.reset:
        db.drop(dbname)
        shutil.rmtree(
            os.path.join(WORK, "odoo-data", "filestore", dbname), ignore_errors=True
        )
    if not _installed(db, dbname):
        say(
            f"installing the add-ons and the demo brand in database '{dbname}' "
            "(a few minutes the first time)"
        )
        proc = subprocess.run(
            [
                *base,
                "-i",
                ",".join(ADDONS),
                "--load-language=pt_BR",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=False,
        )
        if proc.returncode or not _installed(db, dbname):
            say("the install failed: read the lines above")
            return 1
    say(
        f"Oto CRM demo: http://127.0.0.1:{port}/odoo  "
        "login 'admin', password 'admin' (brand admin); seller 'ana.souza', "
        "store manager 'marcos.lima' and the store device 'loja.sp01' (sellers' "
        "PIN 2468), password 'Oto@demo2026'"
    )
    if args.init_only:
        return 0
    try:
        return subprocess.run([*base, "--log-level=info"], check=False).returncode
    except KeyboardInterrupt:
        return 0

"""What the benchmarks share: finding Odoo and PostgreSQL as ``./oto test``
does, running with Odoo's Python, and opening a database's registry."""

import os
import subprocess
import sys

from devtools import environment as envmod


def prepare(module):
    """(odoo, db) for a benchmark; runs ``module`` again with Odoo's Python
    when this one lacks Odoo's libraries; None (said why) without Odoo."""
    try:
        odoo = envmod.find_odoo()
        db = envmod.ensure_database()
    except envmod.SetupError as exc:
        print(f"benchmark not run: {exc}")
        return None
    try:
        import babel  # noqa: F401, PLC0415
    except ImportError:
        os.execv(odoo.python, [odoo.python, "-m", module, *sys.argv[1:]])
    return odoo, db


def prepare_bench(module):
    """``prepare`` for a benchmark run on the wallet benchmark's brand
    (``oto_bench``); None (said why) when it is not built."""
    prepared = prepare(module)
    if prepared and not prepared[1].exists("oto_bench"):
        print(
            "benchmark not run: no oto_bench database; build the brand with "
            "python3 -m benchmarks.wallet_engine first"
        )
        return None
    return prepared


def open_registry(odoo, db, dbname):
    """(the ``odoo`` package, the registry of ``dbname``)."""
    sys.path.insert(0, odoo.src)
    import odoo as odoo_module  # noqa: PLC0415

    odoo_module.tools.config.parse_config(
        [f"--addons-path={odoo.addons_path()}", *db.odoo_args(), "--log-level=warn"]
    )
    return odoo_module, odoo_module.modules.registry.Registry(dbname)


def vacuum(db, dbname, tables):
    """VACUUM ANALYZE ``tables`` (what earlier rolled-back runs left behind
    slows the next one down)."""
    for table in tables:
        subprocess.run(
            [
                db.tool("psql"),
                "-X",
                "-q",
                "-d",
                dbname,
                "-c",
                f"VACUUM ANALYZE {table}",
            ],
            env=db.env(),
            check=False,
        )

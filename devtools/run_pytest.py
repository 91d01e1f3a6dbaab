"""``./oto pytest ADDON [pytest options]``: an add-on's Odoo tests under pytest.

pytest-odoo runs Odoo's test classes with pytest in an existing database
where the add-on is installed. This makes that database (``oto_pytest_ADDON``,
cloned from the template ``./oto test`` uses, the add-on installed without
demo data; ``--reset`` makes it again), writes the Odoo configuration
``.work/odoo-pytest.conf`` (addons path, the PostgreSQL server, data dir),
then runs, in Odoo's Python::

    python -m pytest --odoo-config=.work/odoo-pytest.conf \\
        --odoo-database=oto_pytest_ADDON ADDON/tests [pytest options]

Browser tests (``HttpCase``) are skipped unless ``--odoo-http`` is given.
"""

import argparse
import os
import subprocess

from . import environment as envmod
from .environment import ADDONS, ROOT, WORK, SetupError, say
from .run_tests import DATA_DIR, SCENARIOS, _odoo_run, clone_database, ensure_template

CONFIG = os.path.join(WORK, "odoo-pytest.conf")


def write_config(odoo, db, path=CONFIG):
    lines = [
        "[options]",
        f"addons_path = {odoo.addons_path()}",
        f"db_host = {db.host}",
        f"db_port = {db.port}",
        f"db_user = {db.user}",
        f"data_dir = {DATA_DIR}",
        "max_cron_threads = 0",
    ]
    if db.password:
        lines.append(f"db_password = {db.password}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def ensure_database(odoo, db, addon, reset=False):
    """``oto_pytest_<addon>``: the add-on installed on the scenario's template."""
    dbname = f"oto_pytest_{addon}"
    if db.exists(dbname) and not reset:
        return dbname
    base, demo, _modules, _tags = SCENARIOS[addon]
    template = ensure_template(odoo, db, base, demo)
    clone_database(db, template, dbname)
    say(f"installing {addon} in the database {dbname}")
    rc, log, path = _odoo_run(odoo, db, dbname, ["-i", addon], f"pytest_{addon}.log")
    if rc or " ERROR " in log:
        raise SetupError(f"{addon} could not be installed in {dbname}: see {path}")
    return dbname


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="oto pytest", description=__doc__.splitlines()[0]
    )
    parser.add_argument("addon", choices=ADDONS)
    parser.add_argument(
        "--reset", action="store_true", help="make the test database again"
    )
    args, pytest_args = parser.parse_known_args(argv)
    try:
        odoo = envmod.find_odoo(browser="--odoo-http" in pytest_args)
        envmod.ensure_project_requirements(odoo)
        envmod.ensure_test_requirements(odoo)
        db = envmod.ensure_database()
        dbname = ensure_database(odoo, db, args.addon, args.reset)
    except SetupError as exc:
        say(str(exc))
        return 1
    config = write_config(odoo, db)
    command = [
        odoo.python,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        f"--odoo-config={config}",
        f"--odoo-database={dbname}",
        "--odoo-log-level=warn",
        os.path.join(args.addon, "tests"),
        *pytest_args,
    ]
    say(" ".join(command))
    # Odoo's Python finds ``odoo`` in its source tree (when it is not
    # installed there) and pytest-odoo imports it as it loads.
    env = dict(os.environ, PYTHONPATH=odoo.src)
    env.pop("ODOO_RC", None)
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode

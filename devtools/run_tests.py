"""``./oto test``: every test of the project, one summary line at the end.

1. Pure-Python tests of ``*/tools/`` and the static checks (pytest, in the
   project's tool venv ``.work/venv``): no Odoo needed.
2. The Odoo tests of the four add-ons (``TransactionCase`` and browser
   tours) with Odoo's own test runner, in fresh databases cloned from cached
   templates, against a real PostgreSQL:
     - each add-on installed alone, without demo data, running its own tests;
     - the four together, with demo data, running every test.
3. The add-ons as a guest in a business's ERP (``devtools/coexistence.py``):
   Odoo's own tests with and without them (``odoo_own``), installed into a
   year of business then uninstalled and reinstalled (``lifecycle``),
   upgraded release by release from the git history (``upgrade``).
4. The add-ons as pip packages (``devtools/packaging.py``, ``wheels``):
   built as wheels, installed with pip, installed in Odoo from there.
   Without Odoo parts 2 to 4 are skipped, and the output says why.

Options: ``--pure`` (part 1 only), ``--odoo`` (parts 2 and 3),
``--scenario NAME`` (one Odoo scenario), ``--rebuild-templates``.
"""

import argparse
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

from . import environment as envmod
from .environment import ADDONS, ERP_ADDONS, ROOT, WORK, SetupError, say

VENV = os.path.join(WORK, "venv")
# Odoo's data dir (filestores) for the test and template databases.
DATA_DIR = os.path.join(WORK, "odoo-data")
LOGS = os.path.join(WORK, "logs")
# Odoo modules our add-ons build on, installed once in template databases.
# point_of_sale is kept out of the "crm" base: with it, oto_crm_pos (a bridge,
# auto_install) would come along and oto_crm would not be tested alone.
BASES = {
    "crm": ("sale_crm", "phone_validation"),
    # The online shop (website_sale) for its bridge.
    "shop": ("sale_crm", "phone_validation", "website_sale"),
    "pos": ("sale_crm", "phone_validation", "point_of_sale"),
    # Odoo's modules that our add-ons extend or build on, for Odoo's own tests.
    "odoo": ("sale_crm", "phone_validation", "point_of_sale", "pos_sms"),
}

# name: (base, with demo data, modules to install, test tags).
# Browser tours (tag oto_tour) run once, with the three add-ons and demo
# data: a run with tours first builds every asset bundle (about a minute).
SCENARIOS = {
    "oto_crm": ("crm", False, "oto_crm", "/oto_crm,-oto_tour"),
    "oto_crm_whatsapp": (
        "crm",
        False,
        "oto_crm_whatsapp",
        "/oto_crm_whatsapp,-oto_tour",
    ),
    "oto_crm_pos": ("pos", False, "oto_crm_pos", "/oto_crm_pos,-oto_tour"),
    "oto_crm_pos_whatsapp": (
        "pos",
        False,
        "oto_crm_pos_whatsapp",
        "/oto_crm_pos_whatsapp,-oto_tour",
    ),
    "oto_crm_website_sale": (
        "shop",
        False,
        "oto_crm_website_sale",
        "/oto_crm_website_sale,-oto_tour",
    ),
    # The property tests of the engines (tag oto_property) run in the
    # scenarios above: with the demo brand they would test nothing more.
    "all_demo": (
        "pos",
        True,
        ",".join(ERP_ADDONS),
        ",".join([*(f"/{a}" for a in ERP_ADDONS), "-oto_property"]),
    ),
}


# The add-ons as a guest in a business's ERP (devtools/coexistence.py).
COEXISTENCE = ("odoo_own", "lifecycle", "upgrade")
# The add-ons as pip packages (devtools/packaging.py).
PACKAGING = ("wheels",)


class Counts:
    def __init__(self, passed=0, failed=0, skipped=0):
        self.passed, self.failed, self.skipped = passed, failed, skipped

    def __iadd__(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        return self

    def __str__(self):
        return f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped"


# ------------------------------------------------------------------ pure part


def _requirements_stamp():
    with open(os.path.join(ROOT, "requirements-dev.txt"), "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def ensure_tool_venv():
    python = os.path.join(VENV, "bin", "python")
    stamp_file = os.path.join(VENV, ".requirements-dev.sha256")
    stamp = _requirements_stamp()
    current = ""
    if os.path.exists(stamp_file):
        with open(stamp_file) as fh:
            current = fh.read().strip()
    if os.path.exists(python) and current == stamp:
        return python
    say("preparing the tool venv in .work/venv (pinned requirements-dev.txt)")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            os.path.join(ROOT, "requirements-dev.txt"),
        ],
        check=True,
    )
    with open(stamp_file, "w") as fh:
        fh.write(stamp)
    return python


def run_pure():
    python = ensure_tool_venv()
    os.makedirs(LOGS, exist_ok=True)
    junit = os.path.join(LOGS, "pure.xml")
    targets = [os.path.join(ROOT, "tests")]
    targets += [
        os.path.join(ROOT, addon, "tools")
        for addon in ADDONS
        if os.path.isdir(os.path.join(ROOT, addon, "tools"))
    ]
    say("pure-Python tests and static checks (pytest)")
    proc = subprocess.run(
        [
            python,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            "--rootdir",
            ROOT,
            *targets,
        ],
        cwd=ROOT,
        check=False,
    )
    if proc.returncode not in (0, 1, 5) or not os.path.exists(junit):
        return Counts(failed=1)
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    counts = Counts()
    for suite in suites:
        total = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        counts += Counts(total - failed - skipped, failed, skipped)
    return counts


# ------------------------------------------------------------------ Odoo part

RESULT_RE = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
SKIP_RE = re.compile(r"\bINFO \S+ \S+: skipped ")
ERROR_RE = re.compile(r"\b(ERROR|CRITICAL) ")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _odoo_run(
    odoo,
    db,
    dbname,
    args,
    log_name,
    command=None,
    env_extra=None,
    subcommand=None,
    stdin=None,
    addons_path=None,
):
    """Odoo on ``dbname`` until it has done ``args``; its output in
    ``.work/logs/log_name``. ``command`` replaces ``odoo-bin`` (the test
    runner of the coexistence scenarios), ``subcommand`` is e.g. ``shell``
    (with ``stdin``, the code it runs), ``addons_path`` replaces ours (an
    earlier release of the add-ons)."""
    os.makedirs(LOGS, exist_ok=True)
    log_path = os.path.join(LOGS, log_name)
    server = (
        []
        if subcommand
        else [
            "--http-interface=127.0.0.1",
            f"--http-port={_free_port()}",
            "--stop-after-init",
        ]
    )
    cmd = [
        *(command or odoo.command),
        *([subcommand] if subcommand else []),
        f"--addons-path={addons_path or odoo.addons_path()}",
        *db.odoo_args(),
        "-d",
        dbname,
        "--db-filter",
        f"^{dbname}$",
        "--max-cron-threads=0",
        # One test process runs a whole scenario (hundreds of tests, the
        # browser tours, property tests): Odoo's default cap of its address
        # space (2.5 GiB, meant for a worker serving requests) is too small.
        f"--limit-memory-hard={6 * 1024**3}",
        f"--data-dir={DATA_DIR}",
        "--log-level=info",
        *server,
        *args,
    ]
    env = dict(os.environ, PYTHONUNBUFFERED="1", **(env_extra or {}))
    env.pop("ODOO_RC", None)
    with open(log_path, "w") as log:
        proc = subprocess.run(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
            input=stdin.encode() if stdin is not None else None,
        )
    with open(log_path, errors="replace") as log:
        return proc.returncode, log.read(), log_path


_REBUILT = set()


def template_name(odoo, base, demo):
    stamp = hashlib.sha256(
        (odoo.src + "|" + ",".join(BASES[base])).encode()
    ).hexdigest()[:10]
    return f"oto_tpl_{base}_{'demo' if demo else 'nodemo'}_{stamp}"


def ensure_template(odoo, db, base, demo, rebuild=False):
    name = template_name(odoo, base, demo)
    if db.exists(name) and (not rebuild or name in _REBUILT):
        return name
    _REBUILT.add(name)
    say(f"building the template database {name} (once; later runs clone it)")
    drop_database(db, name)
    args = ["-i", ",".join(BASES[base])]
    if not demo:
        args.append("--without-demo=all")
    rc, log, path = _odoo_run(odoo, db, name, args, f"{name}.log")
    if rc or ERROR_RE.search(log):
        drop_database(db, name)
        raise SetupError(f"the template database {name} could not be built: see {path}")
    return name


def _filestore(dbname):
    return os.path.join(DATA_DIR, "filestore", dbname)


def clone_database(db, template, dbname):
    """A database and its filestore (attachments), copied from a template."""
    drop_database(db, dbname)
    db.clone(template, dbname)
    if os.path.isdir(_filestore(template)):
        shutil.copytree(_filestore(template), _filestore(dbname))


def drop_database(db, dbname):
    """Remove a scenario's database once its tests have run. A database
    PostgreSQL will not drop is left for the next run (which drops it before
    it clones) and said, never a failure of tests that passed."""
    try:
        db.drop(dbname)
    except SetupError as error:
        say(f"  left behind: {error}")
        return
    shutil.rmtree(_filestore(dbname), ignore_errors=True)


def run_scenario(odoo, db, name, rebuild=False, test_tags=None):
    base, demo, modules, tags = SCENARIOS[name]
    tags = test_tags or tags
    template = ensure_template(odoo, db, base, demo, rebuild)
    dbname = f"oto_test_{name}"
    clone_database(db, template, dbname)
    started = time.time()
    say(f"Odoo tests: {name} (install {modules}, tags {tags})")
    rc, log, path = _odoo_run(
        odoo,
        db,
        dbname,
        ["-i", modules, "--test-enable", f"--test-tags={tags}"],
        f"odoo_{name}.log",
    )
    found = RESULT_RE.findall(log)
    errors = [line for line in log.splitlines() if ERROR_RE.search(line)]
    if not found:
        # The install itself failed before any test ran: count it as a failure.
        say(f"  {name}: install failed (exit {rc}), see {path}")
        for line in errors[-5:]:
            print("    " + line[:300])
        return Counts(failed=1)
    failed, errored, run = (int(x) for x in found[-1])
    skipped = len(SKIP_RE.findall(log))
    bad = failed + errored
    if not bad and (rc or errors):
        # An error logged outside a test (install warning turned error) fails the run.
        bad = 1
        run += 1
    counts = Counts(max(run - bad - skipped, 0), bad, skipped)
    say(f"  {name}: {counts} in {time.time() - started:.0f}s (log {path})")
    if bad:
        for line in errors[-10:]:
            print("    " + line[:300])
    else:
        drop_database(db, dbname)
    return counts


def run_odoo(scenarios, rebuild=False, test_tags=None):
    try:
        odoo = envmod.find_odoo(browser=True)
    except SetupError as exc:
        say(f"Odoo tests skipped: {exc}")
        return None
    envmod.ensure_project_requirements(odoo)
    envmod.ensure_test_requirements(odoo)
    db = envmod.ensure_database()
    say(f"Odoo {odoo.src} with {odoo.python}; PostgreSQL {db.host}:{db.port}")
    from . import coexistence  # noqa: PLC0415 (it imports this module)

    counts = Counts()
    for name in scenarios:
        if name in SCENARIOS:
            counts += run_scenario(odoo, db, name, rebuild, test_tags)
            continue
        if name in PACKAGING:
            from . import packaging  # noqa: PLC0415 (it imports this module)

            try:
                counts += packaging.run_scenario(odoo, db, rebuild)
            except SetupError as exc:
                say(f"  {name}: {exc}")
                counts += Counts(failed=1)
            continue
        try:
            counts += coexistence.SCENARIOS[name](odoo, db, rebuild)
        except SetupError as exc:
            say(f"  {name}: {exc}")
            counts += Counts(failed=1)
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="oto test", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--pure", action="store_true", help="pure-Python and static only"
    )
    parser.add_argument("--odoo", action="store_true", help="Odoo tests only")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=[*SCENARIOS, *COEXISTENCE, *PACKAGING],
    )
    parser.add_argument("--rebuild-templates", action="store_true")
    parser.add_argument(
        "--test-tags",
        help="Odoo test tags instead of the scenario's, e.g. "
        "/oto_crm:TestAccessMatrix (while working on one test)",
    )
    args = parser.parse_args(argv)
    total = Counts()
    try:
        if not args.odoo:
            pure = run_pure()
            say(f"pure-Python and static: {pure}")
            total += pure
        if not args.pure:
            odoo = run_odoo(
                args.scenario or [*SCENARIOS, *COEXISTENCE, *PACKAGING],
                args.rebuild_templates,
                args.test_tags,
            )
            if odoo is None:
                say(
                    "Odoo tests: not run (no Odoo 18, for the reason above); only "
                    "the pure-Python and static parts ran"
                )
            else:
                say(f"Odoo tests: {odoo}")
                total += odoo
    except SetupError as exc:
        say(str(exc))
        total += Counts(failed=1)
    print(f"total: {total}")
    return 1 if total.failed else 0

"""The add-ons as a guest in a business's ERP: scenarios of ``./oto test``.

- ``odoo_own``: Odoo's own tests of the modules we extend or build on (crm,
  sale_crm, sale, sales_team, point_of_sale with pos_sms, phone_validation,
  mail's and base's partner, user and group parts; crm's browser tours and
  point_of_sale's main ones) in a database where our four add-ons are
  installed, every test (install-time ones included) run with everything
  loaded. A test that fails is run again there (once: a tour that fails
  once on a busy machine is reported as flaky) and in the same database
  without our add-ons: one that fails only with them fails the scenario;
  one that fails without them too is Odoo's (counted as skipped, listed).
- ``lifecycle``: a year of a business (``devtools/existing_business.py``)
  in a database of Odoo's modules, fingerprinted; our add-ons installed into
  it (``oto_crm/tests/test_existing_data.py``: nothing of the business
  changed, the pipelines show what they showed, the first wallet run takes
  the year's purchases); the brand's Oto data added; the add-ons uninstalled,
  bridges first, each leaving no table, column, model, view, menu, cron or
  group behind; the business unchanged again; Odoo's crm, sale_crm and
  point of sale tests (tours included) against the same database before the
  install; our add-ons installed again, their funnel and coexistence tests
  passing.
- ``upgrade``: the add-ons installed from the git history at the release
  before each version with migrations (``git archive``), data added with
  that version's models (``devtools/upgrade_data.py``), then upgraded one
  release at a time, each migration meeting the database of the release
  before it, up to this checkout; ``oto_crm/tests/test_upgrade.py`` checks
  the data and what the migrations did.
"""

import json
import os
import re
import subprocess
import tempfile
import time

from . import run_tests as rt
from .environment import ERP_ADDONS as ADDONS
from .environment import ROOT, SetupError, say

RUNNER = os.path.join(ROOT, "devtools", "odoo_runner.py")
BASELINE_CACHE = os.path.join(rt.WORK, "odoo_own_baseline.json")
# Modules installed by our add-ons' "-i" (the bridges come with them).
INSTALL = "oto_crm,oto_crm_whatsapp"
BRIDGES_FIRST = ("oto_crm_pos_whatsapp", "oto_crm_pos", "oto_crm_whatsapp", "oto_crm")

# point_of_sale's browser tours that cross what the add-ons change at the
# counter (customers, receipts, refunds, invoices, a non-admin cashier, the
# phone layout); its other test files run whole, but for cash rounding
# (twelve tours on rounding alone). Not the basic order's tours: their
# ReceiptScreenTour fails here without our add-ons too (the email notice
# never shows, in both layouts), which would hide the tours before it.
POS_TOURS = (
    "TestUi.test_02_pos_with_invoiced",
    "TestUi.test_05_ticket_screen",
    "TestUi.test_chrome_without_cash_move_permission",
    "TestUi.test_customer_all_fields_displayed",
    "TestUi.test_res_partner_scan_barcode",
    "TestUi.test_refund_few_quantities",
    "MobileTestUi.test_05_ticket_screen",
    "MobileTestUi.test_customer_all_fields_displayed",
)
POS_SKIPPED_FILES = ("test_frontend.py", "test_pos_cash_rounding.py")


def odoo_own_shards(odoo):
    """Odoo's tests to run, as test tags, in two shards of similar length."""
    pos_tests = os.path.join(odoo.src, "addons", "point_of_sale", "tests")
    pos_files = sorted(
        name
        for name in os.listdir(pos_tests)
        if name.startswith("test_")
        and name.endswith(".py")
        and name not in POS_SKIPPED_FILES
    )
    first = [
        "/crm",
        "/sale_crm",
        "/sales_team",
        "/phone_validation",
        "/sale",
        "/mail:TestPartner",
        "/mail:TestMailTools",
        "/mail:TestUser",
        "/base/tests/test_res_partner.py",
        "/base/tests/test_res_users.py",
        "/base/tests/test_user_has_group.py",
    ]
    # Two shards of about the same length (measured: the point of sale's
    # tests, tours included, take as long as all the others).
    second = [f"/point_of_sale/tests/{name}" for name in pos_files]
    second += [f"/point_of_sale/tests/test_frontend.py:{t}" for t in POS_TOURS]
    return [",".join(first), ",".join(second)]


# ------------------------------------------------------------------ helpers


def _runner_command(odoo):
    return [odoo.python, RUNNER, odoo.src]


def run_odoo_tests(odoo, db, dbname, tags, log_name, all_loaded=True):
    """Odoo's tests ``tags`` in ``dbname`` (nothing installed or updated).
    Returns (run, failed set of test ids, skipped, log path)."""
    report = os.path.join(rt.LOGS, log_name + ".failures.jsonl")
    if os.path.exists(report):
        os.remove(report)
    env = {"OTO_TEST_REPORT": report}
    if all_loaded:
        env["OTO_ALL_LOADED"] = "1"
    rc, log, path = rt._odoo_run(
        odoo,
        db,
        dbname,
        ["--test-enable", f"--test-tags={tags}"],
        log_name + ".log",
        command=_runner_command(odoo),
        env_extra=env,
    )
    found = rt.RESULT_RE.findall(log)
    failed = set()
    if os.path.exists(report):
        with open(report) as fh:
            failed = {json.loads(line)["id"] for line in fh if line.strip()}
    if not found and "post-tests in" not in log:
        raise SetupError(f"Odoo's tests could not run in {dbname}: see {path}")
    run = sum(int(x[2]) for x in found[-1:]) if found else _count_run(log)
    skipped = len(rt.SKIP_RE.findall(log))
    return run, failed, skipped, path


def _count_run(log):
    match = re.findall(r"(\d+) post-tests in", log)
    return int(match[-1]) if match else 0


def _tags_for(test_ids):
    """Test tags selecting exactly these tests (or classes)."""
    tags = []
    for test_id in sorted(test_ids):
        parts = test_id.split(".")
        # odoo.addons.<module>.tests.<file>.<Class>[.<method>]
        if len(parts) < 6 or parts[:2] != ["odoo", "addons"]:
            continue
        module_path = "/".join(parts[2:5]) + ".py"
        rest = parts[5:]
        tag = f"/{module_path}:{rest[0]}"
        if len(rest) > 1:
            tag += f".{rest[1]}"
        tags.append(tag)
    return ",".join(tags)


def odoo_shell(odoo, db, dbname, code, log_name, addons_path=None):
    """Run Python ``code`` in an Odoo shell on ``dbname`` (``env`` given);
    raise SetupError when it fails."""
    rc, log, path = rt._odoo_run(
        odoo,
        db,
        dbname,
        ["--no-http"],
        log_name,
        subcommand="shell",
        stdin=code,
        addons_path=addons_path,
    )
    if rc:
        tail = "\n".join(log.strip().splitlines()[-8:])
        raise SetupError(f"{log_name}: the Odoo shell failed (see {path}):\n{tail}")
    return log


def _load_baseline_cache():
    try:
        with open(BASELINE_CACHE) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def _save_baseline_cache(cache):
    with open(BASELINE_CACHE, "w") as fh:
        json.dump(cache, fh, indent=1, sort_keys=True)


def compare_with_baseline(
    odoo, db, dbname, baseline_db, failed, label, cache_key=None, rebuild=False
):
    """Tests that failed in ``dbname`` (with our add-ons): those known to
    fail without them (``.work/odoo_own_baseline.json``, the verdicts of
    earlier runs on the same template) are Odoo's; the others run again
    there, then, those failing again, in ``baseline_db`` (without our
    add-ons). Returns (ours, Odoo's, flaky)."""
    if not failed:
        return set(), set(), set()
    cache = _load_baseline_cache() if cache_key else {}
    known = {} if rebuild else cache.get(cache_key, {})
    odoos = {t for t in failed if known.get(t) == "fails"}
    rest = failed - odoos
    if not rest:
        return set(), odoos, set()
    say(f"  {label}: {len(rest)} test(s) failed; running them again")
    _run, again, _skipped, _path = run_odoo_tests(
        odoo, db, dbname, _tags_for(rest), f"{label}_again"
    )
    again &= rest
    flaky = rest - again
    unknown = {t for t in again if t not in known}
    if unknown:
        say(f"  {label}: running {len(unknown)} of them without our add-ons")
        _run, base_failed, _skipped, _path = run_odoo_tests(
            odoo, db, baseline_db, _tags_for(unknown), f"{label}_baseline"
        )
        for test_id in unknown:
            known[test_id] = "fails" if test_id in base_failed else "passes"
        if cache_key:
            cache[cache_key] = known
            _save_baseline_cache(cache)
    odoos |= {t for t in again if known.get(t) == "fails"}
    return again - odoos, odoos, flaky


def _report(label, ours, odoos, flaky):
    for test_id in sorted(odoos):
        print(f"    fails without our add-ons too (Odoo's): {test_id}")
    for test_id in sorted(flaky):
        print(f"    failed once, passed when run again (flaky): {test_id}")
    for test_id in sorted(ours):
        print(f"    FAILS ONLY WITH OUR ADD-ONS: {test_id}")


def _install(odoo, db, dbname, modules, log_name, extra=(), addons_path=None):
    rc, log, path = rt._odoo_run(
        odoo,
        db,
        dbname,
        ["-i", modules, *extra],
        log_name,
        addons_path=addons_path,
    )
    errors = [line for line in log.splitlines() if rt.ERROR_RE.search(line)]
    if rc or errors:
        for line in errors[-5:]:
            print("    " + line[:300])
        raise SetupError(f"installing {modules} in {dbname} failed: see {path}")


# ----------------------------------------------------------------- odoo_own


def run_odoo_own(odoo, db, rebuild=False):
    """Odoo's own tests with our add-ons installed, against a baseline."""
    started = time.time()
    template = rt.ensure_template(odoo, db, "odoo", False, rebuild)
    with_ours = "oto_test_odoo_own"
    rt.clone_database(db, template, with_ours)
    say(f"Odoo's own tests: installing {', '.join(ADDONS)}")
    _install(odoo, db, with_ours, INSTALL, "odoo_own_install.log")
    shards = odoo_own_shards(odoo)
    jobs = max(1, min(len(shards), int(os.environ.get("OTO_TEST_JOBS", "2"))))
    say(
        f"Odoo's own tests with our add-ons, everything loaded ({jobs} "
        "process(es)); logs odoo_own_*.log"
    )
    names = [with_ours] + [f"{with_ours}_{n}" for n in range(1, len(shards))]
    for name in names[1:]:
        rt.clone_database(db, with_ours, name)
    results = _parallel(
        [
            (run_odoo_tests, (odoo, db, name, tags, f"odoo_own_{n}"))
            for n, (name, tags) in enumerate(zip(names, shards, strict=True))
        ],
        jobs,
    )
    run = sum(r[0] for r in results)
    failed = set().union(*(r[1] for r in results))
    skipped = sum(r[2] for r in results)
    baseline = "oto_test_odoo_own_baseline"
    ours = odoos = flaky = set()
    if failed:
        rt.clone_database(db, template, baseline)
        ours, odoos, flaky = compare_with_baseline(
            odoo,
            db,
            names[0],
            baseline,
            failed,
            "odoo_own",
            cache_key=template,
            rebuild=rebuild,
        )
        rt.drop_database(db, baseline)
    _report("odoo_own", ours, odoos, flaky)
    counts = rt.Counts(
        run - skipped - len(ours) - len(odoos), len(ours), skipped + len(odoos)
    )
    say(
        f"  odoo_own: {run} of Odoo's tests with our add-ons: {counts} "
        f"({len(odoos)} of the skipped fail without our add-ons too) in "
        f"{time.time() - started:.0f}s"
    )
    if not ours:
        for name in names:
            rt.drop_database(db, name)
    return counts


def _parallel(calls, jobs):
    """Run ``(function, args)`` calls, ``jobs`` at a time (threads: each
    call waits on an Odoo process)."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(function, *args) for function, args in calls]
        return [future.result() for future in futures]


# ---------------------------------------------------------------- lifecycle

BUILD_BUSINESS = f"""
import sys
sys.path.insert(0, {ROOT!r})
from devtools import existing_business
existing_business.build(env)
existing_business.snapshot(env)
env.cr.commit()
"""
ADD_OTO_DATA = f"""
import sys
sys.path.insert(0, {ROOT!r})
from devtools import existing_business
existing_business.add_oto_data(env)
env.cr.commit()
"""
UNINSTALL = """
module = env["ir.module.module"].search([("name", "=", {name!r})])
assert module.state == "installed", module.state
module.button_immediate_uninstall()
"""
# After the uninstall, through the ORM: the business's screens open, the
# subjects of the Oto funnel are still there, in their stages.
AFTER_UNINSTALL = """
for model in ("crm.lead", "res.partner", "sale.order", "pos.order",
              "pos.config", "crm.team", "crm.stage", "res.users"):
    env[model].get_views([(False, "form"), (False, "list"), (False, "search")])
    env[model].search([], limit=50).read()
env["res.config.settings"].get_views([(False, "form")])
env["res.config.settings"].create({}).execute()
leads = env["crm.lead"].search([("name", "=like", "Assunto %")])
assert len(leads) == 6, leads
assert all(lead.stage_id for lead in leads), leads.mapped("stage_id")
assert sorted(leads.team_id.mapped("name")) == ["Eventos", "Subjects funnel"]
assert all(lead.stage_id.team_id == lead.team_id for lead in leads)
print("OTO_ORM_OK")
"""
# What an uninstalled add-on must not leave behind (SQL, name: query
# returning the offending rows).
FOOTPRINT = {
    "tables and views": "SELECT relname FROM pg_class WHERE relname LIKE 'oto\\_%' "
    "AND relkind IN ('r', 'v', 'm')",
    "columns": "SELECT table_name || '.' || column_name FROM "
    "information_schema.columns WHERE column_name LIKE 'oto\\_%' "
    "AND table_schema = 'public'",
    "models and fields": "SELECT model FROM ir_model WHERE model LIKE 'oto.%' "
    "UNION ALL SELECT model || '.' || name FROM ir_model_fields "
    "WHERE name LIKE 'oto\\_%' OR model LIKE 'oto.%'",
    "views": "SELECT id::text FROM ir_ui_view WHERE arch_db::text ~ '\\moto_' "
    "OR model LIKE 'oto.%'",
    "menus and actions": "SELECT 'menu ' || id FROM ir_ui_menu WHERE "
    "name::text ILIKE '%oto crm%' UNION ALL SELECT 'action ' || id FROM "
    "ir_act_window WHERE res_model LIKE 'oto.%' OR context ~ '\\moto_' "
    "OR domain ~ '\\moto_'",
    "crons and server actions": "SELECT 'cron ' || c.id FROM ir_cron c JOIN "
    "ir_act_server a ON a.id = c.ir_actions_server_id WHERE a.model_name "
    "LIKE 'oto.%' OR a.code ~ '\\moto_' UNION ALL SELECT 'action ' || id "
    "FROM ir_act_server WHERE model_name LIKE 'oto.%'",
    "groups and rules": "SELECT 'category ' || id FROM ir_module_category "
    "WHERE name::text LIKE '%Oto CRM%' UNION ALL SELECT 'rule ' || id FROM "
    "ir_rule WHERE domain_force ~ '\\moto_'",
    "indexes": "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
    "AND indexname ~ '(^|_)oto_'",
    "external ids": "SELECT module || '.' || name FROM ir_model_data WHERE "
    "module LIKE 'oto\\_crm%'",
    "messages": "SELECT id::text FROM mail_message WHERE model LIKE 'oto.%' "
    "UNION ALL SELECT id::text FROM mail_followers WHERE res_model LIKE 'oto.%'",
}
BUSINESS_CHANGED = """
SELECT s.tbl || ': ' || count(*) || ' row(s)' FROM business_snapshot s
  LEFT JOIN business_snapshot_digest_now d ON d.tbl = s.tbl AND d.res_id = s.res_id
 WHERE d.digest_data IS DISTINCT FROM s.digest_data
 GROUP BY s.tbl
"""
DIGEST_NOW = f"""
import sys
sys.path.insert(0, {ROOT!r})
from devtools import existing_business
existing_business.digest_now(env)
env.cr.commit()
"""
# Odoo's tests run again once the add-ons are gone (and, for those that
# fail, in the database as it was before the install).
AFTER_UNINSTALL_TESTS = ",".join(
    [
        "/crm:TestUi",
        "/crm/tests/test_crm_lead.py",
        "/crm/tests/test_crm_lead_multicompany.py",
        "/sale_crm",
        "/point_of_sale/tests/test_frontend.py:TestUi.test_05_ticket_screen",
        "/point_of_sale/tests/test_frontend.py:"
        "TestUi.test_chrome_without_cash_move_permission",
    ]
)
REINSTALL_TESTS = "/oto_crm:TestFunnel,/oto_crm:TestCoexistence,/oto_crm_pos,-oto_tour"


class Checks:
    """Named checks of a scenario, each counted as a test."""

    def __init__(self, label):
        self.label = label
        self.counts = rt.Counts()

    def check(self, name, problems):
        problems = [p for p in problems if p]
        if problems:
            self.counts += rt.Counts(failed=1)
            say(f"  {self.label}: FAILED {name}: {', '.join(map(str, problems[:12]))}")
        else:
            self.counts += rt.Counts(passed=1)
        return not problems

    def run(self, name, function, *args):
        """A step that raises SetupError when it fails."""
        try:
            result = function(*args)
        except SetupError as exc:
            self.check(name, [str(exc)])
            return None
        self.check(name, [])
        return result


def _rows(db, dbname, sql):
    out = db.psql(sql, dbname)
    return [line for line in out.splitlines() if line.strip()]


def _scenario_tests(
    odoo, db, dbname, modules, tags, log_name, addons_path=None, extra=()
):
    """Install ``modules`` with their tests ``tags``: (Counts, log path)."""
    rc, log, path = rt._odoo_run(
        odoo,
        db,
        dbname,
        ["-i", modules, *extra, "--test-enable", f"--test-tags={tags}"],
        log_name,
        addons_path=addons_path,
    )
    found = rt.RESULT_RE.findall(log)
    errors = [line for line in log.splitlines() if rt.ERROR_RE.search(line)]
    if not found:
        for line in errors[-5:]:
            print("    " + line[:300])
        return rt.Counts(failed=1), path
    failed, errored, run = (int(x) for x in found[-1])
    skipped = len(rt.SKIP_RE.findall(log))
    bad = failed + errored
    if not bad and (rc or errors):
        bad, run = 1, run + 1
    if bad:
        for line in errors[-10:]:
            print("    " + line[:300])
    return rt.Counts(max(run - bad - skipped, 0), bad, skipped), path


def run_lifecycle(odoo, db, rebuild=False):
    """Installed into a year of business, used, uninstalled, reinstalled."""
    started = time.time()
    checks = Checks("lifecycle")
    template = rt.ensure_template(odoo, db, "odoo", False, rebuild)
    dbname, before = "oto_test_lifecycle", "oto_test_lifecycle_before"
    rt.clone_database(db, template, dbname)
    say(
        "lifecycle: a year of business in Odoo's modules (companies, teams "
        "with 12 stages, leads, sale and POS orders)"
    )
    if (
        checks.run(
            "a year of business",
            odoo_shell,
            odoo,
            db,
            dbname,
            BUILD_BUSINESS,
            "lifecycle_business.log",
        )
        is None
    ):
        return checks.counts
    rt.clone_database(db, dbname, before)
    say(
        f"lifecycle: our add-ons installed into it, then {', '.join(ADDONS)} "
        "uninstalled, bridges first"
    )
    counts, path = _scenario_tests(
        odoo, db, dbname, INSTALL, "oto_existing_data", "lifecycle_install.log"
    )
    checks.counts += counts
    if counts.failed:
        say(f"  lifecycle: installing into the business: {counts} (log {path})")
    checks.run(
        "the brand's Oto data",
        odoo_shell,
        odoo,
        db,
        dbname,
        ADD_OTO_DATA,
        "lifecycle_oto_data.log",
    )
    for module in BRIDGES_FIRST:
        done = checks.run(
            f"uninstall {module}",
            odoo_shell,
            odoo,
            db,
            dbname,
            UNINSTALL.format(name=module),
            f"lifecycle_uninstall_{module}.log",
        )
        if done is None:
            return checks.counts
        checks.check(
            f"{module} uninstalled, its external ids gone",
            _rows(
                db,
                dbname,
                "SELECT name || ' ' || state FROM ir_module_module WHERE name = "
                f"'{module}' AND state <> 'uninstalled' UNION ALL SELECT module "
                f"|| '.' || name FROM ir_model_data WHERE module = '{module}'",
            ),
        )
    for name, sql in FOOTPRINT.items():
        checks.check(f"no {name} left", _rows(db, dbname, sql))
    orm = checks.run(
        "the business's screens and the funnel's subjects after the uninstall",
        odoo_shell,
        odoo,
        db,
        dbname,
        AFTER_UNINSTALL,
        "lifecycle_after_orm.log",
    )
    if orm is not None and "OTO_ORM_OK" not in orm:
        checks.check("the ORM checks ran", ["no OTO_ORM_OK in the log"])
    if (
        checks.run(
            "digests after the uninstall",
            odoo_shell,
            odoo,
            db,
            dbname,
            DIGEST_NOW,
            "lifecycle_digest.log",
        )
        is not None
    ):
        checks.check(
            "nothing of the business changed by install, use and uninstall "
            "(but who last wrote the rows the brand acted on)",
            _rows(db, dbname, BUSINESS_CHANGED),
        )
    say("lifecycle: Odoo's crm, sale_crm and point of sale tests after the uninstall")
    run, failed, skipped, path = run_odoo_tests(
        odoo, db, dbname, AFTER_UNINSTALL_TESTS, "lifecycle_odoo_tests"
    )
    ours, odoos, flaky = compare_with_baseline(
        odoo,
        db,
        dbname,
        before,
        failed,
        "lifecycle",
        cache_key=f"{template}:lifecycle",
    )
    _report("lifecycle", ours, odoos, flaky)
    checks.counts += rt.Counts(
        run - skipped - len(ours) - len(odoos), len(ours), skipped + len(odoos)
    )
    say("lifecycle: our add-ons installed again")
    counts, path = _scenario_tests(
        odoo, db, dbname, INSTALL, REINSTALL_TESTS, "lifecycle_reinstall.log"
    )
    checks.counts += counts
    say(f"  lifecycle: {checks.counts} in {time.time() - started:.0f}s")
    if not checks.counts.failed:
        rt.drop_database(db, dbname)
    rt.drop_database(db, before)
    return checks.counts


# ------------------------------------------------------------------ upgrade

UPGRADE_DATA = f"""
import sys
sys.path.insert(0, {ROOT!r})
from devtools import upgrade_data
upgrade_data.build(env)
env.cr.commit()
"""
UPGRADE_CHECK = f"""
import sys
sys.path.insert(0, {ROOT!r})
from devtools import upgrade_data
upgrade_data.check(env)
print("OTO_UPGRADE_KEPT")
"""
VERSION_RE = re.compile(r"[\"']version[\"']\s*:\s*[\"']([\d.]+)[\"']")


def _git(*args):
    proc = subprocess.run(
        ["git", "-C", ROOT, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode:
        raise SetupError(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout


def _version(text):
    match = VERSION_RE.search(text or "")
    return match.group(1) if match else None


def release_chain():
    """The commits to upgrade through, oldest first: for each version of an
    add-on that has migrations, the last commit before that version (so each
    migration meets the database of the release before it); then this
    checkout. Returns [(commit, label)]."""
    manifests = [f"{addon}/__manifest__.py" for addon in ADDONS]
    commits = _git(
        "log", "--first-parent", "--reverse", "--format=%H", "--", *manifests
    ).split()
    wanted = {}
    for addon in ADDONS:
        folder = os.path.join(ROOT, addon, "migrations")
        if os.path.isdir(folder):
            for version in os.listdir(folder):
                wanted.setdefault(version, []).append(addon)
    nodes, seen = [], set()
    last = {}
    for commit in commits:
        for addon in ADDONS:
            try:
                text = _git("show", f"{commit}:{addon}/__manifest__.py")
            except SetupError:
                continue
            version = _version(text)
            if version != last.get(addon):
                last[addon] = version
                if addon in wanted.get(version, ()) and (commit, addon) not in seen:
                    seen.add((commit, addon))
                    parent = _git("rev-parse", f"{commit}^").strip()
                    nodes.append((parent, f"before {addon} {version}"))
    # A version with migrations not committed yet: from the last commit.
    for version, addons in sorted(wanted.items()):
        for addon in addons:
            with open(os.path.join(ROOT, addon, "__manifest__.py")) as fh:
                here = _version(fh.read())
            if here == version and last.get(addon) != version:
                head = _git("rev-parse", "HEAD").strip()
                nodes.append((head, f"before {addon} {version} (not committed)"))
    ordered, done = [], set()
    for commit, label in nodes:
        if commit not in done:
            done.add(commit)
            ordered.append((commit, label))
    return ordered


def _extract(commit, target):
    """The add-ons as they were at ``commit``, in ``target``; returns the
    add-ons that existed then."""
    present = [
        addon
        for addon in ADDONS
        if _git("ls-tree", "--name-only", commit, addon).strip()
    ]
    archive = subprocess.run(
        ["git", "-C", ROOT, "archive", commit, *present],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
    return present


def run_upgrade(odoo, db, rebuild=False):
    """From the release before each version with migrations, one release at
    a time, to this checkout; with data all along."""
    started = time.time()
    checks = Checks("upgrade")
    try:
        chain = release_chain()
    except SetupError as exc:
        say(f"  upgrade: skipped, no git history here ({exc})")
        return rt.Counts(skipped=1)
    if not chain:
        say("  upgrade: no add-on has migrations; nothing to upgrade")
        return checks.counts
    template = rt.ensure_template(odoo, db, "pos", False, rebuild)
    dbname = "oto_test_upgrade"
    rt.clone_database(db, template, dbname)
    # The template knows this checkout's add-ons (none installed): as an
    # earlier release's database, it knows only those of the release.
    names = ", ".join(f"'{addon}'" for addon in ADDONS)
    xmlids = ", ".join(f"'module_{addon}'" for addon in ADDONS)
    db.psql(
        "DELETE FROM ir_model_data WHERE model = 'ir.module.module' "
        f"AND name IN ({xmlids}); DELETE FROM ir_module_module WHERE name IN ({names})",
        dbname,
    )
    installed = []
    base = (
        os.path.join(odoo.src, "odoo", "addons")
        + ","
        + os.path.join(odoo.src, "addons")
    )
    with tempfile.TemporaryDirectory(prefix="oto-releases-") as tmp:
        for n, (commit, label) in enumerate(chain):
            folder = os.path.join(tmp, str(n))
            os.makedirs(folder)
            present = _extract(commit, folder)
            addons_path = f"{base},{folder}"
            new = [a for a in present if a not in installed]
            args = []
            if installed:
                args += ["-u", ",".join(installed)]
            if new:
                args += ["-i", ",".join(new)]
            say(f"upgrade: {commit[:8]} ({label}): {' '.join(args)}")
            step = checks.run(
                f"{label}: {'upgrade' if installed else 'install'}",
                _install_or_upgrade,
                odoo,
                db,
                dbname,
                args,
                f"upgrade_{n}.log",
                addons_path,
            )
            if step is None:
                return checks.counts
            installed += new
            if (
                checks.run(
                    f"{label}: data kept and added",
                    odoo_shell,
                    odoo,
                    db,
                    dbname,
                    UPGRADE_DATA,
                    f"upgrade_{n}_data.log",
                    addons_path,
                )
                is None
            ):
                return checks.counts
    say("upgrade: to this checkout")
    counts, path = _scenario_tests(
        odoo,
        db,
        dbname,
        ",".join(a for a in ADDONS if a not in installed) or "base",
        "oto_upgrade",
        "upgrade_final.log",
        extra=["-u", ",".join(installed)],
    )
    checks.counts += counts
    say(f"  upgrade: {checks.counts} in {time.time() - started:.0f}s")
    if not checks.counts.failed:
        rt.drop_database(db, dbname)
    return checks.counts


def _install_or_upgrade(odoo, db, dbname, args, log_name, addons_path):
    rc, log, path = rt._odoo_run(
        odoo, db, dbname, args, log_name, addons_path=addons_path
    )
    errors = [line for line in log.splitlines() if rt.ERROR_RE.search(line)]
    if rc or errors:
        for line in errors[-5:]:
            print("    " + line[:300])
        raise SetupError(f"see {path}")
    return path


SCENARIOS = {
    "odoo_own": run_odoo_own,
    "lifecycle": run_lifecycle,
    "upgrade": run_upgrade,
}

"""Find Odoo 18 and a PostgreSQL server for the project's commands.

Standard library only: this runs on machines that have neither Odoo nor the
project's tool venv yet.

Odoo is found, in this order:
  1. ``ODOO_SRC``: an Odoo 18.0 source tree (the folder holding ``odoo-bin``);
     its Python is ``ODOO_PYTHON`` or the first of ``$ODOO_SRC/.venv``,
     ``$ODOO_SRC/venv``, ``${ODOO_SRC}-venv`` that exists, else this Python.
  2. ``ODOO_PYTHON`` alone: a Python where ``import odoo`` works.
  3. ``/opt/odoo18`` when it exists, as in 1.
  4. Else the project gets one itself (``devtools/bootstrap.py``): a shallow
     clone of Odoo 18.0 and its virtual environment in ``OTO_ODOO_HOME``,
     set up once.

PostgreSQL: ``ODOO_DB_HOST`` / ``ODOO_DB_PORT`` / ``ODOO_DB_USER`` /
``ODOO_DB_PASSWORD`` name an existing server; without ``ODOO_DB_HOST`` a
private cluster is created in ``.work/postgres`` and started on 127.0.0.1
(port ``OTO_PG_PORT``, else the first free one from 55432, kept in
``.work/postgres/port``).
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, ".work")
# Every add-on of the project (static checks, translations, packages).
ADDONS = (
    "oto_crm",
    "oto_crm_pos",
    "oto_crm_whatsapp",
    "oto_crm_pos_whatsapp",
    "oto_crm_website_sale",
)
# Bridges to Odoo's online shop: tested in a database with the shop (their
# own scenario), not installed with the others (the demo, the ERP's own
# tests, the lifecycle and the upgrades run without a website).
SHOP_ADDONS = ("oto_crm_website_sale",)
ERP_ADDONS = tuple(addon for addon in ADDONS if addon not in SHOP_ADDONS)
DEFAULT_SRC = "/opt/odoo18"

_PROBE = (
    "import sys\n"
    "src = sys.argv[1]\n"
    "if src: sys.path.insert(0, src)\n"
    "import odoo.release, werkzeug, lxml, psycopg2, babel, passlib\n"
    "import os\n"
    "print(odoo.release.version_info[0], os.path.dirname(os.path.dirname("
    "os.path.abspath(odoo.__file__))))\n"
)


def _shared_buffers():
    """An eighth of the machine's memory, between 128MB and 2GB (the usual
    advice is a quarter on a server of its own; this one shares the machine)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "512MB"
    return f"{max(128, min(2048, total // 8 // 2**20))}MB"


class SetupError(Exception):
    """A missing piece, said in one sentence for the user."""


def say(message):
    print(f"[oto] {message}", flush=True)


@dataclass
class Odoo:
    src: str
    python: str
    command: list = field(default_factory=list)

    def addons_path(self):
        paths = [
            os.path.join(self.src, "odoo", "addons"),
            os.path.join(self.src, "addons"),
            ROOT,
        ]
        return ",".join(p for p in paths if os.path.isdir(p))


def _probe(python, src):
    try:
        proc = subprocess.run(
            [python, "-c", _PROBE, src or ""],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"{python} cannot run ({exc})"
    if proc.returncode:
        last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        return None, f"{python} cannot import Odoo and its requirements ({last})"
    major, found_src = proc.stdout.split()
    if major != "18":
        return None, f"{found_src} is Odoo {major}, not Odoo 18"
    return found_src, None


def _python_for(src):
    if os.environ.get("ODOO_PYTHON"):
        return os.environ["ODOO_PYTHON"]
    for candidate in (
        os.path.join(src, ".venv", "bin", "python"),
        os.path.join(src, "venv", "bin", "python"),
        src.rstrip("/") + "-venv/bin/python",
    ):
        if os.path.exists(candidate):
            return candidate
    return sys.executable


def find_odoo(browser=False):
    """Return an ``Odoo`` or raise ``SetupError`` saying what is missing.
    ``browser``: the browser tests will run (Chromium is needed when Odoo is
    set up here)."""
    src = os.environ.get("ODOO_SRC")
    if (
        not src
        and not os.environ.get("ODOO_PYTHON")
        and os.path.isfile(os.path.join(DEFAULT_SRC, "odoo-bin"))
    ):
        src = DEFAULT_SRC
    if src:
        if not os.path.isfile(os.path.join(src, "odoo-bin")):
            raise SetupError(
                f"ODOO_SRC={src} holds no odoo-bin: point ODOO_SRC at an "
                "Odoo 18.0 source tree."
            )
        python = _python_for(src)
        found, error = _probe(python, src)
    elif os.environ.get("ODOO_PYTHON"):
        python = os.environ["ODOO_PYTHON"]
        found, error = _probe(python, None)
    else:
        from . import bootstrap  # noqa: PLC0415 (it imports this module)

        src, python = bootstrap.ensure_odoo(_probe, browser=browser)
        found, error = _probe(python, src)
    if error:
        raise SetupError(
            f"No usable Odoo 18: {error}; install Odoo's requirements.txt in "
            "that Python or set ODOO_PYTHON (see the README, section 'Odoo')."
        )
    odoo_bin = os.path.join(found, "odoo-bin")
    command = [python, odoo_bin] if os.path.isfile(odoo_bin) else [python, "-m", "odoo"]
    return Odoo(src=found, python=python, command=command)


def _ensure_installed(odoo, check, requirements):
    """Install ``requirements`` (a file of the project) in Odoo's Python
    when the import ``check`` fails there."""
    ok = subprocess.run([odoo.python, "-c", check], capture_output=True, check=False)
    if ok.returncode == 0:
        return
    say(f"installing {requirements} in {odoo.python}")
    subprocess.run(
        [
            odoo.python,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            os.path.join(ROOT, requirements),
        ],
        check=True,
    )


def ensure_project_requirements(odoo):
    """Install requirements.txt in Odoo's Python when one of them is missing."""
    _ensure_installed(odoo, "import phonenumbers, requests, qrcode", "requirements.txt")


def ensure_test_requirements(odoo):
    """Install requirements-odoo-test.txt (what the add-ons' Odoo tests
    need beyond Odoo: hypothesis, pytest-odoo) in Odoo's Python when one is
    missing."""
    _ensure_installed(
        odoo,
        # pytest_odoo imports odoo: found, not imported.
        "import hypothesis, sys, importlib.util as u; "
        "sys.exit(u.find_spec('pytest_odoo') is None)",
        "requirements-odoo-test.txt",
    )


def prepare():
    """(Odoo, Database) ready to use: Odoo found, our requirements in its
    Python, PostgreSQL up. Raises ``SetupError``."""
    odoo = find_odoo()
    ensure_project_requirements(odoo)
    return odoo, ensure_database()


# ---------------------------------------------------------------- PostgreSQL


@dataclass
class Database:
    host: str
    port: int
    user: str
    password: str = ""
    bindir: str = ""

    def odoo_args(self):
        args = [
            f"--db_host={self.host}",
            f"--db_port={self.port}",
            f"--db_user={self.user}",
        ]
        if self.password:
            args.append(f"--db_password={self.password}")
        return args

    def env(self):
        env = dict(
            os.environ, PGHOST=self.host, PGPORT=str(self.port), PGUSER=self.user
        )
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def tool(self, name):
        path = os.path.join(self.bindir, name) if self.bindir else ""
        return path if path and os.path.exists(path) else shutil.which(name) or name

    def psql(self, sql, dbname="postgres"):
        proc = subprocess.run(
            [self.tool("psql"), "-X", "-A", "-t", "-q", "-d", dbname, "-c", sql],
            capture_output=True,
            text=True,
            env=self.env(),
            check=False,
        )
        if proc.returncode:
            raise SetupError(f"PostgreSQL refused '{sql}': {proc.stderr.strip()}")
        return proc.stdout.strip()

    def exists(self, dbname):
        name = dbname.replace("'", "''")
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"

    def drop(self, dbname, attempts=6):
        """Drop ``dbname`` if it exists. ``--force`` ends the sessions still
        on it; a process that reconnects at once (a child an Odoo test left
        running) can still make PostgreSQL refuse for a moment, so a refusal
        is tried again before it becomes an error that says why."""
        error = ""
        for attempt in range(attempts):
            proc = subprocess.run(
                [self.tool("dropdb"), "--if-exists", "--force", dbname],
                env=self.env(),
                check=False,
                capture_output=True,
                text=True,
            )
            if not proc.returncode:
                return
            error = proc.stderr.strip() or proc.stdout.strip()
            time.sleep(min(2**attempt, 10))
        try:
            name = dbname.replace("'", "''")
            holders = self.psql(
                "SELECT string_agg(pid || ' ' || coalesce(application_name, ''), ', ') "
                f"FROM pg_stat_activity WHERE datname = '{name}'"
            )
        except SetupError:
            holders = ""
        raise SetupError(
            f"PostgreSQL did not drop the database {dbname}: {error}"
            + (f" (still connected: {holders})" if holders else "")
        )

    def clone(self, template, dbname):
        self.drop(dbname)
        subprocess.run(
            [self.tool("createdb"), "-T", template, dbname],
            env=self.env(),
            check=True,
            capture_output=True,
        )


def _pg_bindir():
    found = shutil.which("pg_ctl")
    if found:
        return os.path.dirname(os.path.realpath(found))
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    return os.path.dirname(versions[-1]) if versions else ""


def _install_postgresql():
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError(
            "PostgreSQL is missing: install Debian's 'postgresql' package, or set "
            "ODOO_DB_HOST (and ODOO_DB_PORT, ODOO_DB_USER, ODOO_DB_PASSWORD) to a "
            "server you have."
        )
    say("installing Debian's postgresql package (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "postgresql", "postgresql-contrib"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def _as_owner(cmd, owner):
    """Run a server command as ``owner`` (PostgreSQL refuses to run as root)."""
    if owner is None:
        return cmd
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", owner, "--", *cmd]
    return ["su", owner, "-s", "/bin/sh", "-c", " ".join(cmd)]


def _port_free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _cluster_port(base):
    """The private cluster's port: ``OTO_PG_PORT``, else the one it was
    created with, else the first free one from 55432 (another checkout's
    cluster may hold 55432)."""
    if os.environ.get("OTO_PG_PORT"):
        return int(os.environ["OTO_PG_PORT"])
    pid_file = os.path.join(base, "data", "postmaster.pid")
    if os.path.exists(pid_file):
        # A running cluster: its 4th line is the port it listens on.
        with open(pid_file) as fh:
            lines = fh.read().splitlines()
        if len(lines) > 3 and lines[3].strip().isdigit():
            return int(lines[3])
    port_file = os.path.join(base, "port")
    if os.path.exists(port_file):
        with open(port_file) as fh:
            return int(fh.read().strip())
    port = next(p for p in range(55432, 55532) if _port_free(p))
    os.makedirs(base, exist_ok=True)
    with open(port_file, "w") as fh:
        fh.write(str(port))
    return port


def ensure_database():
    """Return a ``Database``: the configured server, or the private cluster."""
    if os.environ.get("ODOO_DB_HOST"):
        return Database(
            host=os.environ["ODOO_DB_HOST"],
            port=int(os.environ.get("ODOO_DB_PORT", "5432")),
            user=os.environ.get("ODOO_DB_USER", "odoo"),
            password=os.environ.get("ODOO_DB_PASSWORD", ""),
        )
    bindir = _pg_bindir()
    if not bindir:
        _install_postgresql()
        bindir = _pg_bindir()
        if not bindir:
            raise SetupError("PostgreSQL was installed but pg_ctl is not found.")
    base = os.path.join(WORK, "postgres")
    port = _cluster_port(base)
    data = os.path.join(base, "data")
    owner = None
    if os.geteuid() == 0:
        owner = "postgres"
        try:
            pwd.getpwnam(owner)
        except KeyError:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--home-dir",
                    base,
                    "--shell",
                    "/bin/false",
                    owner,
                ],
                check=True,
            )
    os.makedirs(base, exist_ok=True)
    if owner:
        shutil.chown(base, user=owner)
    pg = os.path.join(bindir, "pg_ctl")
    if not os.path.exists(os.path.join(data, "PG_VERSION")):
        say(f"creating a private PostgreSQL cluster in {data}")
        subprocess.run(
            _as_owner(
                [
                    os.path.join(bindir, "initdb"),
                    "-D",
                    data,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ],
                owner,
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    status = subprocess.run(
        _as_owner([pg, "-D", data, "status"], owner), capture_output=True, check=False
    )
    if status.returncode != 0:
        say(f"starting the private PostgreSQL cluster on 127.0.0.1:{port}")
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            f"-c max_connections=200 -c shared_buffers={_shared_buffers()} "
            # What a production server on SSD runs with (see the README).
            "-c random_page_cost=1.1 -c jit=off"
        )
        proc = subprocess.run(
            _as_owner(
                [
                    pg,
                    "-D",
                    data,
                    "-o",
                    opts,
                    "-l",
                    os.path.join(base, "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                owner,
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            raise SetupError(
                f"the private PostgreSQL cluster did not start: see {base}/server.log"
            )
    admin = Database(host="127.0.0.1", port=port, user="postgres", bindir=bindir)
    for _attempt in range(30):
        try:
            admin.psql("SELECT 1")
            break
        except SetupError:
            time.sleep(1)
    if admin.psql("SELECT 1 FROM pg_roles WHERE rolname = 'odoo'") != "1":
        admin.psql("CREATE ROLE odoo LOGIN CREATEDB")
    return Database(host="127.0.0.1", port=port, user="odoo", bindir=bindir)

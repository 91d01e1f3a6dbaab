"""Get Odoo 18 when none is found: clone it, build its Python, once.

Standard library only: this runs on a machine that has git and a Python
3.10 to 3.12, nothing else of the project yet.

``ensure_odoo()`` does, in ``OTO_ODOO_HOME`` (default
``~/.cache/oto/odoo-18.0``), each step that is not done yet and says so:

1. a Python that Odoo 18 supports (3.10 to 3.12): ``OTO_ODOO_BASE_PYTHON``,
   else the one running this, else ``python3.12``, ``python3.11``,
   ``python3.10`` on the PATH;
2. the Odoo source, a shallow clone of ``OTO_ODOO_REPO`` (default the
   official repository) at ``OTO_ODOO_REF`` (default ``18.0``) in ``src/``;
3. the Debian packages its Python packages build against (and Chromium for
   the browser tests), installed with apt-get when run as root or with
   password-less sudo, else named in one ``apt-get install`` line;
4. a virtual environment ``venv/`` with Odoo's ``requirements.txt`` and the
   project's, built with the known fixes (``cbor2`` builds only with
   setuptools older than 81: pip 25 and later take that from
   ``PIP_BUILD_CONSTRAINT``, older ones from ``PIP_CONSTRAINT``).

A step is done when its mark (``.done-clone``, ``.done-venv``) is there: a
second run does nothing. A folder without its mark is what an interrupted run
left: it is removed and the step starts over, saying so. A lock keeps two
commands from building at once. Every failure is a ``SetupError`` with one
sentence saying what to do, and leaves no half-built folder behind.
"""

import contextlib
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import time

from .environment import ROOT, SetupError, say

REPO_VAR = "OTO_ODOO_REPO"
REF_VAR = "OTO_ODOO_REF"
HOME_VAR = "OTO_ODOO_HOME"
PYTHON_VAR = "OTO_ODOO_BASE_PYTHON"
SWITCH_VAR = "OTO_ODOO_BOOTSTRAP"
DEFAULT_REPO = "https://github.com/odoo/odoo.git"
DEFAULT_REF = "18.0"
SUPPORTED = ((3, 10), (3, 12))
# Seconds to wait for the repository to answer before saying it cannot be
# reached (a clone that has started is not limited: it is slow, not stuck).
REACH_TIMEOUT = int(os.environ.get("OTO_ODOO_REACH_TIMEOUT", "60"))

# Debian packages: what Odoo's requirements build against, and why.
BUILD_PACKAGES = {
    "git": "to clone Odoo",
    "build-essential": "a C compiler for psycopg2 and python-ldap",
    "libpq-dev": "PostgreSQL's client headers (psycopg2)",
    "libldap2-dev": "LDAP headers (python-ldap)",
    "libsasl2-dev": "SASL headers (python-ldap)",
}
BROWSER_PACKAGES = {"chromium": "the browser tests (headless tours)"}
# The constraint every build of the venv gets (see the module docstring).
BUILD_CONSTRAINTS = "setuptools<81\n"
# Ours, beside Odoo's requirements.txt, in the venv.
PROJECT_REQUIREMENTS = ("requirements.txt", "requirements-odoo-test.txt")
EXTRA_PACKAGES = ("websocket-client",)  # Odoo's browser tests drive Chromium


def enabled():
    return os.environ.get(SWITCH_VAR, "1").lower() not in ("0", "no", "false")


def home():
    if os.environ.get(HOME_VAR):
        return os.path.abspath(os.environ[HOME_VAR])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    return os.path.join(cache, "oto", f"odoo-{ref()}")


def repo():
    return os.environ.get(REPO_VAR) or DEFAULT_REPO


def ref():
    return os.environ.get(REF_VAR) or DEFAULT_REF


def clone_url(url):
    """A local folder as a ``file://`` URL: git makes shallow clones only
    through a transport (a plain path copies the whole history)."""
    if "://" in url or url.startswith("git@"):
        return url
    return "file://" + os.path.abspath(os.path.expanduser(url))


# ------------------------------------------------------------------ Python


def supported(version):
    return SUPPORTED[0] <= tuple(version[:2]) <= SUPPORTED[1]


def _version_of(python):
    try:
        proc = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode:
        return None
    return tuple(int(x) for x in proc.stdout.strip().split("."))


def _range():
    return "%d.%d to %d.%d" % (*SUPPORTED[0], *SUPPORTED[1])


def choose_python(explicit, current, candidates, version_of=_version_of):
    """The Python to build Odoo's venv with.

    ``explicit``: the ``OTO_ODOO_BASE_PYTHON`` asked for (must be supported);
    ``current``: the one running this; ``candidates``: names to try on the
    PATH. Raises ``SetupError`` naming what was found and what to do."""
    if explicit:
        version = version_of(explicit)
        if version is None:
            raise SetupError(f"{PYTHON_VAR}={explicit} does not run.")
        if not supported(version):
            raise SetupError(
                f"{PYTHON_VAR}={explicit} is Python %d.%d; Odoo 18 runs on "
                f"Python {_range()}: point {PYTHON_VAR} at one of those." % version
            )
        return explicit
    seen = []
    for python in [current, *candidates]:
        if not python:
            continue
        version = version_of(python)
        if version is None:
            continue
        if supported(version):
            return python
        seen.append(f"{python} is %d.%d" % version)
    found = "; ".join(seen) or "no Python found"
    raise SetupError(
        f"Odoo 18 runs on Python {_range()} and none is here ({found}): install "
        "one (Debian 12: apt-get install python3.11 python3.11-venv "
        f"python3.11-dev) or set {PYTHON_VAR} to one."
    )


def _python_packages(python):
    """Debian packages a Debian Python needs to make a venv and build C
    extensions (a Python built from source, e.g. by pyenv, has both)."""
    version = _version_of(python) or (3, 11)
    name = "python%d.%d" % version[:2]
    probe = (
        "import os, sysconfig, importlib.util as u\n"
        "print(int(u.find_spec('ensurepip') is not None), int(os.path.exists("
        "os.path.join(sysconfig.get_paths()['include'], 'Python.h'))))\n"
    )
    proc = subprocess.run(
        [python, "-c", probe], capture_output=True, text=True, check=False
    )
    has_venv, has_headers = (proc.stdout.split() + ["0", "0"])[:2]
    packages = {}
    if has_venv != "1":
        packages[f"{name}-venv"] = "to make Odoo's virtual environment"
    if has_headers != "1":
        packages[f"{name}-dev"] = "Python's headers, to build C extensions"
    return packages


# ---------------------------------------------------------- system packages


def _dpkg_installed(package):
    proc = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode == 0 and proc.stdout.strip().endswith(" installed")


def missing_packages(packages, installed=None):
    installed = installed or _dpkg_installed
    return [name for name in packages if not installed(name)]


def _is_debian():
    return bool(shutil.which("dpkg-query"))


def install_command(missing, euid, sudo_works):
    """The command that installs ``missing`` here, or None when this user
    cannot (then the user is told the exact line)."""
    apt = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
    if euid == 0:
        return apt
    if sudo_works:
        return ["sudo", "-n", *apt]
    return None


def _sudo_works():
    if not shutil.which("sudo"):
        return False
    return subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0


def ensure_system_packages(packages):
    """Install the Debian ``packages`` (name: why) that are missing."""
    if not _is_debian():
        say(
            "not a Debian system: make sure you have the equivalents of "
            + ", ".join(sorted(packages))
        )
        return
    missing = missing_packages(packages)
    if not missing:
        return
    command = install_command(missing, os.geteuid(), _sudo_works())
    if command is None:
        raise SetupError(
            "missing system packages: "
            + "; ".join(f"{name} ({packages[name]})" for name in missing)
            + ". Install them as root and run this again: sudo apt-get install -y "
            + " ".join(missing)
        )
    say("installing " + " ".join(missing) + " (apt-get)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    update = [*command[: command.index("install")], "update", "-qq"]
    subprocess.run(update, env=env, check=False)
    proc = subprocess.run(command, env=env, check=False)
    if proc.returncode:
        raise SetupError(
            "apt-get could not install " + " ".join(missing) + ": see the lines above."
        )


# ------------------------------------------------------------------- steps


class Bootstrap:
    """The steps in one ``home``; ``out`` receives the progress lines."""

    STEPS = 4

    def __init__(self, home_dir, url, ref_name, out=say):
        self.home = home_dir
        self.url = url
        self.ref = ref_name
        self.out = out
        self.src = os.path.join(home_dir, "src")
        self.venv = os.path.join(home_dir, "venv")
        self.python = os.path.join(self.venv, "bin", "python")
        self.log = os.path.join(home_dir, "bootstrap.log")

    # -- marks
    def _mark(self, step):
        # The Python the venv was built with is remembered, not a step done.
        name = ".base-python" if step == "python" else f".done-{step}"
        return os.path.join(self.home, name)

    def _read_mark(self, step):
        try:
            with open(self._mark(step)) as fh:
                return fh.read().strip()
        except OSError:
            return None

    def _write_mark(self, step, value):
        with open(self._mark(step), "w") as fh:
            fh.write(value + "\n")

    def _progress(self, number, text):
        self.out(f"Odoo 18 set-up {number}/{self.STEPS}: {text}")

    def done(self):
        return (
            self._read_mark("clone") is not None
            and self._read_mark("venv") is not None
            and os.path.isfile(os.path.join(self.src, "odoo-bin"))
            and os.path.exists(self.python)
        )

    @contextlib.contextmanager
    def locked(self):
        import fcntl  # noqa: PLC0415 (POSIX only, like the rest)

        os.makedirs(self.home, exist_ok=True)
        with open(os.path.join(self.home, ".lock"), "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self.out(f"another command is setting up Odoo in {self.home}: waiting")
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    # -- 2. the source
    def reach(self):
        """Check that the repository answers and has the ref, quickly."""
        env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
        try:
            proc = subprocess.run(
                ["git", "ls-remote", clone_url(self.url), self.ref],
                capture_output=True,
                text=True,
                timeout=REACH_TIMEOUT,
                env=env,
                check=False,
            )
        except FileNotFoundError as exc:
            raise SetupError(
                "git is missing: install it (Debian: apt-get install git)."
            ) from exc
        except subprocess.TimeoutExpired:
            reason = f"no answer in {REACH_TIMEOUT} s"
        else:
            if proc.returncode == 0 and proc.stdout.strip():
                return
            if proc.returncode == 0:
                raise SetupError(
                    f"the Odoo repository {self.url} has no branch or tag "
                    f"'{self.ref}': set {REF_VAR} to Odoo 18.0's branch there."
                )
            lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
            reason = lines[-1] if lines else f"git exit {proc.returncode}"
        raise SetupError(
            f"cannot reach the Odoo repository {self.url} ({reason}): set "
            f"{REPO_VAR} to a mirror or a local clone of Odoo 18.0 (and "
            f"{REF_VAR} to its branch), or ODOO_SRC / ODOO_PYTHON to an Odoo 18 "
            "you have."
        )

    def clone(self):
        mark = self._read_mark("clone")
        if mark is not None and os.path.isfile(os.path.join(self.src, "odoo-bin")):
            self._progress(2, f"Odoo source in {self.src} (done before)")
            return
        partial = self.src + ".partial"
        for leftover in (self.src, partial):
            if os.path.exists(leftover):
                self.out(
                    f"{leftover} is what an earlier set-up left unfinished: "
                    "removing it and cloning again"
                )
                shutil.rmtree(leftover)
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._mark("clone"))
        self.reach()
        self._progress(
            2, f"cloning Odoo {self.ref} from {self.url} (shallow) into {self.src}"
        )
        started = time.time()
        env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
        proc = subprocess.run(
            [
                "git",
                "clone",
                "--quiet",
                "--depth",
                "1",
                "--single-branch",
                "--branch",
                self.ref,
                clone_url(self.url),
                partial,
            ],
            env=env,
            check=False,
        )
        if proc.returncode or not os.path.isfile(os.path.join(partial, "odoo-bin")):
            shutil.rmtree(partial, ignore_errors=True)
            raise SetupError(
                f"cloning {self.url} ({self.ref}) failed or gave no odoo-bin: set "
                f"{REPO_VAR} / {REF_VAR} to an Odoo 18.0 repository and branch."
            )
        os.rename(partial, self.src)
        commit = subprocess.run(
            ["git", "-C", self.src, "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        self._write_mark("clone", f"{self.url} {self.ref} {commit}")
        self.out(f"  cloned in {time.time() - started:.0f} s")

    # -- 4. the venv
    def venv_stamp(self, base_python):
        digest = hashlib.sha256()
        for path in [os.path.join(self.src, "requirements.txt")] + [
            os.path.join(ROOT, name) for name in PROJECT_REQUIREMENTS
        ]:
            with open(path, "rb") as fh:
                digest.update(fh.read())
        digest.update(" ".join(EXTRA_PACKAGES).encode())
        digest.update(repr(_version_of(base_python)).encode())
        return digest.hexdigest()

    def pip_install(self, env):
        """Odoo's requirements and ours in the venv; pip's output in the log,
        the packages it builds on the screen."""
        command = [
            self.python,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--progress-bar",
            "off",
            "-r",
            os.path.join(self.src, "requirements.txt"),
            *(
                arg
                for name in PROJECT_REQUIREMENTS
                for arg in ("-r", os.path.join(ROOT, name))
            ),
            *EXTRA_PACKAGES,
        ]
        with open(self.log, "a") as log:
            log.write("$ " + shlex.join(command) + "\n")
            proc = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
            )
            collected = 0
            for line in proc.stdout:
                log.write(line)
                if line.startswith("Collecting "):
                    collected += 1
                    if collected % 20 == 0:
                        self.out(f"  {collected} packages found so far")
                elif line.lstrip().startswith("Building wheel for "):
                    self.out("  " + line.strip())
            return proc.wait()

    def build_venv(self, base_python, probe):
        stamp = self.venv_stamp(base_python)
        mark = self._read_mark("venv")
        if mark == stamp and os.path.exists(self.python):
            self._progress(4, f"Odoo's Python in {self.venv} (done before)")
            return
        if mark is None and os.path.exists(self.venv):
            self.out(
                f"{self.venv} is what an earlier set-up left unfinished: removing "
                "it and building it again"
            )
            shutil.rmtree(self.venv)
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._mark("venv"))
        self._progress(
            4,
            f"building Odoo's Python in {self.venv} with {base_python} (about 4 "
            f"minutes on 2 cores; pip's output in {self.log})",
        )
        started = time.time()
        if not os.path.exists(self.python):
            proc = subprocess.run(
                [base_python, "-m", "venv", self.venv], capture_output=True, text=True
            )
            if proc.returncode:
                shutil.rmtree(self.venv, ignore_errors=True)
                raise SetupError(
                    f"{base_python} could not make a virtual environment "
                    f"({proc.stderr.strip()[-200:]})."
                )
        constraints = os.path.join(self.home, "build-constraints.txt")
        with open(constraints, "w") as fh:
            fh.write(BUILD_CONSTRAINTS)
        env = dict(
            os.environ,
            PIP_BUILD_CONSTRAINT=constraints,
            PIP_CONSTRAINT=constraints,
            PIP_NO_INPUT="1",
        )
        if self.pip_install(env):
            # No mark: the next run removes this venv and starts it over.
            raise SetupError(
                f"pip could not install Odoo's requirements in {self.venv}: the end "
                f"of {self.log} says why; run the command again once it is mended "
                "(the unfinished venv is then built anew)."
            )
        self.link_source()
        found, error = probe(self.python, self.src)
        if error:
            raise SetupError(f"the new venv cannot run Odoo: {error} (see {self.log})")
        self._write_mark("venv", stamp)
        self.out(f"  built in {time.time() - started:.0f} s")

    def link_source(self):
        """``import odoo`` in the venv finds the clone (pytest-odoo and
        ``python -m odoo`` need it), as an editable install would."""
        site = subprocess.run(
            [
                self.python,
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        with open(os.path.join(site, "oto-odoo-src.pth"), "w") as fh:
            fh.write(self.src + "\n")

    # -- all of it
    def run(self, base_python_finder, packages, probe):
        if self.done() and self._read_mark("venv") == self._maybe_stamp():
            return self.src, self.python
        with self.locked():
            base_python = base_python_finder()
            self._write_mark("python", base_python)
            self._progress(1, f"Python {base_python}")
            self.clone()
            needed = dict(packages)
            needed.update(_python_packages(base_python))
            self._progress(3, "system packages: " + " ".join(sorted(needed)))
            ensure_system_packages(needed)
            self.build_venv(base_python, probe)
        return self.src, self.python

    def _maybe_stamp(self):
        """The venv's stamp with the Python it was built with, when known
        (``.base-python`` keeps it), to skip all steps quickly."""
        base = self._read_mark("python")
        if not base:
            return None
        try:
            return self.venv_stamp(base)
        except OSError:
            return None


def _default_python_finder():
    return choose_python(
        os.environ.get(PYTHON_VAR),
        sys.executable,
        [p for p in ("python3.12", "python3.11", "python3.10") if shutil.which(p)],
    )


def ensure_odoo(probe, browser=False):
    """(src, python) of the Odoo 18 in ``OTO_ODOO_HOME``, set up when it is
    not yet. ``probe(python, src)`` -> (found src, error) checks it runs."""
    if not enabled():
        raise SetupError(
            f"No Odoo 18 found and {SWITCH_VAR}=0: set ODOO_SRC to an Odoo 18.0 "
            "source tree (or ODOO_PYTHON to a Python where 'import odoo' works)."
        )
    boot = Bootstrap(home(), repo(), ref())
    packages = dict(BUILD_PACKAGES)
    if browser:
        packages.update(BROWSER_PACKAGES)

    if browser and boot.done() and _is_debian():
        # Set up earlier for the demo: the browser may still be missing.
        ensure_system_packages(BROWSER_PACKAGES)
    return boot.run(_default_python_finder, packages, probe)

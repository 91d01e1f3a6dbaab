"""The set-up of Odoo when none is found (``devtools/bootstrap.py``).

Against real git repositories made here (a small stand-in for Odoo 18.0 with
an ``odoo-bin``), a real ``git clone`` and a real ``python -m venv``; only
pip's install of Odoo's requirements (minutes, from the registry) and the
check that Odoo imports are replaced. The repository that cannot be reached
is a port on this machine that nothing listens on.
"""

import os
import subprocess
import sys

import pytest

from devtools import bootstrap, environment, run_tests
from devtools.environment import SetupError

UNREACHABLE = "http://127.0.0.1:9/odoo.git"


def _git(*args, cwd=None):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def odoo_repo(tmp_path):
    """A repository with branch 18.0 and two commits, holding odoo-bin."""
    repo = tmp_path / "odoo-origin"
    repo.mkdir()
    _git("init", "-q", "-b", "18.0", cwd=repo)
    (repo / "requirements.txt").write_text("# nothing\n")
    (repo / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "first", cwd=repo)
    (repo / "README.md").write_text("Odoo\n")
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "second", cwd=repo)
    return str(repo)


class Pip:
    """pip's install, replaced: counts the calls and returns ``rc``."""

    def __init__(self, rc=0):
        self.rc = rc
        self.calls = 0

    def __call__(self, env):
        self.calls += 1
        assert env["PIP_BUILD_CONSTRAINT"] == env["PIP_CONSTRAINT"]
        with open(env["PIP_BUILD_CONSTRAINT"]) as fh:
            assert fh.read() == "setuptools<81\n"
        return self.rc


def _probe(python, src):
    return src, None


def _run(home, url, pip, monkeypatch, ref="18.0"):
    lines = []
    monkeypatch.setattr(bootstrap.Bootstrap, "pip_install", pip)
    monkeypatch.setattr(bootstrap, "ensure_system_packages", lambda packages: None)
    boot = bootstrap.Bootstrap(str(home), url, ref, out=lines.append)
    result = boot.run(lambda: sys.executable, {}, _probe)
    return boot, result, lines


def _left(home):
    return sorted(os.listdir(home)) if os.path.isdir(home) else []


def test_unreachable_repository_names_the_variable_and_leaves_nothing(
    tmp_path, monkeypatch
):
    home = tmp_path / "home"
    pip = Pip()
    with pytest.raises(SetupError) as raised:
        _run(home, UNREACHABLE, pip, monkeypatch)
    message = str(raised.value)
    assert message.startswith(f"cannot reach the Odoo repository {UNREACHABLE} (")
    assert "set OTO_ODOO_REPO to a mirror or a local clone" in message
    assert "ODOO_SRC" in message
    assert pip.calls == 0
    assert not [
        name for name in _left(home) if name.startswith(("src", "venv", ".done"))
    ]


def test_a_missing_folder_is_unreachable_too(tmp_path, monkeypatch):
    with pytest.raises(SetupError, match="cannot reach the Odoo repository"):
        _run(tmp_path / "home", str(tmp_path / "nowhere"), Pip(), monkeypatch)
    assert not (tmp_path / "home" / "src").exists()


def test_a_missing_branch_names_the_ref_variable(tmp_path, odoo_repo, monkeypatch):
    with pytest.raises(
        SetupError, match="has no branch or tag '17.0': set OTO_ODOO_REF"
    ):
        _run(tmp_path / "home", odoo_repo, Pip(), monkeypatch, ref="17.0")
    assert not (tmp_path / "home" / "src").exists()


def test_set_up_once_then_nothing(tmp_path, odoo_repo, monkeypatch):
    home = tmp_path / "home"
    pip = Pip()
    boot, (src, python), lines = _run(home, odoo_repo, pip, monkeypatch)
    assert src == str(home / "src") and os.path.isfile(os.path.join(src, "odoo-bin"))
    assert python == str(home / "venv" / "bin" / "python")
    assert os.path.exists(python)
    assert pip.calls == 1
    steps = [line.split(":")[0] for line in lines if line.startswith("Odoo 18 set-up")]
    assert steps == [f"Odoo 18 set-up {n}/4" for n in (1, 2, 3, 4)]
    assert any("(shallow)" in line for line in lines)
    shallow = subprocess.run(
        ["git", "-C", src, "rev-parse", "--is-shallow-repository"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shallow == "true"
    assert not (home / "src.partial").exists()
    # ``import odoo`` in the venv finds the clone (pytest-odoo needs it).
    path = subprocess.run(
        [python, "-c", "import sys; print(sys.path)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert repr(src) in path

    # The second run: every step was done, nothing is done again.
    boot2, again, lines2 = _run(home, odoo_repo, pip, monkeypatch)
    assert again == (src, python)
    assert pip.calls == 1
    assert not [line for line in lines2 if "cloning" in line or "building" in line]


def test_a_failed_venv_is_built_anew_next_time(tmp_path, odoo_repo, monkeypatch):
    home = tmp_path / "home"
    with pytest.raises(SetupError, match="pip could not install Odoo's requirements"):
        _run(home, odoo_repo, Pip(rc=1), monkeypatch)
    assert (home / "venv").exists()
    assert not (home / ".done-venv").exists()
    (home / "venv" / "half-installed").write_text("x")

    pip = Pip()
    _boot, _result, lines = _run(home, odoo_repo, pip, monkeypatch)
    assert any(
        "left unfinished: removing it and building it again" in line for line in lines
    )
    assert any("Odoo source in" in line and "(done before)" in line for line in lines)
    assert not (home / "venv" / "half-installed").exists()
    assert (home / ".done-venv").exists()
    assert pip.calls == 1


def test_an_interrupted_clone_starts_over(tmp_path, odoo_repo, monkeypatch):
    home = tmp_path / "home"
    (home / "src").mkdir(parents=True)
    (home / "src" / "half").write_text("x")
    (home / "src.partial").mkdir()
    _boot, (src, _python), lines = _run(home, odoo_repo, Pip(), monkeypatch)
    removed = [
        line for line in lines if "left unfinished: removing it and cloning" in line
    ]
    assert len(removed) == 2
    assert sorted(os.listdir(src)) == [
        ".git",
        "README.md",
        "odoo-bin",
        "requirements.txt",
    ]


def test_a_venv_that_cannot_run_odoo_gets_no_mark(tmp_path, odoo_repo, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setattr(bootstrap.Bootstrap, "pip_install", Pip())
    monkeypatch.setattr(bootstrap, "ensure_system_packages", lambda packages: None)
    boot = bootstrap.Bootstrap(str(home), odoo_repo, "18.0", out=lambda line: None)
    with pytest.raises(SetupError, match="the new venv cannot run Odoo: no odoo"):
        boot.run(lambda: sys.executable, {}, lambda python, src: (None, "no odoo"))
    assert not (home / ".done-venv").exists()


def _versions(table):
    return lambda python: table.get(python)


def test_python_outside_odoo_range():
    with pytest.raises(SetupError) as raised:
        bootstrap.choose_python("py13", None, [], _versions({"py13": (3, 13)}))
    assert str(raised.value) == (
        "OTO_ODOO_BASE_PYTHON=py13 is Python 3.13; Odoo 18 runs on Python 3.10 to "
        "3.12: point OTO_ODOO_BASE_PYTHON at one of those."
    )
    with pytest.raises(SetupError) as raised:
        bootstrap.choose_python(
            None,
            "python3",
            ["python3.9"],
            _versions({"python3": (3, 13), "python3.9": (3, 9)}),
        )
    assert "Odoo 18 runs on Python 3.10 to 3.12 and none is here" in str(raised.value)
    assert "python3 is 3.13; python3.9 is 3.9" in str(raised.value)
    assert "set OTO_ODOO_BASE_PYTHON" in str(raised.value)
    table = {"python3": (3, 13), "python3.12": (3, 12), "python3.11": (3, 11)}
    chosen = bootstrap.choose_python(
        None, "python3", ["python3.12", "python3.11"], _versions(table)
    )
    assert chosen == "python3.12"
    assert (
        bootstrap.choose_python(None, "py10", [], _versions({"py10": (3, 10)}))
        == "py10"
    )


def test_no_root_gets_the_exact_apt_line(monkeypatch):
    monkeypatch.setattr(bootstrap, "_is_debian", lambda: True)
    monkeypatch.setattr(bootstrap, "_dpkg_installed", lambda name: name == "git")
    monkeypatch.setattr(bootstrap.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(bootstrap, "_sudo_works", lambda: False)
    packages = {
        "git": "to clone Odoo",
        "libldap2-dev": "LDAP headers (python-ldap)",
        "libsasl2-dev": "SASL headers (python-ldap)",
    }
    with pytest.raises(SetupError) as raised:
        bootstrap.ensure_system_packages(packages)
    message = str(raised.value)
    assert message.endswith(
        "Install them as root and run this again: "
        "sudo apt-get install -y libldap2-dev libsasl2-dev"
    )
    assert "libldap2-dev (LDAP headers (python-ldap))" in message
    assert "git" not in message.split(":")[1]


def test_install_command_as_root_with_sudo_or_neither():
    assert bootstrap.install_command(["chromium"], 0, False)[:2] == [
        "apt-get",
        "install",
    ]
    assert bootstrap.install_command(["chromium"], 1000, True)[:3] == [
        "sudo",
        "-n",
        "apt-get",
    ]
    assert bootstrap.install_command(["chromium"], 1000, False) is None


def test_clone_url_makes_local_clones_shallow():
    assert bootstrap.clone_url("/srv/odoo") == "file:///srv/odoo"
    assert bootstrap.clone_url(bootstrap.DEFAULT_REPO) == bootstrap.DEFAULT_REPO
    assert bootstrap.DEFAULT_REPO == "https://github.com/odoo/odoo.git"
    assert bootstrap.DEFAULT_REF == "18.0"


def test_oto_test_without_odoo_skips_the_odoo_part_in_one_line(
    tmp_path, monkeypatch, capsys
):
    """CI on a machine without Odoo and without the Odoo repository: the Odoo
    part says why it did not run, the command exits 0, nothing is left."""
    for name in ("ODOO_SRC", "ODOO_PYTHON", "OTO_ODOO_REF", "OTO_ODOO_BOOTSTRAP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(environment, "DEFAULT_SRC", str(tmp_path / "no-odoo"))
    monkeypatch.setenv("OTO_ODOO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OTO_ODOO_REPO", UNREACHABLE)
    monkeypatch.setattr(bootstrap, "_default_python_finder", lambda: sys.executable)
    monkeypatch.setattr(bootstrap, "ensure_system_packages", lambda packages: None)
    assert run_tests.main(["--odoo"]) == 0
    out = capsys.readouterr().out.splitlines()
    skipped = [line for line in out if "Odoo tests skipped" in line]
    assert len(skipped) == 1
    assert f"cannot reach the Odoo repository {UNREACHABLE}" in skipped[0]
    assert "OTO_ODOO_REPO" in skipped[0]
    assert out[-1] == "total: 0 passed, 0 failed, 0 skipped"
    assert not [
        name
        for name in _left(tmp_path / "home")
        if name.startswith(("src", "venv", ".done-clone", ".done-venv"))
    ]


def test_bootstrap_can_be_turned_off(tmp_path, monkeypatch):
    for name in ("ODOO_SRC", "ODOO_PYTHON"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(environment, "DEFAULT_SRC", str(tmp_path / "no-odoo"))
    monkeypatch.setenv("OTO_ODOO_BOOTSTRAP", "0")
    with pytest.raises(SetupError, match="No Odoo 18 found and OTO_ODOO_BOOTSTRAP=0"):
        environment.find_odoo()

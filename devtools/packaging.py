"""The add-ons as packages: wheels for pip, zips for the Odoo Apps store.

``python3 -m devtools.packaging wheels [DEST]``
    one ``odoo_addon_<name>-<version>-py3-none-any.whl`` per add-on (OCA's
    whool: name, version, dependencies from the manifest; the files git
    tracks), in ``.work/dist/wheels``. The version is the manifest's.
``python3 -m devtools.packaging apps [DEST]``
    one ``<name>-<version>.zip`` per add-on in ``.work/dist/apps``, as the
    Apps store takes an upload: the add-on's folder at the top of the zip
    (the files git tracks), with the project's LICENSE in it.

``python3 -m devtools.packaging images``
    each add-on's store pictures from ``docs/screenshots``: the banner of
    the manifest's ``images`` (``static/description/banner.png``, 560x280)
    and the screenshots its description page shows.

``./oto test --scenario wheels`` builds the wheels, installs them with pip
into a new virtual environment beside Odoo's Python, and installs the
add-ons in Odoo from there (the repository is not on the addons path).
"""

import ast
import os
import shutil
import subprocess
import sys
import zipfile

from .environment import ADDONS, ERP_ADDONS, ROOT, WORK, SetupError, say

DIST = os.path.join(WORK, "dist")
WHEELS = os.path.join(DIST, "wheels")
APPS = os.path.join(DIST, "apps")


def manifest(addon):
    with open(os.path.join(ROOT, addon, "__manifest__.py")) as fh:
        return ast.literal_eval(fh.read())


def tracked_files(addon):
    """The add-on's files as git has them (relative to the repository)."""
    proc = subprocess.run(
        ["git", "ls-files", "-z", "--", addon],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if proc.returncode:
        raise SetupError(f"git cannot list the files of {addon}: not a git checkout?")
    files = [name for name in proc.stdout.decode().split("\0") if name]
    return [name for name in files if os.path.isfile(os.path.join(ROOT, name))]


def build_wheels(python=sys.executable, dest=WHEELS):
    """Build every add-on's wheel with ``python`` (which has whool)."""
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    env = dict(os.environ, WHOOL_POST_VERSION_STRATEGY_OVERRIDE="none")
    for addon in ADDONS:
        proc = subprocess.run(
            [
                python,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "--wheel-dir",
                dest,
                os.path.join(ROOT, addon),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode:
            raise SetupError(
                f"the wheel of {addon} did not build: {proc.stderr.strip()[-500:]}"
            )
    return sorted(
        os.path.join(dest, name) for name in os.listdir(dest) if name.endswith(".whl")
    )


def build_apps(dest=APPS):
    """One zip per add-on in the Apps store's layout."""
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    license_path = os.path.join(ROOT, "LICENSE")
    made = []
    for addon in ADDONS:
        path = os.path.join(dest, f"{addon}-{manifest(addon)['version']}.zip")
        files = tracked_files(addon)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in files:
                archive.write(os.path.join(ROOT, name), name)
            if f"{addon}/LICENSE" not in files:
                archive.write(license_path, f"{addon}/LICENSE")
        made.append(path)
    return made


# ------------------------------------------------------------- store images

# add-on: (banner subtitle, picture on the banner, screenshots of the page)
STORE_IMAGES = {
    "oto_crm": (
        "Retail clienteling",
        "my-day-phone.png",
        (
            "my-day-phone.png",
            "my-day-customer-phone.png",
            "wallet-phone.png",
            "stores-desktop.png",
            "campaign-lift-desktop.png",
        ),
    ),
    "oto_crm_pos": (
        "Point of Sale",
        "pos-seller-phone.png",
        ("pos-seller-phone.png", "pos-customers-phone.png"),
    ),
    "oto_crm_whatsapp": (
        "WhatsApp Business",
        "my-day-customer-phone.png",
        ("my-day-customer-phone.png", "campaigns-desktop.png"),
    ),
    "oto_crm_pos_whatsapp": (
        "POS receipts by WhatsApp",
        "pos-customers-phone.png",
        ("pos-customers-phone.png",),
    ),
    "oto_crm_website_sale": (
        "Abandoned carts to sellers",
        "my-day-customer-phone.png",
        ("my-day-customer-phone.png",),
    ),
}
BANNER_SIZE = (560, 280)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def make_images():
    """Banners and page screenshots (needs Pillow: the tool venv has it)."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415

    shots = os.path.join(ROOT, "docs", "screenshots")
    made = []
    for addon, (subtitle, picture, pages) in STORE_IMAGES.items():
        folder = os.path.join(ROOT, addon, "static", "description")
        banner = Image.new("RGB", BANNER_SIZE, (17, 76, 92))
        draw = ImageDraw.Draw(banner)
        try:
            big, small = ImageFont.truetype(FONT, 40), ImageFont.truetype(FONT, 20)
        except OSError:
            big = small = ImageFont.load_default()
        draw.text((28, 70), "Oto CRM", font=big, fill=(255, 255, 255))
        draw.text((28, 130), subtitle, font=small, fill=(190, 232, 236))
        draw.text((28, 200), "Odoo 18.0", font=small, fill=(190, 232, 236))
        phone = Image.open(os.path.join(shots, picture)).convert("RGB")
        height = BANNER_SIZE[1] - 30
        phone = phone.resize((phone.width * height // phone.height, height))
        banner.paste(phone, (BANNER_SIZE[0] - phone.width - 30, 15))
        path = os.path.join(folder, "banner.png")
        banner.save(path, optimize=True)
        made.append(path)
        for name in pages:
            target = os.path.join(folder, f"screenshot-{name}")
            shutil.copyfile(os.path.join(shots, name), target)
            made.append(target)
    return made


# ------------------------------------------------- ./oto test --scenario wheels

_CHECK = """
import odoo.modules.module as m
env.cr.execute(
    "SELECT name, state FROM ir_module_module WHERE name IN %s", [tuple(NAMES)]
)
states = dict(env.cr.fetchall())
for name in NAMES:
    print("OTO-WHEEL", name, states.get(name), m.get_module_path(name))
"""


def _site_dirs(python):
    proc = subprocess.run(
        [
            python,
            "-c",
            "import sysconfig; p = sysconfig.get_paths(); "
            "print(p['purelib']); print(p['platlib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(dict.fromkeys(proc.stdout.split()))


def wheel_venv(odoo, wheels, path):
    """A new venv made with Odoo's Python, seeing Odoo's packages (a .pth
    line), with the wheels installed by pip."""
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run([odoo.python, "-m", "venv", path], check=True, capture_output=True)
    python = os.path.join(path, "bin", "python")
    site = _site_dirs(python)[0]
    with open(os.path.join(site, "oto-odoo-python.pth"), "w") as fh:
        fh.write("\n".join(_site_dirs(odoo.python)) + "\n")
    proc = subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-index",
            # Odoo itself is a source tree here, not a pip package: the
            # wheels' requirement "odoo==18.0.*" is met by it, not by pip.
            "--no-deps",
            *wheels,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise SetupError(f"pip could not install the wheels: {proc.stderr[-500:]}")
    return python, site


def run_scenario(odoo, db, rebuild=False):
    """Build, pip-install, install in Odoo from the venv: one count per
    wheel built and per add-on installed from its wheel."""
    from . import run_tests  # noqa: PLC0415 (it imports this module)

    Counts = run_tests.Counts
    say("wheels: building odoo-addon-* with whool")
    wheels = build_wheels(run_tests.ensure_tool_venv())
    names = {os.path.basename(w).split("-")[0] for w in wheels}
    counts = Counts()
    for addon in ADDONS:
        if f"odoo_addon_{addon}" in names:
            counts += Counts(passed=1)
        else:
            say(f"  wheels: no wheel for {addon}")
            counts += Counts(failed=1)
    venv = os.path.join(WORK, "wheels-venv")
    python, site = wheel_venv(odoo, wheels, venv)
    template = run_tests.ensure_template(odoo, db, "pos", False, rebuild)
    dbname = "oto_test_wheels"
    run_tests.clone_database(db, template, dbname)
    core = ",".join(
        p
        for p in (
            os.path.join(odoo.src, "odoo", "addons"),
            os.path.join(odoo.src, "addons"),
        )
        if os.path.isdir(p)
    )
    odoo_bin = os.path.join(odoo.src, "odoo-bin")
    command = [python, odoo_bin] if os.path.isfile(odoo_bin) else [python, "-m", "odoo"]
    # (The online shop's bridges are built, not installed: no website here.)
    say(f"wheels: installing {', '.join(ERP_ADDONS)} from {site}")
    rc, install_log, path = run_tests._odoo_run(
        odoo,
        db,
        dbname,
        ["-i", ",".join(ERP_ADDONS), "--without-demo=all"],
        "wheels_install.log",
        command=command,
        addons_path=core,
    )
    rc2, log, _path = run_tests._odoo_run(
        odoo,
        db,
        dbname,
        ["--no-http"],
        "wheels_check.log",
        command=command,
        subcommand="shell",
        stdin=f"NAMES = {list(ERP_ADDONS)!r}\n{_CHECK}",
        addons_path=core,
    )
    found = {
        parts[1]: parts[2:]
        for parts in (line.split() for line in log.splitlines())
        if parts[:1] == ["OTO-WHEEL"]
    }
    for addon in ERP_ADDONS:
        state, module_path = (found.get(addon, []) + [None, None])[:2]
        clean = rc == 0 and not run_tests.ERROR_RE.search(install_log)
        if clean and state == "installed" and module_path.startswith(site):
            counts += Counts(passed=1)
        else:
            say(
                f"  wheels: {addon} is {state} from {module_path} "
                f"(install exit {rc}, see {path})"
            )
            counts += Counts(failed=1)
    if not counts.failed:
        run_tests.drop_database(db, dbname)
        shutil.rmtree(venv, ignore_errors=True)
    say(f"  wheels: {counts}")
    return counts


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("wheels", "apps", "images"):
        print(__doc__.strip())
        return 2
    try:
        if argv[0] == "wheels":
            from .run_tests import ensure_tool_venv  # noqa: PLC0415

            python = ensure_tool_venv()  # has whool (requirements-dev.txt)
            made = build_wheels(python, argv[1] if len(argv) > 1 else WHEELS)
        elif argv[0] == "images":
            try:
                import PIL  # noqa: F401, PLC0415
            except ImportError:  # the tool venv has Pillow
                from .run_tests import ensure_tool_venv  # noqa: PLC0415

                python = ensure_tool_venv()
                command = [python, "-m", "devtools.packaging", "images"]
                return subprocess.run(command, cwd=ROOT, check=False).returncode
            made = make_images()
        else:
            made = build_apps(dest=argv[1] if len(argv) > 1 else APPS)
    except SetupError as exc:
        say(str(exc))
        return 1
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

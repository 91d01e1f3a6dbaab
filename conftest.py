"""pytest bootstrap for the parts that run without Odoo.

The add-ons' ``tools/`` packages are plain Python. Importing them as
``oto_crm.tools.x`` would normally run ``oto_crm/__init__.py``, which needs
Odoo; here each add-on is registered as a bare namespace so only ``tools``
is loaded.

Under pytest-odoo (``./oto pytest``) Odoo is already imported when this
runs and the add-ons are Odoo's (``odoo.addons.oto_crm``): no namespace is
made, and ``tests/pytest_odoo_setup.py`` adds what Odoo's own test runner
does around each test.
"""

import os
import sys
import types

ROOT = os.path.dirname(os.path.abspath(__file__))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

for _addon in ("oto_crm", "oto_crm_pos", "oto_crm_whatsapp"):
    if "odoo" not in sys.modules and _addon not in sys.modules:
        _module = types.ModuleType(_addon)
        _module.__path__ = [os.path.join(ROOT, _addon)]
        sys.modules[_addon] = _module

if "odoo" in sys.modules:
    from tests.pytest_odoo_setup import (  # noqa: F401, E402
        pytest_runtest_setup,
        pytest_runtest_teardown,
    )

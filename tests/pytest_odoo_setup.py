"""The pytest-odoo configuration: what Odoo 18's own test runner does around
every test, which pytest-odoo 2.3 does only for Odoo 19 and later.

Loaded by the top-level ``conftest.py`` when pytest runs under pytest-odoo
(``./oto pytest ADDON``, or ``pytest --odoo-database=...``; see the README).
Odoo's runner (``odoo.tests.loader.run_suite``) sets
``odoo.modules.module.current_test`` while tests run: code that must not
reach the outside world under test (the add-ons' mail server probe, Odoo's
own mail and SMS gateways) reads it.
"""

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    from odoo.modules import module  # noqa: PLC0415 (only under pytest-odoo)

    module.current_test = True


def pytest_runtest_teardown(item, nextitem):
    from odoo.modules import module  # noqa: PLC0415

    module.current_test = False

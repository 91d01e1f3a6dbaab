"""Odoo's own command line, for the coexistence scenarios of ``./oto test``.

Run with Odoo's Python: ``python -m devtools.odoo_runner ODOO_SRC odoo-args...``
(or the file itself). Two changes to Odoo's test runner, through environment
variables:

- ``OTO_ALL_LOADED=1``: the selected tests of every installed module run once
  the whole registry is loaded, install-time ones (``at_install``) included.
  Odoo runs those while it loads each module, before the modules that depend
  on it: that would test Odoo's crm without our add-ons' code, in a database
  that has our add-ons' columns. Here they run with everything loaded, as in
  a business's database.
- ``OTO_TEST_REPORT=path``: each test that fails or errors is written there,
  one JSON line ``{"id": "odoo.addons.crm.tests.test_x.TestY.test_z",
  "kind": "FAIL"}``, so that the scenario can run exactly those tests again
  elsewhere.
"""

import json
import os
import sys


def _test_id(test):
    """The dotted id of a test, of the test around a subtest, or of the class
    whose ``setUpClass`` failed (``odoo.addons.m.tests.t.Class``)."""
    inner = getattr(test, "test_case", None)
    if inner is not None:  # a subtest
        test = inner
    description = getattr(test, "description", None)
    if description and "(" in description and not hasattr(test, "_testMethodName"):
        # unittest's _ErrorHolder: "setUpClass (odoo.addons.m.tests.t.Class)"
        return description[description.index("(") + 1 : description.rindex(")")]
    return test.id().split(" ", 1)[0]


def _patch_report(path):
    from odoo.tests import result

    def record(kind, test):
        with open(path, "a") as out:
            out.write(json.dumps({"id": _test_id(test), "kind": kind}) + "\n")

    add_error = result.OdooTestResult.addError
    add_failure = result.OdooTestResult.addFailure

    def addError(self, test, err):
        record("ERROR", test)
        return add_error(self, test, err)

    def addFailure(self, test, err):
        record("FAIL", test)
        return add_failure(self, test, err)

    result.OdooTestResult.addError = addError
    result.OdooTestResult.addFailure = addFailure


def _patch_all_loaded():
    from odoo.tests import loader
    from odoo.tests.suite import OdooSuite

    make_suite = loader.make_suite

    def make_suite_all_loaded(module_names, position="at_install"):
        if position == "at_install":
            # While a module loads: nothing; its tests run with the rest.
            return OdooSuite([])
        at_install = list(make_suite(module_names, "at_install"))
        post_install = list(make_suite(module_names, "post_install"))
        return OdooSuite(at_install + post_install)

    loader.make_suite = make_suite_all_loaded


def main():
    src = sys.argv.pop(1)
    sys.path.insert(0, src)
    import odoo.cli
    from odoo.tools import config

    # Odoo's test framework is imported below, before Odoo reads the command
    # line: say now that this is a test run (Odoo logs an error otherwise).
    config["test_enable"] = True
    if os.environ.get("OTO_TEST_REPORT"):
        _patch_report(os.environ["OTO_TEST_REPORT"])
    if os.environ.get("OTO_ALL_LOADED"):
        _patch_all_loaded()
    odoo.cli.main()


if __name__ == "__main__":
    main()

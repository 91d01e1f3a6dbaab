from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """The wallet engine's change log and its triggers on Odoo's tables go
    (uninstalling leaves a working database)."""
    env["oto.purchase"]._wallet_change_log_drop()

from . import models
from . import wizard


def post_init_hook(env):
    """Points of sale that existed before the add-on got the default consent
    text in English only: give it every installed language."""
    env["pos.config"].with_context(active_test=False).search(
        []
    )._oto_translate_default_consent()


def uninstall_hook(env):
    """The wallet engine's triggers on the POS orders go."""
    env["oto.purchase"]._wallet_change_log_drop(sources=("pos_order",))

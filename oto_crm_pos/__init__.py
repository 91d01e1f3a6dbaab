from . import models
from . import wizard
from .hooks import uninstall_hook

# Points of sale that existed before the add-on are not written at install
# (their rows stay as the business left them): their consent text is the
# default one, shown translated when the counter loads it.

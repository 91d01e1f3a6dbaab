from . import test_pos_whatsapp
from . import test_pos_whatsapp_ui
from . import test_consent_paths

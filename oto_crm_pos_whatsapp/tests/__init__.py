from . import test_pos_whatsapp

from . import oto_whatsapp_account

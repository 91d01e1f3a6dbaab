from . import oto_whatsapp_composer

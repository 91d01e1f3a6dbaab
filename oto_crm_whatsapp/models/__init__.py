from . import oto_whatsapp_account
from . import oto_whatsapp_template
from . import oto_whatsapp_message
from . import oto_whatsapp_webhook
from . import res_partner
from . import crm_lead
from . import oto_phone_bridge

from . import oto_wallet_assign
from . import oto_lead_tag
from . import oto_lead_delete
from . import mail_compose_message
from . import base_partner_merge
from . import oto_import_wizard

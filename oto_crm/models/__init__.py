from . import oto_store
from . import oto_seller
from . import res_partner
from . import sale_order
from . import oto_demo

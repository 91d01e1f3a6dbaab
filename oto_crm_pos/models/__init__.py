from . import oto_store
from . import pos_config
from . import pos_order
from . import oto_purchase
from . import oto_demo

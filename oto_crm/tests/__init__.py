from . import test_store_seller
from . import test_access
from . import test_wallet_assign
from . import test_wallet_engine
from . import test_demo_brand
from . import test_suggestions
from . import test_contacts
from . import test_ui

from . import test_pos_store
from . import test_pos_counter
from . import test_pos_marketing
from . import test_pos_ui
from . import test_pos_access

from . import test_account
from . import test_templates
from . import test_sending
from . import test_queue
from . import test_webhook
from . import test_data_request
from . import test_webhook_routing
from . import test_killed_worker

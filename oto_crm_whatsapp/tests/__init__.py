from . import test_account

from . import oto_wallet_assign

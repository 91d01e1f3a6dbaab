from . import main
from . import api

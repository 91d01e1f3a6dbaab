from . import main
from . import api
from . import webmanifest

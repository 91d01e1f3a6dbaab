from . import oto_data_request_report

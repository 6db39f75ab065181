"""WSGI entry point (gunicorn, through `pourparler serve`)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pourparler.settings")
application = get_wsgi_application()
# Everything loaded so far (Django, the apps, the URL and template machinery) lives as
# long as the process: moved out of the collector's sight, it is not walked again by
# every full collection, which made the slowest requests' tail (docs/benchmarks.md).
gc.freeze()

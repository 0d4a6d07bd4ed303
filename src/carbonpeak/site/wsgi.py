"""WSGI entry point (``gunicorn carbonpeak.site.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonpeak.site.settings")
application = get_wsgi_application()

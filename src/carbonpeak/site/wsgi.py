"""WSGI entry point (``gunicorn carbonpeak.site.wsgi``; ``carbonpeak serve`` starts it).

With DEBUG off it refuses to start without a configured secret key
(:mod:`carbonpeak.site.startup`).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonpeak.site.settings")
application = get_wsgi_application()

from carbonpeak.site.startup import require_secret_key  # noqa: E402  (needs settings configured)

require_secret_key()

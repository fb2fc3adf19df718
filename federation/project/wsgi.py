"""WSGI entry point, served by gunicorn (scripts/serve.sh)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "federation.project.settings")
application = get_wsgi_application()

#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Run with no configuration at all, this is a developer at a fresh checkout: development mode.
    # Any deployment sets SECRET_KEY (the settings refuse to start without one when DEBUG is off),
    # which leaves DEBUG to the environment; the web server (config/wsgi.py) never defaults to it.
    if "SECRET_KEY" not in os.environ and not os.path.exists(os.path.join(os.path.dirname(__file__), ".env")):
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

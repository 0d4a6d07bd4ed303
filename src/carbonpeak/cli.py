"""The ``carbonpeak`` console command.

It is the project's ``manage.py``: every Django management command runs through it
(``carbonpeak migrate``, ``carbonpeak runserver``) together with the project's own
commands (``carbonpeak plan parse``, ``carbonpeak accounting compute`` …).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonpeak.site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["carbonpeak", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":  # pragma: no cover
    main()

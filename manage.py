#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] == ["runserver"]:
        from conference.serving import require_secret_key

        require_secret_key()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

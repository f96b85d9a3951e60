"""A second Kindred process for the cross-process revocation test: reads "<session key> <path>"
lines on stdin, answers each with its status code on stdout, sharing the parent's database and
Redis cache through the environment."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> None:
    print("ready", flush=True)
    for line in sys.stdin:
        key, path = line.split()
        client = Client(HTTP_HOST="localhost")
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        print(client.get(path).status_code, flush=True)


if __name__ == "__main__":
    main()

"""Fixtures of the watcher's tests: the fixture site (site.py) and a transport that only reaches 127.0.0.1."""

from tests.watcher.site import closed_port, local_only, site  # noqa: F401 (pytest fixtures)

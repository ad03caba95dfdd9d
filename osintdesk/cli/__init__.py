"""The ``osintdesk`` command line: the group and its public helpers live in ``main``; each
domain's commands live in a module of their own that registers them on the group."""

from .main import cli, main
from . import case, charts, custody, exchange, exports, findings, flights, report, sources  # noqa: F401,E402  (register the commands)

__all__ = ["cli", "main"]
from . import demo  # noqa: F401,E402  (the trainers' commands)

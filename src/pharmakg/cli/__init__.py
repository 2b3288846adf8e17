"""The command line: a thin click layer over the public API.

Results go to stdout, logs and errors to stderr (one line each). ``-o FILE``
writes exactly what stdout would, through a temporary file and a rename.
Exit codes come from the error tree (:mod:`pharmakg.errors`): 0 ok, 1 the data do not
conform (or are inconsistent), 2 bad input, output or usage, 3 a broken installation or
environment (no Java for HermiT, a packaged file missing) or a query stopped at its ``--timeout``.

``--store LOCATION`` (``memory``, a directory written by ``pharmakg load``, or ``sparql:URL``)
reads the data from a store instead of parsing files.

The modules of this package:

* :mod:`.group`: :func:`main`, the ``pharmakg`` group the commands register on;
* :mod:`.options`: what the commands share: exit codes, the source and export options,
  progress bars, writing to ``-o FILE`` or stdout, errors as one line and an exit code;
* :mod:`.stages`: build, export, validate, reason, load, publish;
* :mod:`.explore`: queries, query, paths, stats, visualise;
* :mod:`.serving`: serve;
* :mod:`.importing`: the ``import`` group (``import drugmechdb``).
"""

from __future__ import annotations

from . import explore, importing, serving, stages  # noqa: F401  (they register the commands)
from .group import main

__all__ = ["main"]

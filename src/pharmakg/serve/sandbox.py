"""What a query worker may not do: reach the network, or take more than its share of memory.

Both are defence in depth behind the server's own rules (the real parse that refuses
``SERVICE``, the time limit), so that a query the rules miss still cannot call out or take
the machine down.

* **No network** (:func:`isolate_network`): the template process that every worker is
  forked from moves into a network namespace of its own (Linux ``unshare(CLONE_NEWNET)``,
  or inside a user namespace of its own where the server is not privileged). Its only
  interface, loopback, is down: a connection fails at once, to any address. Where the
  kernel refuses, the reason is returned so that the server can log it.
* **A memory ceiling** (:func:`limit_memory`): each worker's address space may grow by at
  most the given number of bytes beyond what it holds when it starts (the shared in-memory
  store included). pyoxigraph then fails an allocation and the worker stops; the pool
  replaces it and the client gets a 503 that names the limit.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys

__all__ = ["isolate_network", "limit_memory"]

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def isolate_network() -> str | None:
    """Move this process into an empty network namespace; None, or why that was refused.

    Call it while the process has one thread: a user namespace cannot be entered later.
    """
    if not sys.platform.startswith("linux"):
        return f"network namespaces are Linux only (this is {sys.platform})"
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) == 0:
        return None
    privileged = os.strerror(ctypes.get_errno())
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        unprivileged = os.strerror(ctypes.get_errno())
        return f"unshare(CLONE_NEWNET): {privileged}; in a user namespace: {unprivileged}"
    # Inside the new user namespace, keep our own ids so that the store's files stay ours.
    maps = (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1"))
    for name, text in maps:
        with open(f"/proc/self/{name}", "w", encoding="ascii") as file:
            file.write(text)
    return None


def limit_memory(extra_bytes: int) -> None:
    """Let this process's address space grow by at most ``extra_bytes`` from now on."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    ceiling = pages * os.sysconf("SC_PAGE_SIZE") + extra_bytes
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))

"""A cap on how often one client address may do something (new identities, class joins).

    joins = AddressLimit(limit=60, window_s=600)
    if not joins.allow("203.0.113.9"): ...     # refused: 60 already in the last 10 minutes

A sliding window per address, in memory (one per server process). At most
`max_addresses` are remembered: the one seen least recently is forgotten first,
so a flood of addresses cannot fill the memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class AddressLimit:
    def __init__(self, limit: int, window_s: float, max_addresses: int = 50_000, clock=None):
        if limit < 1 or window_s <= 0:
            raise ValueError("limit >= 1 and window_s > 0")
        self.limit, self.window_s, self.max_addresses = limit, window_s, max_addresses
        self._clock = clock or time.monotonic
        self._seen: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count one more for `address` and say yes, or say no (and count nothing)."""
        now = self._clock()
        with self._lock:
            times = self._seen.pop(address, None) or deque()
            while times and now - times[0] >= self.window_s:
                times.popleft()
            allowed = len(times) < self.limit
            if allowed:
                times.append(now)
            self._seen[address] = times  # now the most recent
            while len(self._seen) > self.max_addresses:
                self._seen.popitem(last=False)
        return allowed

"""A value built on first use, once per process, under a lock (models, classifiers)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    """`Lazy(build).get()` calls `build()` the first time only; threads asking meanwhile wait
    for that one call. A failed build is not remembered: the next get() tries again."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: T | None = None
        self._ready = False

    def get(self) -> T:
        if self._ready:  # the common case takes no lock
            return self._value  # type: ignore[return-value]
        with self._lock:
            if not self._ready:
                self._value = self._build()
                self._ready = True
            return self._value  # type: ignore[return-value]

    @property
    def loaded(self) -> bool:
        return self._ready

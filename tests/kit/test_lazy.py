import threading
import time

import pytest

from roost.kit.lazy import Lazy


def test_threads_asking_at_once_share_one_build():
    calls = []

    def build():
        calls.append(1)
        time.sleep(0.05)
        return object()

    lazy = Lazy(build)
    got = []
    threads = [threading.Thread(target=lambda: got.append(lazy.get())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len({id(v) for v in got}) == 1 and lazy.loaded


def test_a_failed_build_is_tried_again():
    attempts = []

    def build():
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("model file busy")
        return "model"

    lazy = Lazy(build)
    with pytest.raises(OSError):
        lazy.get()
    assert not lazy.loaded
    assert lazy.get() == "model" and len(attempts) == 2

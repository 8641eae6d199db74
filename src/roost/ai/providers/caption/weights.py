"""Read a PyTorch state dict into numpy arrays without torch.

Handles both files `torch.save` writes: the legacy format (five pickles and raw storages in a row,
PyTorch < 1.6) and the zip format (`<name>/data.pkl` plus `<name>/data/<key>` storages). The
pickles are read with an unpickler that resolves only the handful of names a state dict needs
(OrderedDict, the tensor rebuild function, storage types) and refuses everything else, so a
crafted file cannot run code."""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
from collections import OrderedDict
from typing import Any, BinaryIO

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = np.dtype(_DTYPES[name])


class _TensorRef:
    """A tensor waiting for its storage's bytes: (key, offset, size, stride)."""

    def __init__(self, storage: tuple, offset: int, size: tuple, stride: tuple) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


def _rebuild_tensor(storage: tuple, offset: int, size: tuple, stride: tuple, *_: Any) -> _TensorRef:
    return _TensorRef(storage, offset, size, stride)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")

    def persistent_load(self, pid: Any) -> tuple:
        # ('storage', storage_type, key, location, numel[, view_metadata])
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise pickle.UnpicklingError("unexpected persistent id")
        return (str(pid[2]), pid[1].dtype, int(pid[4]))


def load_state_dict(path: str) -> dict[str, np.ndarray]:
    """The file's tensors as float32/int64 numpy arrays, by name."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return _load_zip(z)
    with open(path, "rb") as f:
        return _load_legacy(f)


def _materialise(refs: dict[str, Any], buffers: dict[str, bytes]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, ref in refs.items():
        if not isinstance(ref, _TensorRef):
            continue
        key, dtype, _numel = ref.storage
        flat = np.frombuffer(buffers[key], dtype=dtype)
        itemsize = dtype.itemsize
        arr = np.lib.stride_tricks.as_strided(
            flat[ref.offset:], shape=ref.size, strides=[s * itemsize for s in ref.stride])
        out[name] = np.array(arr)  # own, contiguous copy
    return out


def _load_legacy(f: BinaryIO) -> dict[str, np.ndarray]:
    safe = lambda: _Unpickler(f).load()  # noqa: E731
    if safe() != LEGACY_MAGIC:
        raise ValueError("not a PyTorch file")
    safe()  # protocol version
    safe()  # sys info
    refs = safe()
    keys = safe()
    sizes = {ref.storage[0]: ref.storage for ref in refs.values() if isinstance(ref, _TensorRef)}
    buffers: dict[str, bytes] = {}
    for key in keys:
        (numel,) = struct.unpack("<q", f.read(8))
        dtype = sizes[key][1] if key in sizes else np.dtype(np.uint8)
        buffers[key] = f.read(numel * dtype.itemsize)
    return _materialise(refs, buffers)


def _load_zip(z: zipfile.ZipFile) -> dict[str, np.ndarray]:
    pkl = next(n for n in z.namelist() if n.endswith("/data.pkl") or n == "data.pkl")
    prefix = pkl[: -len("data.pkl")]
    refs = _Unpickler(io.BytesIO(z.read(pkl))).load()
    buffers = {ref.storage[0]: z.read(f"{prefix}data/{ref.storage[0]}")
               for ref in refs.values() if isinstance(ref, _TensorRef)}
    return _materialise(refs, buffers)

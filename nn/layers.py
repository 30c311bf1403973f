"""Tensor modules: ``Linear``, ``Sequential``, ``Dropout``, ``BatchNorm1d``.

Data come one example per row: an input batch has shape ``(m, features)``. Weights keep the
notes' shape ``W: (n_out, n_in)`` (note 004), so a layer computes ``Z = X W^T + b`` -- the
notes' ``Z = W X + b`` with examples as rows instead of columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.engine import Node
from autograd.tensor import Tensor
from nn import init
from nn.init import Initializer, Seed
from nn.module import Module

__all__ = ["Linear", "Sequential", "Dropout", "BatchNorm1d"]


def _as_tensor(x: Any, dtype: Any) -> Any:
    """Inputs as Tensors: arrays and lists are wrapped (as constants of the graph)."""
    if isinstance(x, Tensor):
        return x
    return Tensor(np.asarray(x, dtype=dtype))


class Linear(Module):
    """A fully connected layer: ``Z = X W^T + b`` with ``W`` of shape ``(nout, nin)``.

    Args:
        nin, nout: input and output widths; ``Linear(6, 9)`` has ``6*9 + 9 = 63`` parameters.
        init: the weight initializer (default Xavier, std ``1/sqrt(nin)``); biases start at 0.
        bias: whether to add ``b``.
        seed: int or ``numpy.random.Generator`` for the initializer.
        dtype: ``numpy.float64`` (default) or ``numpy.float32``.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        init: str | Initializer = "xavier",
        bias: bool = True,
        seed: Seed = None,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        for what, n in (("nin", nin), ("nout", nout)):
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ValueError(f"Linear {what} must be a positive integer, got {n!r}")
        self.nin, self.nout = nin, nout
        weights = _draw((nout, nin), init, seed)
        self.W = Tensor(weights.astype(dtype), name="W")
        self.b = Tensor(np.zeros(nout, dtype=dtype), name="b") if bias else None

    def forward(self, x: Any) -> Any:
        x = _as_tensor(x, self.W.data.dtype)
        if x.data.shape[-1:] != (self.nin,):
            raise ValueError(
                f"Linear({self.nin}, {self.nout}) takes inputs of shape (m, {self.nin}), got {x.data.shape}"
            )
        z = x @ self.W.T
        return z + self.b if self.b is not None else z

    def output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (*input_shape[:-1], self.nout)

    def extra_repr(self) -> str:
        return f"nin={self.nin}, nout={self.nout}, bias={self.b is not None}"


def _draw(shape: tuple[int, int], init_: str | Initializer, seed: Seed) -> np.ndarray:
    # Module-level so that the `init` parameter of Linear does not hide the module.
    return np.asarray(init.get(init_)(shape, init.rng(seed)), dtype=float).reshape(shape)


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(2, 16), Tanh(), Linear(16, 1))``.

    They are registered as ``layers``, so parameters are named ``layers.0.W``, ``layers.0.b``...
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential takes modules; item {i} is a {type(m).__name__}")
        self.layers = list(modules)

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]


class Dropout(Module):
    """Inverted dropout (note 002): in training, zero each unit with probability ``p`` and
    divide the survivors by ``keep_prob = 1 - p``, so the expected activation is unchanged and
    nothing needs rescaling at test time. In eval mode it passes the input through.

    ``p = 1`` zeroes every unit, as PyTorch's does. Works on ``Tensor`` s and on lists of
    ``Value`` s. ``seed`` fixes the masks; :func:`nn.save_checkpoint` saves the generator's
    state, so a resumed run draws the masks an uninterrupted one draws.
    """

    def __init__(self, p: float = 0.5, *, seed: Seed = None) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"Dropout p (the probability of zeroing a unit) must be a number in [0, 1], got {p!r}")
        self.p = float(p)
        self.keep_prob = 1.0 - self.p
        self._rng = init.rng(seed)
        self.mask: np.ndarray | None = None
        """The last mask used in training (``keep / keep_prob`` per unit), for inspection."""

    def forward(self, x: Any) -> Any:
        if not self.training or self.p == 0.0:
            return x
        if isinstance(x, Node) and isinstance(x.data, np.ndarray):
            mask = self._draw(x.data.shape)
            self.mask = mask
            return x * mask.astype(x.data.dtype)
        values = list(x)
        mask = self._draw((len(values),))
        self.mask = mask
        return [v * float(k) for v, k in zip(values, mask)]

    def _draw(self, shape: tuple[int, ...]) -> np.ndarray:
        """``keep / keep_prob``: 0 for a dropped unit, ``1 / keep_prob`` for a kept one."""
        if self.keep_prob == 0.0:  # p = 1 drops every unit (as PyTorch's does); no 0 / 0
            return np.zeros(shape)
        keep = self._rng.random(shape) < self.keep_prob
        return np.asarray(keep / self.keep_prob, dtype=float)

    def extra_repr(self) -> str:
        return f"p={self.p:g}"


class BatchNorm1d(Module):
    """Batch normalization over a ``(m, features)`` batch (note 002).

    Training: ``mu``, ``sigma^2`` are the batch's mean and (biased) variance per feature,
    ``z_norm = (z - mu) / sqrt(sigma^2 + eps)``, output ``gamma * z_norm + beta`` with learnable
    ``gamma`` (ones) and ``beta`` (zeros). The running statistics move towards each batch's:
    ``running <- (1 - momentum) running + momentum batch`` (the variance unbiased, ``m/(m-1)``,
    as PyTorch does). Eval: the running statistics replace the batch's.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, *, dtype: Any = np.float64) -> None:
        super().__init__()
        if isinstance(num_features, bool) or not isinstance(num_features, int) or num_features < 1:
            raise ValueError(f"num_features must be a positive integer, got {num_features!r}")
        if not 0 <= momentum <= 1:
            raise ValueError(f"momentum must be in [0, 1], got {momentum!r}")
        self.num_features = num_features
        self.eps = float(eps)
        self.momentum = float(momentum)
        self.gamma = Tensor(np.ones(num_features, dtype=dtype), name="gamma")
        self.beta = Tensor(np.zeros(num_features, dtype=dtype), name="beta")
        self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype=dtype))

    def forward(self, x: Any) -> Any:
        x = _as_tensor(x, self.gamma.data.dtype)
        shape = x.data.shape
        if len(shape) != 2 or shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d({self.num_features}) takes inputs of shape (m, {self.num_features}), got {shape}"
            )
        if self.training:
            m = shape[0]
            if m < 2:
                raise ValueError("BatchNorm1d needs at least 2 examples per batch in training mode")
            mu = x.mean(axis=0, keepdims=True)
            centred = x - mu
            var = (centred * centred).mean(axis=0, keepdims=True)
            z_norm = centred / (var + self.eps) ** 0.5
            a = self.momentum
            self.running_mean[...] = (1 - a) * self.running_mean + a * mu.data.ravel()
            self.running_var[...] = (1 - a) * self.running_var + a * var.data.ravel() * m / (m - 1)
        else:
            z_norm = (x - self.running_mean) / np.sqrt(self.running_var + self.eps)
        return z_norm * self.gamma + self.beta

    def extra_repr(self) -> str:
        return f"num_features={self.num_features}, eps={self.eps:g}, momentum={self.momentum:g}"

    def input_shape(self) -> tuple[int | None, ...]:
        return (None, self.num_features)

"""``Module``: the base of every layer and network, scalar or tensor.

A module finds its parameters the way micrograd's and DeZero's do, by looking at its own
attributes: assigning a graph leaf (a ``Value`` or a ``Tensor``), another module, or a list of
either registers it, in assignment order. Names are the attribute paths, dotted, with list
positions as numbers: ``layers.0.neurons.3.w.1`` is weight 1 of neuron 3 of layer 0. The
renderer uses these names to label and group nodes, so they are stable: the same architecture
always gives the same names.

State (parameters and buffers such as batch norm's running statistics) goes to and from plain
numpy arrays (:meth:`Module.state_dict`) and portable ``.npz`` files (:meth:`Module.save`),
never pickles: a file written by chainrule can be read by numpy alone, and reading one cannot
run code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from autograd.engine import Node, Scope
from autograd.files import write_atomic

__all__ = ["Module", "StateDictError", "FORMAT"]

FORMAT = "chainrule.nn/1"
"""The format tag written into every saved file (``__meta__`` entry of the ``.npz``)."""

_META = "__meta__"


class StateDictError(ValueError):
    """A state dict or saved file does not fit the model (names, shapes, or a damaged file)."""


def _holds_state(value: Any) -> bool:
    """Whether an attribute value holds parameters: a node, a module, or a list of them."""
    if isinstance(value, (Node, Module)):
        return True
    if isinstance(value, (list, tuple)) and value:
        return all(_holds_state(v) for v in value)
    return False


class Module:
    """Base class of layers and networks.

    Subclasses assign their parameters and sub-modules as attributes (lists allowed) and define
    :meth:`forward`; calling the module calls ``forward``.
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_state_names", [])
        object.__setattr__(self, "_buffer_names", [])
        object.__setattr__(self, "training", True)

    # -- registration -----------------------------------------------------------------------
    def _registry(self, kind: str) -> list[str]:
        # Subclasses that forget super().__init__() still work: create the lists on first use.
        names: list[str] | None = self.__dict__.get(kind)
        if names is None:
            names = []
            object.__setattr__(self, kind, names)
        return names

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_"):
            names = self._registry("_state_names")
            if _holds_state(value):
                if name not in names:
                    names.append(name)
            elif name in names:
                names.remove(name)
        object.__setattr__(self, name, value)

    def register_buffer(self, name: str, array: np.ndarray) -> None:
        """Keep ``array`` as state that is saved and loaded but not trained (running statistics)."""
        if not isinstance(array, np.ndarray):
            raise TypeError(f"buffer {name!r} must be a numpy array, got {type(array).__name__}")
        names = self._registry("_buffer_names")
        if name not in names:
            names.append(name)
        object.__setattr__(self, name, array)

    # -- traversal --------------------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their names (``layers.0``, ``layers.1``, ...)."""
        for name in self._registry("_state_names"):
            yield from _walk(name, getattr(self, name), Module)

    def children(self) -> list[Module]:
        """The direct sub-modules, in registration order."""
        return [m for _, m in self.named_children()]

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named ``prefix``, ``""`` at the root) and every module below it."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> list[Module]:
        """This module and every module below it."""
        return [m for _, m in self.named_modules()]

    def named_parameters(self) -> Iterator[tuple[str, Node]]:
        """Every parameter with its dotted name, each shared parameter once (first name wins)."""
        seen: set[int] = set()
        for path, node in self._named_nodes(""):
            if id(node) not in seen:
                seen.add(id(node))
                yield path, node

    def _named_nodes(self, prefix: str) -> Iterator[tuple[str, Node]]:
        # Depth-first in registration order, so names read like the attributes were written.
        for name in self._registry("_state_names"):
            for path, item in _walk(prefix + name, getattr(self, name), (Node, Module)):
                if isinstance(item, Module):
                    yield from item._named_nodes(path + ".")
                else:
                    yield path, item

    def parameters(self) -> list[Any]:
        """Every parameter (``Value`` or ``Tensor`` leaves), in a stable order."""
        return [p for _, p in self.named_parameters()]

    def named_buffers(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every buffer (untrained state, e.g. running statistics) with its dotted name."""
        for prefix, module in self.named_modules():
            for name in module._registry("_buffer_names"):
                yield (f"{prefix}.{name}" if prefix else name), getattr(module, name)

    def num_parameters(self) -> int:
        """The number of trainable scalars (a ``Tensor`` of shape (9, 6) counts 54)."""
        return sum(int(np.size(p.data)) for p in self.parameters())

    # -- training ---------------------------------------------------------------------------
    def zero_grad(self) -> None:
        """Reset the gradient of every parameter to zero (call before each ``backward``)."""
        for p in self.parameters():
            p.grad = p._zero(False)

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout drops, batch norm uses batch statistics) for all sub-modules."""
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (dropout off, batch norm uses its running statistics)."""
        return self.train(False)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Every node made by this call records it (``node.scope``): pictures group a node with
        # the module call that made it, whether the inputs were numbers, nodes or a batch.
        with Scope(self):
            return self.forward(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # Only reached for missing attributes: give `training` a default for subclasses that
        # skipped super().__init__().
        if name == "training":
            return True
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- state ------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter's and buffer's data as numpy arrays, by dotted name.

        A ``Value`` becomes a 0-d array. Later training does not change the returned arrays.
        """
        state = {name: np.array(p.data, dtype=_dtype(p.data)) for name, p in self.named_parameters()}
        for name, buf in self.named_buffers():
            state[name] = np.array(buf)
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter and buffer from ``state`` (as returned by :meth:`state_dict`).

        Everything is checked first: a missing or unexpected name, a shape that differs, or a
        non-numeric array raises :class:`StateDictError` and changes nothing.
        """
        params = dict(self.named_parameters())
        buffers = dict(self.named_buffers())
        expected = {**{k: np.shape(p.data) for k, p in params.items()},
                    **{k: b.shape for k, b in buffers.items()}}
        missing = [k for k in expected if k not in state]
        unexpected = [k for k in state if k not in expected]
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected {', '.join(unexpected)}")
        arrays: dict[str, np.ndarray] = {}
        for name, shape in expected.items():
            if name not in state:
                continue
            arr = np.asarray(state[name])
            if arr.dtype.kind not in "fiu":
                problems.append(f"{name} holds {arr.dtype} data, not numbers")
            elif arr.shape != shape:
                problems.append(f"{name} has shape {arr.shape}, the model needs {shape}")
            else:
                arrays[name] = arr
        if problems:
            raise StateDictError(
                f"state does not fit {type(self).__name__}: " + "; ".join(problems)
            )
        # All checked: now assign, keeping each parameter's type and dtype.
        for name, p in params.items():
            arr = arrays[name]
            if isinstance(p.data, np.ndarray):
                p.data = arr.astype(p.data.dtype, copy=True)
            else:
                p.data = float(arr)
        for prefix, module in self.named_modules():
            for bname in module._registry("_buffer_names"):
                full = f"{prefix}.{bname}" if prefix else bname
                old = getattr(module, bname)
                object.__setattr__(module, bname, arrays[full].astype(old.dtype, copy=True))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state to ``path`` as an ``.npz`` file, whole or not at all.

        The file is written next to its destination under a temporary name and renamed over it
        only once complete, so an interrupted save never leaves a half-written model behind.
        """
        path = os.fspath(path)
        state = self.state_dict()
        meta = {"format": FORMAT, "model": type(self).__name__,
                "names": list(state), "shapes": [list(a.shape) for a in state.values()]}
        arrays: dict[str, Any] = {_META: np.array(json.dumps(meta))}
        arrays.update(state)
        write_atomic(path, lambda f: np.savez(f, **arrays))

    def load(self, path: str | os.PathLike[str]) -> Module:
        """Read a file written by :meth:`save` into this model and return the model.

        Raises ``FileNotFoundError`` for a missing file and :class:`StateDictError` for a file
        that is damaged, truncated, not a chainrule model, or made for another architecture; in
        every case the model is left exactly as it was.
        """
        path = os.fspath(path)
        if not os.path.exists(path):
            raise FileNotFoundError(f"no saved model at {path!r}")
        try:
            # Read everything now: the archive is lazy and checks each entry's CRC on access.
            with np.load(path, allow_pickle=False) as archive:
                contents = {k: archive[k] for k in archive.files}
        except (FileNotFoundError, PermissionError, IsADirectoryError):
            raise
        except Exception as exc:  # zipfile, zlib, struct and numpy each raise their own kind
            raise StateDictError(
                f"{path!r} is not a readable chainrule model file (damaged or truncated?): "
                f"{type(exc).__name__}: {exc}"
            ) from None
        meta_raw = contents.pop(_META, None)
        try:
            meta = json.loads(str(meta_raw)) if meta_raw is not None else None
        except ValueError:
            meta = None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise StateDictError(f"{path!r} is not a chainrule model file (no {FORMAT!r} header)")
        try:
            self.load_state_dict(contents)
        except StateDictError as exc:
            raise StateDictError(f"{path!r} (saved from a {meta.get('model')}): {exc}") from None
        return self

    # -- description ------------------------------------------------------------------------
    def output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...] | None:
        """The shape of the output for an input of ``input_shape`` (``None`` = batch), if known.

        The default passes the shape through each sub-module in turn, so containers need not
        override it; shape-preserving layers (activations, dropout, batch norm) inherit it.
        """
        shape: tuple[int | None, ...] | None = input_shape
        for child in self.children():
            if shape is None:
                return None
            shape = child.output_shape(shape)
        return shape

    def input_shape(self) -> tuple[int | None, ...] | None:
        """The input shape ``(None, nin)`` if this module or its first sub-module knows it."""
        nin = getattr(self, "nin", None)
        if isinstance(nin, int):
            return (None, nin)
        children = self.children()
        return children[0].input_shape() if children else None

    def summary(self, input_shape: tuple[int | None, ...] | None = None, *, show: bool = False) -> str:
        """A table of layers, output shapes and parameter counts, like Keras' ``model.summary()``.

        One row per direct sub-module (or the module itself when it has none). Buffers count as
        non-trainable parameters, as Keras counts batch norm's moving statistics. ``show=True``
        also prints the table.
        """
        rows = list(self.named_children()) or [(type(self).__name__.lower(), self)]
        shape = input_shape if input_shape is not None else self.input_shape()
        lines = []
        for name, module in rows:
            shape = module.output_shape(shape) if shape is not None else None
            count = module.num_parameters() + _buffer_size(module)
            lines.append((f"{name} ({type(module).__name__})", _shape_text(shape), f"{count:,}"))
        trainable = self.num_parameters()
        frozen = _buffer_size(self)
        w1 = max([len("Layer (type)")] + [len(r[0]) for r in lines]) + 3
        w2 = max([len("Output Shape")] + [len(r[1]) for r in lines]) + 3
        w3 = max([len("Param #")] + [len(r[2]) for r in lines])
        rule = "=" * (w1 + w2 + w3)
        out = [f'Model: "{type(self).__name__}"', "_" * (w1 + w2 + w3),
               f"{'Layer (type)':<{w1}}{'Output Shape':<{w2}}{'Param #':>{w3}}", rule]
        out += [f"{a:<{w1}}{b:<{w2}}{c:>{w3}}" for a, b, c in lines]
        out += [rule, f"Total params: {trainable + frozen:,}", f"Trainable params: {trainable:,}",
                f"Non-trainable params: {frozen:,}", "_" * (w1 + w2 + w3)]
        text = "\n".join(out)
        if show:
            print(text)
        return text

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        inner = "\n".join(f"  ({n}): " + repr(m).replace("\n", "\n  ") for n, m in children)
        return f"{type(self).__name__}(\n{inner}\n)"

    def extra_repr(self) -> str:
        """The arguments shown in ``repr`` (e.g. ``nin=2, nout=16``); subclasses override it."""
        return ""


def _walk(path: str, value: Any, kind: type | tuple[type, ...]) -> Iterator[tuple[str, Any]]:
    """Items of ``kind`` in an attribute value, descending into lists, not into modules."""
    if isinstance(value, kind):
        yield path, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(f"{path}.{i}", item, kind)


def _dtype(data: Any) -> Any:
    return data.dtype if isinstance(data, np.ndarray) else np.float64


def _buffer_size(module: Module) -> int:
    return sum(int(b.size) for _, b in module.named_buffers())


def _shape_text(shape: tuple[int | None, ...] | None) -> str:
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"

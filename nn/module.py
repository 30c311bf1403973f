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

Loading reads the archive's directory and each entry's ``.npy`` header first, and checks every
name, shape and dtype against the model before it reads any array: a file with an unexpected
entry (say, a gigabyte of zeros compressed into a kilobyte) is refused before anything big is
read, and no entry is read past the size its header announces. Only regular files are read (a
FIFO would block forever).
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, NamedTuple, Protocol

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
        expected = self._expected_shapes()
        arrays = {k: np.asarray(v) for k, v in state.items() if k in expected}
        self._check_fit(expected, arrays, [k for k in state if k not in expected])
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

    def _expected_shapes(self) -> dict[str, tuple[int, ...]]:
        """The shape of every parameter and buffer, by dotted name, in :meth:`state_dict`'s order."""
        shapes = {k: np.shape(p.data) for k, p in self.named_parameters()}
        shapes.update((k, b.shape) for k, b in self.named_buffers())
        return shapes

    def _check_fit(self, expected: Mapping[str, tuple[int, ...]], found: Mapping[str, _Shaped],
                   unexpected: Iterable[str]) -> None:
        """Raise :class:`StateDictError` naming every way ``found`` (arrays, or an archive's
        headers, by name) and the ``unexpected`` names do not fit ``expected``."""
        problems = []
        missing = [k for k in expected if k not in found]
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        unexpected = list(unexpected)
        if unexpected:
            problems.append(f"unexpected {', '.join(_cut(k) for k in unexpected[:20])}"
                            + (f" and {len(unexpected) - 20} more" if len(unexpected) > 20 else ""))
        for name, shape in expected.items():
            if name not in found:
                continue
            arr = found[name]
            if arr.dtype.kind not in "fiu":
                problems.append(f"{name} holds {arr.dtype} data, not numbers")
            elif arr.shape != shape:
                problems.append(f"{name} has shape {arr.shape}, the model needs {shape}")
        if problems:
            raise StateDictError(f"state does not fit {type(self).__name__}: " + "; ".join(problems))

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
        expected = self._expected_shapes()
        try:
            with open_regular(path) as file, zipfile.ZipFile(file) as archive:
                entries = _entries(archive)
                meta = _read_meta(archive, entries.pop(_META, None), _meta_limit(expected))
                if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                    raise StateDictError(f"{path!r} is not a chainrule model file (no {FORMAT!r} header)")
                try:
                    headers = {k: _header(archive, entries[k]) for k in expected if k in entries}
                    self._check_fit(expected, headers, [k for k in entries if k not in expected])
                except StateDictError as exc:
                    raise StateDictError(f"{path!r} (saved from a {_cut(str(meta.get('model')))}): {exc}") from None
                # Everything fits: only now read the arrays, each no further than its header says.
                arrays = {k: _read_array(archive, entries[k], headers[k]) for k in expected}
        except (FileNotFoundError, PermissionError, IsADirectoryError, StateDictError):
            raise
        except Exception as exc:  # zipfile, zlib, struct and numpy each raise their own kind
            raise StateDictError(
                f"{path!r} is not a readable chainrule model file (damaged or truncated?): "
                f"{type(exc).__name__}: {_cut(str(exc), 300)}"
            ) from None
        self.load_state_dict(arrays)
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


# -- reading saved files: headers first, then no more than they announce -------------------------
class _Shaped(Protocol):
    """An array, or an entry's header: what :meth:`Module._check_fit` looks at."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    @property
    def dtype(self) -> np.dtype[Any]: ...


class _Header(NamedTuple):
    """An ``.npy`` entry's header: its array's shape and dtype, and where the data starts."""

    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    fortran_order: bool
    offset: int  # the header's length: the data follows it


def open_regular(path: str) -> IO[bytes]:
    """Open ``path`` for reading if it is a regular file; raise at once if it is not.

    ``FileNotFoundError`` for a missing file, ``IsADirectoryError`` for a directory, and
    :class:`StateDictError` for a FIFO, a device or a socket: reading one could block forever
    or never end. The file is opened without blocking and looked at through its descriptor,
    so a FIFO is refused without waiting for a writer, and the file checked is the one read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, "no saved model at this path", path) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "this is a directory, not a saved model", path)
        if not stat.S_ISREG(mode):
            raise StateDictError(f"{path!r} is not a regular file (a FIFO, a device or a socket): "
                                 "a saved model is a file written by Module.save")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's entries by array name (``np.savez`` names them ``<name>.npy``), from its
    directory alone. An entry of another kind is kept under its full name: it is unexpected."""
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
        if name in entries:
            raise StateDictError(f"the archive holds {_cut(name)!r} twice")
        entries[name] = info
    return entries


def _header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Header:
    """Read an entry's ``.npy`` header (a few hundred bytes) and check that the entry's size, as
    the archive's directory gives it, is exactly the header plus the data it describes."""
    with archive.open(info) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f"entry {_cut(info.filename)!r} has .npy format version {version}")
        return _Header(tuple(shape), dtype, fortran_order, f.tell())


def _read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo, header: _Header) -> np.ndarray:
    """The array of an entry whose header fits the model (see :func:`_header`), if the entry's
    size in the archive's directory is exactly that header's and its data's: nothing is read
    otherwise. Reading the entry to its last byte makes ``zipfile`` check its CRC."""
    count = math.prod(header.shape)
    size = header.offset + count * header.dtype.itemsize
    if info.file_size != size:
        raise ValueError(f"entry {_cut(info.filename)!r} is {info.file_size:,} bytes; its header describes {size:,}")
    with archive.open(info) as f:
        f.seek(header.offset)
        data = f.read(count * header.dtype.itemsize)
        if len(data) != count * header.dtype.itemsize or f.read(1):
            raise ValueError(f"entry {_cut(info.filename)!r} is not as long as its header says")
    array = np.frombuffer(data, dtype=header.dtype, count=count)
    return array.reshape(header.shape, order="F" if header.fortran_order else "C")


def _meta_limit(expected: Mapping[str, tuple[int, ...]]) -> int:
    """The most bytes a model's ``__meta__`` entry may take: twice what this model's own takes
    (its names and shapes), and some room (a file saved from another model is refused anyway)."""
    chars = sum(len(k) + 4 * len(s) + 16 for k, s in expected.items())
    return 4 * (2 * chars + 4096) + 1024  # 4 bytes per character in numpy's unicode arrays


def _read_meta(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None, limit: int) -> Any:
    """The JSON of the ``__meta__`` entry, or ``None`` when there is none or it is not a text
    entry of at most ``limit`` bytes."""
    if info is None or info.file_size > limit:
        return None
    header = _header(archive, info)
    if header.dtype.kind != "U" or header.shape != () or header.dtype.itemsize > limit:
        return None
    try:
        return json.loads(str(_read_array(archive, info, header)[()]))
    except ValueError:
        return None


def _cut(text: str, limit: int = 80) -> str:
    """``text``, cut to ``limit`` characters for a message (names in a file can be any length)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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

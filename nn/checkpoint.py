"""Checkpoints: a model and its optimizer in one ``.npz`` file, so training resumes bit for bit.

::

    nn.save_checkpoint("run.npz", model, opt, loader)  # after any step (loader: optional)
    ...
    model, opt = nn.MLP(2, [16, 16, 1]), nn.Adam(...)  # fresh ones, built the same way
    loader = nn.DataLoader(X, y, ...)                  # likewise, on the same examples
    nn.load_checkpoint("run.npz", model, opt, loader)  # parameters, buffers, moments, step count,
                                                       # schedule, random generators, position
    # training on from here gives the very numbers an uninterrupted run gives

The file follows :meth:`nn.Module.save`'s conventions: plain numpy arrays, no pickle (reading
one cannot run code), written whole or not at all (:func:`autograd.files.write_atomic`), and
read the way :meth:`nn.Module.load` reads, with its helpers (headers checked before any array is
read; regular files only). A model file is not a checkpoint, nor the other way round. The
model's arrays keep their dotted names; the optimizer's per-parameter state is stored as
``__optimizer__.<parameter index>.<key>`` (``__optimizer__.0.m``); everything else (format
tag, model and optimizer types, step count, rates, hyperparameters, schedule, shapes) is JSON
in the ``__meta__`` entry.

Random generators are JSON in ``__meta__`` too (numpy's bit-generator state: ints and
strings): ``"generators"`` holds the generator of every module of the model that draws (those
that keep one in ``_rng``: :class:`nn.Dropout`'s masks), by the module's dotted name, and
``"loader"`` a :class:`nn.DataLoader` 's :meth:`~nn.DataLoader.state_dict` (shuffling
generator, epoch, batches handed out) when one is given, so training resumes at an epoch
boundary or in the middle of an epoch with the same batches and masks. Give the loader and each
``Dropout`` its own seed: one ``Generator`` object shared between them resumes exactly only at
an epoch boundary. The examples themselves are not saved.

Older checkpoints (without ``"generators"`` or ``"loader"``) still load: the model and the
optimizer are restored, the generators of ``Dropout`` and of the loader are left as they are
(so a run that draws from them resumes with fresh draws), and so is the loader's epoch.
"""

from __future__ import annotations

import json
import os
import zipfile
from typing import Any

import numpy as np

from autograd.files import write_atomic
from nn.data import DataLoader
from nn.init import check_rng_state, rng_state, set_rng_state
from nn.module import (
    _META,
    FORMAT,
    Module,
    StateDictError,
    _cut,
    _entries,
    _Header,
    _header,
    _meta_limit,
    _read_array,
    _read_meta,
    open_regular,
)
from nn.optim import Optimizer

__all__ = ["save_checkpoint", "load_checkpoint", "CHECKPOINT_FORMAT"]

CHECKPOINT_FORMAT = "chainrule.checkpoint/1"
"""The format tag in a checkpoint's ``__meta__`` entry (a model file has ``nn.module.FORMAT``)."""

_OPTIMIZER = "__optimizer__"  # model names never start with "_", so these cannot collide


def save_checkpoint(path: str | os.PathLike[str], model: Module, optimizer: Optimizer,
                    loader: DataLoader | None = None) -> None:
    """Write ``model`` 's state and ``optimizer`` 's state to ``path`` (``.npz``), whole or not at all.

    The random generators of the model's modules (``Dropout``) are saved with it, and ``loader``
    's shuffling generator and position when it is given.

    Raises ``ValueError`` if the optimizer trains a parameter that is not the model's: it would
    not be in the file, and a resumed run would silently differ.
    """
    own = {id(p) for p in model.parameters()}
    strangers = [i for i, p in enumerate(optimizer.params) if id(p) not in own]
    if strangers:
        raise ValueError(
            f"the optimizer's parameters {strangers} are not parameters of this {type(model).__name__}: "
            "a checkpoint saves the model's parameters only"
        )
    model_state = model.state_dict()
    optimizer_state = optimizer.state_dict()
    per_parameter = optimizer_state.pop("state")
    meta = {"format": CHECKPOINT_FORMAT, "model": type(model).__name__, "names": list(model_state),
            "shapes": [list(a.shape) for a in model_state.values()], "optimizer": optimizer_state,
            "trains": _trained_names(model, optimizer),
            "generators": {name: rng_state(g) for name, g in _generators(model).items()}}
    if loader is not None:
        meta["loader"] = loader.state_dict()
    arrays: dict[str, Any] = {_META: np.array(json.dumps(meta)), **model_state}
    for i, entries in enumerate(per_parameter):
        for key, value in entries.items():
            arrays[f"{_OPTIMIZER}.{i}.{key}"] = value
    write_atomic(path, lambda f: np.savez(f, **arrays))


def load_checkpoint(path: str | os.PathLike[str], model: Module, optimizer: Optimizer,
                    loader: DataLoader | None = None) -> None:
    """Read a file written by :func:`save_checkpoint` into ``model``, ``optimizer`` and ``loader``.

    The model's random generators (``Dropout``) are restored when the file holds them, and
    ``loader`` 's generator and position when it is given and the file holds a loader's state
    (a file without them leaves these as they are: see the module's docstring).

    All are checked before any changes: a file that is missing (``FileNotFoundError``),
    damaged, not a checkpoint, or made for another architecture (down to which modules draw
    random numbers), another optimizer type, other parameter shapes or another loader (size,
    batch size, shuffling) raises (:class:`nn.StateDictError`) and leaves all exactly as they were.
    Like :meth:`nn.Module.load`, it reads each entry's header first and no array before every
    name, shape and dtype fits, so a hostile file cannot make it read more than the model holds.
    """
    path = os.fspath(path)
    expected = model._expected_shapes()
    generators = _generators(model)
    allowed = {f"{_OPTIMIZER}.{i}.{key}": np.shape(p.data)
               for i, p in enumerate(optimizer.params) for key in optimizer.state_keys}
    try:
        with open_regular(path) as file, zipfile.ZipFile(file) as archive:
            entries = _entries(archive)
            # Room for the generators' JSON too (a PCG64 state takes ~170 characters, MT19937's ~7,400).
            room = 4 * _GENERATOR_CHARS * (len(generators) + (loader is not None))
            meta = _read_meta(archive, entries.pop(_META, None), _meta_limit({**expected, **allowed}) + room)
            header = _optimizer_header(path, meta)
            try:
                # The optimizer's type, counts and shapes first (without its arrays, not read yet),
                # so a file from another optimizer says so rather than listing odd entry names.
                optimizer._check_state({**header, "state": [{} for _ in optimizer.params]})
                ours = {k: (info, _header(archive, info)) for k, info in entries.items() if k in allowed}
                _check_optimizer_entries(optimizer, allowed, ours, [k for k in entries if k.startswith(_OPTIMIZER)])
                model_entries = {k: info for k, info in entries.items() if not k.startswith(_OPTIMIZER)}
                headers = {k: _header(archive, model_entries[k]) for k in expected if k in model_entries}
                model._check_fit(expected, headers, [k for k in model_entries if k not in expected])
                # The state is stored by the optimizer's parameter positions: the same positions
                # must hold the same parameters (shapes alone would let one layer's moments land
                # on another weight of its shape).
                trains = _trained_names(model, optimizer)
                if meta.get("trains", trains) != trains:
                    raise StateDictError(f"the optimizer trains {_cut(str(trains))}, in this order, but the file "
                                         f"holds state for {_cut(str(meta.get('trains')))}: build it with "
                                         "the parameters in the order it had when saved")
                states = _check_generators(generators, meta.get("generators"))
                resume = (loader._check_state(meta["loader"])
                          if loader is not None and meta.get("loader") is not None else None)
            except StateDictError as exc:
                raise StateDictError(f"{path!r} (saved from {_cut(str(meta.get('model')))} with "
                                     f"{_cut(str(header.get('optimizer')))}): {exc}") from None
            # Everything fits: only now read the arrays, each no further than its header says.
            arrays = {k: _read_array(archive, model_entries[k], headers[k]) for k in expected}
            per_parameter: list[dict[str, np.ndarray]] = [{} for _ in optimizer.params]
            for name, (info, head) in ours.items():
                index, key = name[len(_OPTIMIZER) + 1:].split(".")
                per_parameter[int(index)][key] = _read_array(archive, info, head)
    except (FileNotFoundError, PermissionError, IsADirectoryError, StateDictError):
        raise
    except Exception as exc:  # zipfile, zlib, struct and numpy each raise their own kind
        raise StateDictError(f"{path!r} is not a readable chainrule checkpoint (damaged or truncated?): "
                             f"{type(exc).__name__}: {_cut(str(exc), 300)}") from None
    checked = optimizer._check_state({**header, "state": per_parameter})
    model.load_state_dict(arrays)  # checked above, so it changes the model without raising
    optimizer._apply_state(checked)
    for name, state in states.items():
        set_rng_state(generators[name], state)
    if loader is not None and resume is not None:
        loader._apply_state(resume)


_GENERATOR_CHARS = 16384
"""The most characters of ``__meta__`` JSON a checkpoint may spend on each random generator."""


def _generators(model: Module) -> dict[str, np.random.Generator]:
    """The random generator of every module that draws (keeps one in ``_rng``), by dotted name."""
    found = {name: getattr(m, "_rng", None) for name, m in model.named_modules()}
    return {name: g for name, g in found.items() if isinstance(g, np.random.Generator)}


def _check_generators(generators: dict[str, np.random.Generator], saved: Any) -> dict[str, Any]:
    """The saved state of each of ``generators``, checked (``{}`` for a file that has none)."""
    if saved is None:  # a checkpoint from before generators were saved: leave them as they are
        return {}
    if not isinstance(saved, dict) or set(saved) != set(generators):
        names = sorted(saved) if isinstance(saved, dict) else saved
        raise StateDictError(f"the file holds random generators for the modules {_cut(str(names))}, "
                             f"this model draws in {_cut(str(sorted(generators)))}")
    states = {}
    for name, generator in generators.items():
        try:
            states[name] = check_rng_state(generator, saved[name])
        except ValueError as exc:
            raise StateDictError(f"the random generator of {_cut(name)!r}: {exc}") from None
    return states


def _trained_names(model: Module, optimizer: Optimizer) -> list[str]:
    """The dotted names of the optimizer's parameters, in its order (one of them not the model's:
    ``"?"``, which save_checkpoint refuses)."""
    names = {id(p): name for name, p in model.named_parameters()}
    return [names.get(id(p), "?") for p in optimizer.params]


def _optimizer_header(path: str, meta: Any) -> dict[str, Any]:
    """The optimizer's part of a checkpoint's ``__meta__``; raises if the file is no checkpoint."""
    if isinstance(meta, dict) and meta.get("format") == FORMAT:
        raise StateDictError(f"{path!r} is a model file without optimizer state: read it with model.load()")
    is_checkpoint = isinstance(meta, dict) and meta.get("format") == CHECKPOINT_FORMAT
    if not is_checkpoint or not isinstance(meta.get("optimizer"), dict):
        raise StateDictError(f"{path!r} is not a chainrule checkpoint (no {CHECKPOINT_FORMAT!r} header)")
    return dict(meta["optimizer"])


def _check_optimizer_entries(optimizer: Optimizer, allowed: dict[str, tuple[int, ...]],
                             found: dict[str, tuple[Any, _Header]], names: list[str]) -> None:
    """Raise unless every ``__optimizer__`` entry is one this optimizer keeps, of its parameter's shape."""
    strays = [k for k in names if k not in allowed]
    if strays:
        raise StateDictError(f"{_cut(strays[0])!r} is no parameter's {type(optimizer).__name__} state")
    for name, (_, head) in found.items():
        if head.dtype.kind != "f" or head.shape != allowed[name]:
            raise StateDictError(f"{name} holds {head.dtype} of shape {head.shape}, "
                                 f"not floats of shape {allowed[name]}")

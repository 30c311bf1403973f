"""Resuming bit for bit with randomness: ``Dropout`` masks and a shuffling ``DataLoader``.

The oracle is the run that was never interrupted: N steps, a checkpoint (with the loader), fresh
objects seeded differently loaded from it and M more steps must give exactly the numbers of
N + M steps in one go, whether N ends in the middle of an epoch or at its end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nn import (
    Adam,
    DataLoader,
    Dropout,
    Linear,
    Module,
    Sequential,
    StateDictError,
    Tanh,
    data,
    load_checkpoint,
    losses,
    save_checkpoint,
)
from nn.optim import Optimizer

X, Y = data.moons(40, noise=0.1, seed=4)  # batch size 6: 7 batches per epoch, the last of 4


def model_of(seed: int) -> Module:
    return Sequential(Linear(2, 8, seed=seed), Tanh(), Dropout(0.3, seed=seed + 1),
                      Linear(8, 8, seed=seed + 2), Tanh(), Dropout(0.5, seed=seed + 3), Linear(8, 1, seed=seed + 4))


def loader_of(seed: int, batch_size: int = 6) -> DataLoader:
    return DataLoader(X, Y, batch_size=batch_size, shuffle=True, seed=seed)


def run(model: Module, opt: Optimizer, loader: DataLoader, steps: int) -> None:
    """``steps`` training steps, epoch after epoch, stopping wherever the count ends."""
    done = 0
    while done < steps:
        for xb, yb in loader:
            opt.zero_grad()
            losses.hinge(model(xb), yb).backward()
            opt.step()
            done += 1
            if done == steps:
                return


def setup(seed: int) -> tuple[Module, Optimizer, DataLoader]:
    model = model_of(seed)
    return model, Adam(model.parameters(), lr=0.05), loader_of(seed + 10)


def params(model: Module) -> dict[str, bytes]:
    return {name: np.asarray(p.data).tobytes() for name, p in model.named_parameters()}


def draws(model: Module, loader: DataLoader) -> list[bytes]:
    """What the generators give next (consumes draws: call on objects done with)."""
    out = [np.asarray(m._rng.random(5)).tobytes() for m in model.modules() if isinstance(m, Dropout)]
    return [*out, loader._rng.random(5).tobytes()]


def everything(model: Module, opt: Optimizer, loader: DataLoader) -> Any:
    """All the state a refused load must leave alone (without consuming any draw)."""
    generators = [m._rng.bit_generator.state for m in model.modules() if isinstance(m, Dropout)]
    return (params(model), repr(opt.state_dict()), repr(generators), repr(loader.state_dict()))


@pytest.mark.parametrize("first", [3, 7, 10, 14], ids=["mid-epoch", "epoch-end", "second-epoch", "two-epochs"])
def test_resuming_with_dropout_and_a_shuffling_loader_is_bit_for_bit(tmp_path: Path, first: int) -> None:
    whole = setup(0)
    run(*whole, 20)

    before = setup(0)
    run(*before, first)
    save_checkpoint(tmp_path / "run.npz", *before)

    later = setup(99)  # seeded differently: the generators must come from the file
    load_checkpoint(tmp_path / "run.npz", *later)
    assert later[2].epoch == before[2].epoch
    run(*later, 20 - first)

    assert params(later[0]) == params(whole[0])
    assert later[2].epoch == whole[2].epoch
    assert repr(later[1].state_dict()) == repr(whole[1].state_dict())
    assert draws(later[0], later[2]) == draws(whole[0], whole[2])


def test_without_the_generators_a_resumed_run_differs(tmp_path: Path) -> None:
    # the test above would notice: fresh generators give other masks and batches
    whole = setup(0)
    run(*whole, 10)
    before = setup(0)
    run(*before, 3)
    save_checkpoint(tmp_path / "run.npz", *before[:2])  # no loader
    later = setup(99)
    load_checkpoint(tmp_path / "run.npz", *later[:2])
    run(*later, 7)
    assert params(later[0]) != params(whole[0])


def test_a_loader_resumes_in_memory_from_the_middle_of_an_epoch() -> None:
    loader = loader_of(3)
    batches = iter(loader)
    next(batches)
    next(batches)
    state = json.loads(json.dumps(loader.state_dict()))  # JSON through and through
    assert state["epoch"] == 1 and state["batch"] == 2
    rest = [xb.tobytes() for xb, _ in batches] + [xb.tobytes() for xb, _ in loader]

    other = loader_of(7)
    other.load_state_dict(state)
    assert other.state_dict() == state  # saving again before iterating keeps the position
    again = [xb.tobytes() for xb, _ in other] + [xb.tobytes() for xb, _ in other]
    assert again == rest and other.epoch == loader.epoch == 2


def test_a_file_without_generators_still_loads_and_leaves_them_alone(tmp_path: Path) -> None:
    before = setup(0)
    run(*before, 3)
    path = tmp_path / "run.npz"
    save_checkpoint(path, *before)
    with np.load(path, allow_pickle=False) as archive:  # no pickles, and the old layout rebuilt
        contents = {k: archive[k] for k in archive.files}
    meta = json.loads(str(contents["__meta__"]))
    assert "generators" in meta and "loader" in meta
    del meta["generators"], meta["loader"]
    contents["__meta__"] = np.array(json.dumps(meta))
    np.savez(tmp_path / "old.npz", **contents)

    later, untouched = setup(99), setup(99)
    load_checkpoint(tmp_path / "old.npz", *later)
    assert params(later[0]) == params(before[0])
    assert repr(later[1].state_dict()) == repr(before[1].state_dict())
    assert later[2].state_dict() == untouched[2].state_dict()  # loader: position and generator as they were
    assert draws(later[0], later[2]) == draws(untouched[0], untouched[2])


def refused(path: Path, model: Module, opt: Optimizer, loader: DataLoader, message: str) -> None:
    before = everything(model, opt, loader)
    with pytest.raises(StateDictError, match=message):
        load_checkpoint(path, model, opt, loader)
    assert everything(model, opt, loader) == before


def test_refused_loads_change_nothing(tmp_path: Path) -> None:
    saved = setup(0)
    run(*saved, 3)
    path = tmp_path / "run.npz"
    save_checkpoint(path, *saved)

    model, opt, _ = setup(5)
    run(model, opt, loader_of(1), 2)
    refused(path, model, opt, loader_of(1, batch_size=5), r"loader with batch_size 6 \(this loader: 5\)")
    short = DataLoader(X[:30], Y[:30], batch_size=6, seed=1)
    refused(path, model, opt, short, r"examples 40 \(this loader: 30\)")

    # the same parameters, one Dropout fewer: only the generators tell the models apart
    fewer = Sequential(Linear(2, 8, seed=0), Tanh(), Dropout(0.3, seed=1),
                       Linear(8, 8, seed=2), Tanh(), Tanh(), Linear(8, 1, seed=4))
    refused(path, fewer, Adam(fewer.parameters()), loader_of(1),
            r"random generators for the modules \['layers.2', 'layers.5'\], this model draws in \['layers.2'\]")

    with np.load(path, allow_pickle=False) as archive:
        contents = {k: archive[k] for k in archive.files}
    meta = json.loads(str(contents["__meta__"]))
    meta["generators"]["layers.5"]["bit_generator"] = "MT19937"
    contents["__meta__"] = np.array(json.dumps(meta))
    np.savez(tmp_path / "bad.npz", **contents)
    refused(tmp_path / "bad.npz", model, opt, loader_of(1), "random generator of 'layers.5': not the state of a PCG64")

    meta = json.loads(str(contents["__meta__"]))
    meta["generators"]["layers.5"]["bit_generator"] = "PCG64"
    meta["loader"]["batch"] = 7  # one past the last batch
    contents["__meta__"] = np.array(json.dumps(meta))
    np.savez(tmp_path / "bad.npz", **contents)
    refused(tmp_path / "bad.npz", model, opt, loader_of(1), r"batch must be an integer in \[0, 7\)")

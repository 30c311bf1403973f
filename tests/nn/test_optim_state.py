"""Resumable training: optimizer state, checkpoints, and resuming bit for bit.

The oracle is the run that was never interrupted: N steps, a checkpoint, fresh objects loaded
from it and M more steps must give exactly the numbers of N + M steps in one go.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value
from nn import (
    MLP,
    SGD,
    AdaGrad,
    Adam,
    BatchNorm1d,
    CosineLR,
    ExponentialLR,
    Linear,
    Module,
    Momentum,
    RMSProp,
    Sequential,
    StateDictError,
    StepLR,
    Tanh,
    WarmupLR,
    data,
    load_checkpoint,
    losses,
    save_checkpoint,
)
from nn.optim import Optimizer

X, Y = data.moons(24, noise=0.1, seed=4)
BATCHES = 3  # step t trains on batch t % 3: the same data whichever run takes the step


def scalar_model(seed: int) -> Module:
    return MLP(2, [4, 1], activation="tanh", seed=seed)


def tensor_model(seed: int) -> Module:
    # batch norm's running statistics are state too: they must resume as well
    return Sequential(Linear(2, 5, seed=seed), BatchNorm1d(5), Tanh(), Linear(5, 1, seed=seed + 1))


def train(model: Module, opt: Optimizer, first: int, last: int) -> None:
    for t in range(first, last):
        xb, yb = X[t % BATCHES::BATCHES], Y[t % BATCHES::BATCHES]
        opt.zero_grad()
        losses.hinge(model(xb), yb).backward()
        opt.step()


OPTIMIZERS: dict[str, Callable[[list[Any]], Optimizer]] = {
    "SGD": lambda p: SGD(p, lr=0.1, schedule=StepLR(4, gamma=0.5)),
    "Momentum": lambda p: Momentum(p, lr=0.05, beta=0.8, l1=1e-3),
    "AdaGrad": lambda p: AdaGrad(p, lr=0.3, schedule=ExponentialLR(0.9)),
    "RMSProp": lambda p: RMSProp(p, lr=0.01, decay=0.9, weight_decay=1e-2),
    "Adam": lambda p: Adam(p, lr=0.05, schedule=WarmupLR(3, start_factor=0.2, then=CosineLR(10))),
}
MODELS = {"values": scalar_model, "tensors": tensor_model}


def parameters(model: Module) -> dict[str, Any]:
    return {name: np.array(p.data) for name, p in model.named_parameters()}


def assert_same(a: Any, b: Any) -> None:
    """Equal to the bit: nested dicts and lists of numbers, strings and arrays."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b)
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes()
    else:
        assert type(a) is type(b) and a == b


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_resuming_gives_the_uninterrupted_run_bit_for_bit(tmp_path: Path, name: str, kind: str) -> None:
    make_model, make_opt = MODELS[kind], OPTIMIZERS[name]
    whole = make_model(0)
    whole_opt = make_opt(whole.parameters())
    train(whole, whole_opt, 0, 12)

    first = make_model(0)
    first_opt = make_opt(first.parameters())
    train(first, first_opt, 0, 7)
    save_checkpoint(tmp_path / "run.npz", first, first_opt)

    # fresh objects, built differently: everything that matters must come from the file
    later = make_model(99)
    later_opt = type(first_opt)(later.parameters(), lr=0.9)
    load_checkpoint(tmp_path / "run.npz", later, later_opt)
    assert_same(later_opt.state_dict(), first_opt.state_dict())
    train(later, later_opt, 7, 12)

    assert_same(parameters(later), parameters(whole))
    assert_same(later.state_dict(), whole.state_dict())  # buffers too
    assert_same(later_opt.state_dict(), whole_opt.state_dict())
    assert later_opt.lr == whole_opt.lr and later_opt.t == 12


def test_state_dict_holds_each_optimizers_state_as_copies() -> None:
    xs = [Value(1.0), Value(-2.0)]
    opt = Adam(xs, lr=0.1, beta1=0.8, schedule=StepLR(2))
    for _ in range(3):
        opt.zero_grad()
        (xs[0] * xs[1]).backward()
        opt.step()
    state = opt.state_dict()
    assert state["optimizer"] == "Adam" and state["t"] == 3
    assert state["lr"] == pytest.approx(0.01) and state["base_lr"] == 0.1
    assert state["hyperparameters"] == {"weight_decay": 0.0, "l1": 0.0, "beta1": 0.8, "beta2": 0.999, "eps": 1e-8}
    assert state["schedule"] == {"type": "StepLR", "step_size": 2, "gamma": 0.1}
    assert state["shapes"] == [[], []]
    assert [sorted(s) for s in state["state"]] == [["m", "v"], ["m", "v"]]
    m0 = state["state"][0]["m"].copy()
    opt.step()
    assert state["state"][0]["m"] == m0  # later steps leave the returned arrays alone
    assert SGD(xs, lr=0.1).state_dict()["state"] == [{}, {}]
    assert [sorted(s) for s in Momentum(xs, lr=0.1).state_dict()["state"]] == [[], []]  # no step yet


def test_load_state_dict_in_memory_restores_the_kind_of_each_entry() -> None:
    x, w = Value(0.5), nn.Linear(2, 2, seed=0).W
    opt = Momentum([x, w], lr=0.1)
    x.grad, w.grad = 1.0, np.ones((2, 2))
    opt.step()
    fresh = Momentum([Value(0.0), nn.Linear(2, 2, seed=1).W], lr=0.5, beta=0.1)
    fresh.load_state_dict(opt.state_dict())
    assert fresh.beta == 0.9 and fresh.lr == 0.1 and fresh.t == 1
    assert type(fresh.state[0]["v"]) is float and isinstance(fresh.state[1]["v"], np.ndarray)


def snapshot(model: Module, opt: Optimizer) -> tuple[dict[str, Any], dict[str, Any]]:
    return model.state_dict(), opt.state_dict()


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    model = scalar_model(0)
    opt = Adam(model.parameters(), lr=0.05, schedule=StepLR(3))
    train(model, opt, 0, 4)
    save_checkpoint(tmp_path / "run.npz", model, opt)
    return tmp_path / "run.npz"


def refused(path: Path, model: Module, opt: Optimizer, error: type[Exception], message: str) -> None:
    """Loading must raise ``error`` matching ``message`` and leave model and optimizer untouched."""
    for _ in range(2):  # some state to lose, whatever inputs the model takes
        for p in opt.params:
            p.grad = np.ones_like(p.data) if isinstance(p.data, np.ndarray) else 1.0
        opt.step()
    before = snapshot(model, opt)
    with pytest.raises(error, match=message):
        load_checkpoint(path, model, opt)
    after = snapshot(model, opt)
    assert_same(after[0], before[0])
    assert_same(after[1], before[1])


def test_another_optimizer_type_is_refused(saved: Path) -> None:
    model = scalar_model(1)
    refused(saved, model, Momentum(model.parameters(), lr=0.1), StateDictError,
            "saved from MLP with Adam.*was saved from Adam, not Momentum")


def test_another_parameter_count_is_refused(saved: Path) -> None:
    model: Module = MLP(2, [3, 1], activation="tanh", seed=1)  # 13 parameters; the file has 4 + 1 neurons' 17
    refused(saved, model, Adam(model.parameters()), StateDictError, "holds 17 parameters, this optimizer has 13")
    model = scalar_model(1)
    refused(saved, model, Adam(model.parameters()[:-1]), StateDictError, "holds 17 parameters, this optimizer has 16")


def test_other_shapes_are_refused_by_position(tmp_path: Path) -> None:
    model = Linear(2, 3, seed=0)
    save_checkpoint(tmp_path / "a.npz", model, Adam(model.parameters()))
    other = Linear(3, 2, seed=0)
    refused(tmp_path / "a.npz", other, Adam(other.parameters()), StateDictError,
            r"parameter 0 has shape \(2, 3\) here, \(3, 2\) in the state; parameter 1 has shape \(2,\) here")


def test_a_model_that_does_not_fit_leaves_the_optimizer_alone(tmp_path: Path) -> None:
    # the same parameter shapes under other names: the optimizer's state fits, the model's does not
    model = Sequential(Linear(2, 3, seed=0))
    save_checkpoint(tmp_path / "a.npz", model, Adam(model.parameters(), schedule=StepLR(2)))
    other = Linear(2, 3, seed=0)
    refused(tmp_path / "a.npz", other, Adam(other.parameters(), lr=0.3), StateDictError,
            "missing W, b; unexpected layers.0.W, layers.0.b")


def test_files_that_are_not_checkpoints(saved: Path, tmp_path: Path) -> None:
    model = scalar_model(0)
    opt = Adam(model.parameters())
    model.save(tmp_path / "model.npz")
    refused(tmp_path / "model.npz", model, opt, StateDictError, "model file without optimizer state: .*model.load")
    (tmp_path / "junk.npz").write_bytes(saved.read_bytes()[:200])
    refused(tmp_path / "junk.npz", model, opt, StateDictError, "not a readable chainrule checkpoint")
    refused(tmp_path / "missing.npz", model, opt, FileNotFoundError, "no saved model at this path")
    np.savez(tmp_path / "plain.npz", a=np.zeros(2))
    refused(tmp_path / "plain.npz", model, opt, StateDictError, "not a chainrule checkpoint")


def test_a_stray_optimizer_entry_is_refused(saved: Path, tmp_path: Path) -> None:
    with np.load(saved) as archive:
        contents = {k: archive[k] for k in archive.files}
    contents["__optimizer__.99.m"] = np.zeros(())
    np.savez(tmp_path / "stray.npz", **contents)
    model = scalar_model(0)
    refused(tmp_path / "stray.npz", model, Adam(model.parameters()), StateDictError, "is no parameter's Adam state")


def test_bad_values_in_a_state_are_refused() -> None:
    x = Value(1.0)
    opt = Adam([x], lr=0.1)
    x.grad = 1.0
    opt.step()
    good = opt.state_dict()
    fresh = Adam([Value(0.0)])
    with pytest.raises(StateDictError, match="missing t, lr, base_lr"):
        fresh.load_state_dict({"optimizer": "Adam"})
    with pytest.raises(StateDictError, match="not an optimizer's state_dict"):
        fresh.load_state_dict(fresh.params)  # type: ignore[arg-type]
    changes: list[tuple[dict[str, Any], str]] = [
        ({"t": -1}, "step count must be an integer >= 0"),
        ({"hyperparameters": {**good["hyperparameters"], "beta1": 1.5}}, r"beta1 must be in \[0, 1\)"),
        ({"hyperparameters": {"eps": 1e-8}}, "hyperparameters"),
        ({"schedule": {"type": "Pickle"}}, "not a known schedule"),
        ({"state": [{"m": np.zeros(()), "w": np.zeros(())}]}, "state has w; a Adam keeps m, v"),
        ({"state": [{"m": np.zeros(2)}]}, r"parameter 0's m is float64 of shape \(2,\), not floats of shape \(\)"),
        ({"shapes": [[1, "x"]]}, "not lists and mappings"),
    ]
    for change, message in changes:
        before = fresh.state_dict()
        with pytest.raises(StateDictError, match=message):
            fresh.load_state_dict({**good, **change})
        assert_same(fresh.state_dict(), before)


def test_the_file_is_plain_numpy_without_pickles(saved: Path) -> None:
    with np.load(saved, allow_pickle=False) as archive:  # readable without allowing pickles
        assert all(archive[k].dtype != object for k in archive.files)
        assert {"__meta__", "layers.0.neurons.0.w.0", "__optimizer__.0.m", "__optimizer__.16.v"} <= set(archive.files)
    assert zipfile.is_zipfile(saved)


def test_saving_refuses_an_optimizer_of_other_parameters(tmp_path: Path) -> None:
    model = scalar_model(0)
    opt = SGD([*model.parameters(), Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match=r"parameters \[17\] are not parameters of this MLP"):
        save_checkpoint(tmp_path / "run.npz", model, opt)
    assert not (tmp_path / "run.npz").exists()


def test_an_optimizer_entry_announcing_a_huge_array_is_refused_unread(tmp_path: Path) -> None:
    model = scalar_model(0)
    path = tmp_path / "run.npz"
    save_checkpoint(path, model, Momentum(model.parameters(), lr=0.1))  # no step yet: no velocity entries
    with zipfile.ZipFile(path, "a") as archive, archive.open("__optimizer__.0.v.npy", "w") as f:
        # 8 GB by its header, 16 bytes on disk: a loader that trusted the header would try to allocate it
        np.lib.format.write_array_header_1_0(f, {"descr": "<f8", "fortran_order": False, "shape": (10**9,)})
        f.write(bytes(16))
    refused(path, model, Momentum(model.parameters(), lr=0.1), StateDictError,
            r"__optimizer__.0.v holds float64 of shape \(1000000000,\), not floats of shape \(\)")


def test_an_optimizer_of_the_same_parameters_in_another_order_is_refused(tmp_path: Path) -> None:
    # two layers of one shape: only the names tell their moments apart
    model = Sequential(Linear(2, 2, seed=0), Tanh(), Linear(2, 2, seed=1), Linear(2, 1, seed=2))
    opt = Adam(model.parameters())
    train(model, opt, 0, 2)
    save_checkpoint(tmp_path / "a.npz", model, opt)
    q = model.parameters()
    refused(tmp_path / "a.npz", model, Adam([q[2], q[3], q[0], q[1], q[4], q[5]]), StateDictError,
            r"the optimizer trains \['layers.2.W', 'layers.2.b', 'layers.0.W', 'layers.0.b', .*in this order")

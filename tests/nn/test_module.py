"""Module: names, counts (note 001's Keras summaries), modes, state, save/load and its failures."""

from __future__ import annotations

import os
import tempfile
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import MLP, Layer, Module, Neuron, StateDictError


def test_keras_parameter_counts_of_note_001() -> None:
    # Dense(9, input_shape=(6,)) -> 63, Dense(4) -> 40, total 103
    model = MLP(6, [9, 4], seed=0)
    assert model.num_parameters() == 103
    assert [layer.num_parameters() for layer in model.layers] == [63, 40]
    # the 8-9-9-9-4 network -> 81, 90, 90, 40 = 301
    deep = MLP(8, [9, 9, 9, 4], seed=0)
    assert [layer.num_parameters() for layer in deep.layers] == [81, 90, 90, 40]
    assert deep.num_parameters() == 301


def test_summary_table_like_keras() -> None:
    text = MLP(6, [9, 4], seed=0).summary()
    lines = text.splitlines()
    row0 = next(line for line in lines if line.startswith("layers.0"))
    row1 = next(line for line in lines if line.startswith("layers.1"))
    assert row0.split()[-3:] == ["(None,", "9)", "63"]
    assert row1.split()[-3:] == ["(None,", "4)", "40"]
    assert "Total params: 103" in lines
    assert "Trainable params: 103" in lines
    assert "Non-trainable params: 0" in lines
    assert "Total params: 301" in MLP(8, [9, 9, 9, 4], seed=0).summary().splitlines()


def test_summary_prints_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    model = MLP(6, [9, 4], seed=0)
    text = model.summary()
    assert capsys.readouterr().out == ""
    assert model.summary(show=True) == text
    assert capsys.readouterr().out.strip() == text.strip()


def test_dotted_names_are_stable_and_complete() -> None:
    model = MLP(3, [4, 2], seed=1)
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.w.2",
                         "layers.0.neurons.0.b"]
    assert "layers.1.neurons.1.w.3" in names
    assert len(names) == len(set(names)) == 3 * 4 + 4 + 4 * 2 + 2
    assert names == [n for n, _ in MLP(3, [4, 2], seed=2).named_parameters()]
    # each name points at the parameter it says
    params = dict(model.named_parameters())
    assert params["layers.0.neurons.3.w.1"] is model.layers[0].neurons[3].w[1]
    assert [m for m, _ in model.named_modules()][:3] == ["", "layers.0", "layers.0.neurons.0"]


def test_custom_module_registers_attributes_in_order() -> None:
    class Pair(Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = Value(2.0)
            self.inner = Neuron(2, seed=0)
            self.extra = [Value(1.0), Value(3.0)]
            self.note = "not state"

        def forward(self, x: list[float]) -> Value:
            return self.inner(x) * self.scale

    m = Pair()
    assert [n for n, _ in m.named_parameters()] == ["scale", "inner.w.0", "inner.w.1", "inner.b",
                                                    "extra.0", "extra.1"]
    m.extra = None  # reassigning to something that holds no state unregisters it
    assert m.num_parameters() == 4


def test_shared_parameter_counted_once() -> None:
    class Tied(Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = Neuron(2, seed=0)
            self.b = self.a

    assert Tied().num_parameters() == 3


def test_zero_grad_and_modes() -> None:
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    model([1.0, -2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert model.training
    model.eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_state_dict_round_trip_and_copies() -> None:
    a, b = MLP(3, [4, 2], seed=1), MLP(3, [4, 2], seed=2)
    state = a.state_dict()
    assert all(arr.shape == () for arr in state.values())
    a.layers[0].neurons[0].w[0].data += 5.0  # later changes do not leak into the saved state
    assert state["layers.0.neurons.0.w.0"] != a.layers[0].neurons[0].w[0].data
    b.load_state_dict(state)
    x = [0.3, -0.2, 0.9]
    a.load_state_dict(state)
    assert [v.data for v in a(x)] == [v.data for v in b(x)]


def _values(model: Module) -> list[float]:
    return [float(p.data) for p in model.parameters()]


def test_save_load_round_trip(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "model.npz")
    a = MLP(3, [4, 2], seed=1)
    a.save(path)
    b = MLP(3, [4, 2], seed=7)
    assert b.load(path) is b
    assert _values(b) == _values(a)
    # plain numpy can read it, no pickles involved
    with np.load(path, allow_pickle=False) as archive:
        assert "layers.1.neurons.1.b" in archive.files
    assert [f for f in os.listdir(tmp_path)] == ["model.npz"]  # no temporary files left


def test_load_missing_file(tmp_path: os.PathLike[str]) -> None:
    model = MLP(2, [2], seed=0)
    before = _values(model)
    with pytest.raises(FileNotFoundError, match="no saved model"):
        model.load(os.path.join(tmp_path, "nope.npz"))
    assert _values(model) == before


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty", "plain_npz"])
def test_damaged_files_raise_and_leave_model_unchanged(tmp_path: os.PathLike[str], damage: str) -> None:
    path = os.path.join(tmp_path, "model.npz")
    MLP(3, [4, 2], seed=1).save(path)
    raw = open(path, "rb").read()
    if damage == "truncate":
        open(path, "wb").write(raw[: len(raw) // 2])
    elif damage == "garbage":
        open(path, "wb").write(b"this is not a model" * 10)
    elif damage == "flip":  # corrupt one byte of stored array data: the zip CRC catches it
        data = bytearray(raw)
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("layers.0.neurons.0.w.0.npy")
        data[info.header_offset + 30 + len(info.filename) + info.file_size - 1] ^= 0xFF
        open(path, "wb").write(bytes(data))
    elif damage == "empty":
        open(path, "wb").close()
    else:  # a valid npz that is not a chainrule model
        np.savez(open(path, "wb"), a=np.zeros(3))
    model = MLP(3, [4, 2], seed=2)
    before = _values(model)
    with pytest.raises(StateDictError, match="model file"):
        model.load(path)
    assert _values(model) == before


def test_mismatched_architecture_raises_and_changes_nothing(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "model.npz")
    MLP(3, [4, 2], seed=1).save(path)
    other = MLP(3, [5, 2], seed=2)
    before = _values(other)
    with pytest.raises(StateDictError, match="missing layers.0.neurons.4") as info:
        other.load(path)
    assert "saved from a MLP" in str(info.value)
    assert _values(other) == before


def test_load_state_dict_checks_everything_first() -> None:
    model = MLP(2, [2], seed=0)
    before = _values(model)
    state = model.state_dict()
    bad_shape = {**state, "layers.0.neurons.1.b": np.zeros(3)}
    with pytest.raises(StateDictError, match=r"layers.0.neurons.1.b has shape \(3,\)"):
        model.load_state_dict({k: v + 1 for k, v in bad_shape.items()})
    with pytest.raises(StateDictError, match="unexpected extra"):
        model.load_state_dict({**state, "extra": np.zeros(())})
    with pytest.raises(StateDictError, match="not numbers"):
        model.load_state_dict({**state, "layers.0.neurons.0.b": np.array("x")})
    assert _values(model) == before


def test_failed_save_keeps_previous_file(tmp_path: os.PathLike[str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = os.path.join(tmp_path, "model.npz")
    MLP(2, [2], seed=0).save(path)
    before = open(path, "rb").read()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        MLP(2, [2], seed=5).save(path)
    assert open(path, "rb").read() == before
    assert os.listdir(tmp_path) == ["model.npz"]


def test_layer_repr_and_forward_errors() -> None:
    layer = Layer(3, 2, activation="tanh", seed=0)
    assert "nin=3, nout=2" in repr(layer)
    with pytest.raises(ValueError, match="takes 3 inputs, got 2"):
        layer([1.0, 2.0])
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        Neuron(2, activation="swish")
    with pytest.raises(NotImplementedError, match="does not define forward"):
        Module()(1)


@settings(max_examples=15)
@given(nin=st.integers(1, 4), nouts=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 99))
def test_save_load_round_trip_any_architecture(nin: int, nouts: list[int], seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.npz")
        a = MLP(nin, nouts, seed=seed)
        a.save(path)
        b = MLP(nin, nouts, seed=seed + 1)
        b.load(path)
        assert _values(b) == _values(a)
        assert b.num_parameters() == sum(i * o + o for i, o in zip([nin] + nouts, nouts))

"""nn.data.mnist and read_idx on small IDX files written here, byte by byte, as MNIST's are."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from nn import data


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    """The IDX encoding of ``array`` as the format's description gives it (independent of read_idx)."""
    big_endian = {0x08: ">u1", 0x0B: ">i2", 0x0D: ">f4"}[type_code]
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(big_endian).tobytes()


def write(path: Path, payload: bytes, gzipped: bool) -> None:
    path.write_bytes(gzip.compress(payload) if gzipped else payload)


def fake_mnist(folder: Path, gzipped: bool, names: dict[str, str] | None = None) -> dict[str, np.ndarray]:
    """A tiny MNIST: images of 28 x 28 bytes and labels 0..9, as the four files in ``folder``."""
    g = np.random.default_rng(0)
    arrays = {
        "train images": g.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "train labels": g.integers(0, 10, 5, dtype=np.uint8),
        "test images": g.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "test labels": g.integers(0, 10, 3, dtype=np.uint8),
    }
    for key, stem in (names or data.MNIST_FILES).items():
        write(folder / (stem + (".gz" if gzipped else "")), idx_bytes(arrays[key]), gzipped)
    return arrays


@pytest.mark.parametrize("gzipped", [False, True], ids=["raw", "gzipped"])
def test_mnist_reads_the_four_files(tmp_path: Path, gzipped: bool) -> None:
    arrays = fake_mnist(tmp_path, gzipped)
    X_train, X_test, y_train, y_test = data.mnist(tmp_path)
    assert X_train.shape == (5, 784) and X_test.shape == (3, 784)  # note 002: 28 x 28 = 784 inputs
    assert X_train.dtype == np.float32 and 0.0 <= X_train.min() and X_train.max() <= 1.0
    assert X_train[2].reshape(28, 28) == pytest.approx(arrays["train images"][2] / 255)
    assert X_test == pytest.approx(arrays["test images"].reshape(3, -1) / 255)
    assert y_train.tolist() == arrays["train labels"].tolist() and y_test.tolist() == arrays["test labels"].tolist()
    raw_pixels = data.mnist(tmp_path, scale=False, dtype=np.float64)[0]
    assert raw_pixels.dtype == np.float64 and raw_pixels[0, 100] == arrays["train images"][0].ravel()[100]


def test_mnist_accepts_kaggles_names_and_a_home_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kaggle = {key: stem.replace("-idx", ".idx") for key, stem in data.MNIST_FILES.items()}  # train-images.idx3-ubyte
    folder = tmp_path / "mnist"
    folder.mkdir()
    arrays = fake_mnist(folder, gzipped=False, names=kaggle)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.mnist("~/mnist")[3].tolist() == arrays["test labels"].tolist()


def test_a_missing_file_says_which_and_where_to_get_it(tmp_path: Path) -> None:
    fake_mnist(tmp_path, gzipped=True)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    missing = r"no t10k-labels-idx1-ubyte \(or t10k-labels-idx1-ubyte.gz\) in .*download"
    with pytest.raises(FileNotFoundError, match=missing):
        data.mnist(tmp_path)
    with pytest.raises(FileNotFoundError, match="not a folder"):
        data.mnist(tmp_path / "nowhere")


def test_read_idx_reads_other_types_and_shapes(tmp_path: Path) -> None:
    shorts = np.array([[-2, 300], [7, -32768]], dtype=np.int16)
    (tmp_path / "shorts").write_bytes(idx_bytes(shorts, 0x0B))
    got = data.read_idx(tmp_path / "shorts")
    assert got.tolist() == shorts.tolist() and got.dtype.isnative
    floats = np.linspace(-1, 1, 6, dtype=np.float32)
    (tmp_path / "floats.gz").write_bytes(gzip.compress(idx_bytes(floats, 0x0D)))
    assert data.read_idx(tmp_path / "floats.gz").tolist() == floats.tolist()


@pytest.mark.parametrize(("payload", "message"), [
    (b"\x89PNG\r\n\x1a\n", "not an IDX file: it starts with 89 50 4e 47"),
    (b"", "not an IDX file: it starts with nothing"),
    (bytes([0, 0, 8, 3, 0, 0]), "ends inside its header"),
    (idx_bytes(np.zeros((2, 3), dtype=np.uint8))[:-1], r"shape \(2, 3\) \(18 bytes\), but the file has 17 bytes"),
    (gzip.compress(idx_bytes(np.zeros(4, dtype=np.uint8)))[:-6], "damaged gzip file"),
], ids=["png", "empty", "short header", "truncated", "truncated gzip"])
def test_read_idx_refuses_what_is_not_idx(tmp_path: Path, payload: bytes, message: str) -> None:
    (tmp_path / "file").write_bytes(payload)
    with pytest.raises(ValueError, match=message):
        data.read_idx(tmp_path / "file")


def test_mnist_refuses_images_and_labels_that_do_not_match(tmp_path: Path) -> None:
    fake_mnist(tmp_path, gzipped=False)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(4, dtype=np.uint8)))
    mismatch = r"the train files do not match: images of shape \(5, 28, 28\), labels of shape \(4,\)"
    with pytest.raises(ValueError, match=mismatch):
        data.mnist(tmp_path)

"""Step 16: handwritten digits with a softmax network (note 002's MNIST recipe, on 8x8 images).

The notes classify 28x28 = 784-pixel MNIST digits with a softmax output and cross-entropy
loss, trained on mini-batches for several epochs. scikit-learn ships 1,797 8x8 digits (64
pixels) inside its wheel, so the same network scaled to 64 inputs trains here in seconds:
64 -> 64 (ReLU, He init) -> 10 (softmax), Adam, batches of 32. Needs the examples extra
(``pip install "chainrule[examples]"``). Run: python examples/16_digits.py [out_dir]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the examples' shared helpers
from _figures import plt, save_figure  # noqa: E402

from autograd import no_grad  # noqa: E402
from nn import Adam, DataLoader, Linear, ReLU, Sequential, data, evaluate, fit, init, losses, softmax  # noqa: E402


def main(out_dir: str = "out", epochs: int = 15, hidden: int = 64, seed: int = 0,
         progress: bool = True) -> dict[str, Any]:
    """Train on 80% of the digits, test on the other 20%; return the test accuracy and pictures."""
    X, y = data.load_digits()
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.2, seed=seed)
    g = init.rng(seed)
    model = Sequential(Linear(64, hidden, init="he", seed=g), ReLU(), Linear(hidden, 10, init="xavier", seed=g))
    print(model.summary())
    # softmax + cross-entropy as one stable node: the network outputs scores z, the loss is
    # -log softmax(z)_label averaged over the batch
    history = fit(model, losses.cross_entropy_with_logits, Adam(model.parameters(), lr=0.01),
                  DataLoader(X_train, y_train, batch_size=32, seed=seed), epochs=epochs,
                  validation=(X_test, y_test), progress=progress)
    test_loss, test_acc = evaluate(model, losses.cross_entropy_with_logits, X_test, y_test)
    print(f"test accuracy after {epochs} epochs: {test_acc:.2%} (loss {test_loss:.4f})")

    with no_grad():
        probs = softmax(model(X_test[:10])).data
    fig, axes = plt.subplots(2, 6, figsize=(12, 4.5))
    history.plot(axes[0, 0])
    axes[0, 0].set_title("learning curves")
    axes[0, 0].legend(fontsize=7)
    axes[1, 0].axis("off")
    for ax, image, p, label in zip(list(axes[0, 1:]) + list(axes[1, 1:]), X_test, probs, y_test):
        ax.imshow(image.reshape(8, 8), cmap="gray_r")
        ax.set_title(f"{int(np.argmax(p))} ({p.max():.0%}); true {label}", fontsize=9)
        ax.axis("off")
    path = save_figure(fig, out_dir, "digits.png")
    print(f"wrote {path}")
    return {"model": model, "history": history, "test_accuracy": test_acc, "paths": [path]}


if __name__ == "__main__":
    main(*sys.argv[1:2])

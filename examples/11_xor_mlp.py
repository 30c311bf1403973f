"""Step 11: XOR, which no perceptron can learn, with a 2-layer network (note 002).

A hidden layer of tanh units bends the plane so that one more unit can separate XOR: here a
2-4-1 MLP of scalar Values, sigmoid output, binary cross-entropy, plain gradient descent.
Run: python examples/11_xor_mlp.py
"""

from __future__ import annotations

from typing import Any

from nn import MLP, SGD, data, losses


def main(steps: int = 300, lr: float = 1.0, seed: int = 0) -> dict[str, Any]:
    """Train on the four XOR points; return the model, the loss curve and the predictions."""
    X, y = data.gate("xor")
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", init="xavier", seed=seed)
    opt = SGD(model.parameters(), lr=lr)
    curve = []
    for step in range(steps):
        opt.zero_grad()
        loss = losses.binary_cross_entropy(model(X), y)
        loss.backward()
        opt.step()
        curve.append(loss.data)
        if step % max(1, steps // 5) == 0:
            print(f"step {step:4d}  loss {loss.data:.4f}")
    probs = [v.data for v in model(X)]
    predictions = [int(p > 0.5) for p in probs]
    for (x1, x2), p, t in zip(X, probs, y):
        print(f"  XOR({x1:.0f}, {x2:.0f}) = {t}   network: {p:.3f}")
    print("all four right" if predictions == list(y) else "not learned yet: train longer")
    return {"model": model, "loss": curve, "predictions": predictions}


if __name__ == "__main__":
    main()

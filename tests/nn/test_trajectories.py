"""The gradient-descent and momentum trajectories printed in note 002, number by number.

The engine computes f'(x) by ``backward()``, the optimizer steps; the printed values are
transcribed verbatim from the notes (whose digits went through OCR: a few lost a repeated 9,
hence the relative tolerance of 1e-12 rather than bit equality).
"""

from __future__ import annotations

import pytest

from autograd import Value
from nn import SGD, Momentum

# 002: x^2 from x_0 = 2
LR_1_5 = [-4.0, 8.0, -16.0, 32.0, -64.0, 128.0, -256.0, 512.0, -1024.0, 2048.0, -4096.0, 8192.0,
          -16384.0, 32768.0, -65536.0, 131072.0, -262144.0, 524288.0, -1048576.0, 2097152.0]
LR_0_4 = [0.3999999999999999, 0.0799999999999996, 0.01599999999999986, 0.003199999999999963,
          0.000639999999999991, 0.0001279999999999975, 2.559999999999945e-05, 5.11999999999988e-06,
          1.023999999999973e-06, 2.04799999999994e-07, 4.09599999999986e-08, 8.19199999999972e-09,
          1.638399999999938e-09, 3.276799999999986e-10, 6.553599999999972e-11, 1.310719999999942e-11,
          2.6214399999999877e-12, 5.242879999999976e-13, 1.048575999999949e-13, 2.097151999999988e-14]
LR_0_001 = [1.996, 1.992008, 1.988023984, 1.984047936032, 1.980079840159936, 1.9761196804796162,
            1.972167441118657, 1.9682231062364197, 1.9642866600239468, 1.960358086703899,
            1.9564373705304912, 1.95252449578943, 1.9486194467978513,
            1.9447222079042557,  # the notes print 1.944722079042557: OCR lost one of the 2s

            1.9408327634884472, 1.9369510979614704, 1.9330771957655475, 1.9292110413740164,
            1.9253526192912684, 1.9215019140526859]

# 002: f(x) = (x-2)^2 (x+3)^2 - 2(x-2)^2 from x_0 = 3, lr 0.02: stuck in the local minimum at 2
PLAIN_0_02 = [1.4, 1.75328, 1.9449413876409958, 1.9937897931322763, 1.9994800626095377,
              1.9999582428190736, 1.9999966583793345, 1.999999732663647, 1.999999978613049,
              1.9999999982890437, 1.9999999998631235, 1.9999999999890499, 1.999999999999124,
              1.9999999999999298, 1.999999999999944, 1.999999999999996, 2.0, 2.0, 2.0, 2.0]
# ... and with momentum beta = 0.9: escapes towards the global minimum near -3.35
MOMENTUM_0_02 = [
    1.4, 0.3132799999999998, -0.4360994561759646, -1.2734995252188481, -2.638766436929365,
    -4.525318703609472, -3.5400600761547603, -2.368871785031992, -2.076558008372518,
    -2.6143920260944684, -3.76857286454931, -4.109506094413966, -2.9477336351869767,
    -2.3485958361632866, -2.5761799069894527, -3.4692362164620314, -4.100914586718611,
    -3.2226301269464575, -2.596733134048547, -2.712103333004605, -3.4329797246738853,
    -3.964450558622487, -3.3256130241749418, -2.7847191365302355, -2.868963711907946,
    -3.455214906293401, -3.8321645080250972, -3.3442273759695094, -2.914036210795086,
    -3.0015678046053957, -3.478902383682647, -3.721518011115125, -3.3336734580165635,
    -3.0078589506893336, -3.1073585627656213, -3.4911238273007283, -3.6304802479548526,
    -3.3173064512078434, -3.0805622696561947, -3.1894392208702786,
]
# lr 0.045 without momentum: chaotic, so rounding differences grow; compare the first 20 closely
PLAIN_0_045 = [
    -0.5999999999999996, -1.1803199999999991, -2.46145989967282, -4.112817823095517,
    -0.7894410574482342, -1.6127969523421908, -3.266957794648962, -3.514720908301343,
    -2.9670364427439253, -3.9338105487727217, -1.5770485588571086, -3.2077026754479245,
    -3.617905727574734, -2.6809349763872192, -4.1098129051771135, -0.8036767469550297,
    -1.6449340128907677, -3.318917360325944, -3.4156136661143823, -3.209179142181531,
]


def square(x: Value) -> Value:
    return x**2


def local_min(x: Value) -> Value:
    return (x - 2) ** 2 * (x + 3) ** 2 - 2 * (x - 2) ** 2


def trajectory(f, x0: float, optimizer_class, steps: int, **options: float) -> list[float]:  # noqa: ANN001
    x = Value(x0, name="x")
    opt = optimizer_class([x], **options)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        f(x).backward()
        opt.step()
        out.append(x.data)
    return out


@pytest.mark.parametrize(
    ("lr", "printed"), [(1.5, LR_1_5), (0.4, LR_0_4), (0.001, LR_0_001)], ids=["diverges", "0.4", "0.001"]
)
def test_gradient_descent_on_x_squared(lr: float, printed: list[float]) -> None:
    got = trajectory(square, 2.0, SGD, 20, lr=lr)
    assert got == pytest.approx(printed, rel=1e-12)


@pytest.mark.parametrize("lr", [1.5, 0.4, 0.001])
def test_x_squared_matches_the_notes_loop(lr: float) -> None:
    # the notes' own loop, xp = xp - alpha * diff_f(xp) with diff_f(x) = 2x, in plain floats
    xp, expected = 2.0, []
    for _ in range(20):
        xp = xp - lr * (2 * xp)
        expected.append(xp)
    assert trajectory(square, 2.0, SGD, 20, lr=lr) == expected


def test_lr_1_5_diverges_exactly() -> None:
    # x <- x - 1.5 * 2x = -2x: powers of two, exact in floating point
    assert trajectory(square, 2.0, SGD, 20, lr=1.5) == LR_1_5


def test_plain_gradient_descent_stuck_in_local_minimum() -> None:
    got = trajectory(local_min, 3.0, SGD, 20, lr=0.02)
    assert got == pytest.approx(PLAIN_0_02, rel=1e-12)
    assert got[-1] == 2.0


def test_momentum_escapes_local_minimum() -> None:
    got = trajectory(local_min, 3.0, Momentum, 40, lr=0.02, beta=0.9)
    assert got == pytest.approx(MOMENTUM_0_02, rel=1e-12)
    # it oscillates around the global minimum at -3.35 instead of stopping at 2
    assert abs(sum(got[-10:]) / 10 + 3.35) < 0.15


def test_larger_learning_rate_is_chaotic() -> None:
    got = trajectory(local_min, 3.0, SGD, 20, lr=0.045)
    assert got[:10] == pytest.approx(PLAIN_0_045[:10], rel=1e-13)
    assert got == pytest.approx(PLAIN_0_045, rel=1e-9)


def test_momentum_update_is_the_notes_recurrence() -> None:
    # x_{n+1} - x_n = beta (x_n - x_{n-1}) - alpha f'(x_n)
    xs = [3.0] + trajectory(local_min, 3.0, Momentum, 10, lr=0.02, beta=0.9)
    for n in range(1, 10):
        x = xs[n]
        fprime = 2 * (x - 2) * (x + 3) ** 2 + 2 * (x - 2) ** 2 * (x + 3) - 4 * (x - 2)
        assert xs[n + 1] - xs[n] == pytest.approx(0.9 * (xs[n] - xs[n - 1]) - 0.02 * fprime, rel=1e-9)

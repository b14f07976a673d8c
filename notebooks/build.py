"""Write the lesson notebooks (stored without outputs): ``python notebooks/build.py``.

The notebooks are plain JSON under version control; this script is their source, so a change
to a lesson is a change here. The test suite executes every notebook top to bottom.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import Markdown, display
try:  # optional: pip install -e ".[widgets]"
    import ipywidgets as widgets
except ImportError:
    widgets = None
"""

OPTIMIZERS = [
    (
        "md",
        """\
# Lesson 1: gradient descent on a loss landscape

A hand-out for Lecture 6 (Physics 361): the learning-rate regimes, the stability bound
η < 2/λ_max, the condition number κ, momentum as a massive particle in a viscous medium, and
Adam. Every formula is *derived* with sympy (`physml.theory`), and every formula is set beside
a *measurement* that does not use it. Run the cells from top to bottom (a few seconds each).""",
    ),
    ("code", SETUP),
    (
        "md",
        """\
## 1. The regimes of the learning rate

On the quadratic E(θ) = λθ²/2 one GD step multiplies the error by 1 − ηλ. The derivation
below finds the four regimes from that factor.""",
    ),
    (
        "code",
        """\
from theory.derivation import derive
regimes = derive("learning_rate_regimes")
regimes""",
    ),
    ("md", "Measured: run GD at η = r/λ and classify what the iterates do."),
    (
        "code",
        """\
from analysis.optimizers import gd, run
from analysis.quadratics import classify_trajectory
lam = 2.0
for r in (0.5, 1.0, 1.5, 2.0, 2.2):
    traj = run(gd(eta=r / lam), lambda th: lam * th, np.array([1.0]), 30).trajectory[:, 0]
    print(f"eta = {r}/lambda: {classify_trajectory(traj)}")""",
    ),
    (
        "md",
        """\
With ipywidgets installed, the slider moves η; without it (a headless run) the cell draws a
fixed set of ratios.""",
    ),
    (
        "code",
        """\
from analysis.plots.optimization import plot_lr_regimes

def show(ratio=1.5):
    fig, ax = plt.subplots(figsize=(6, 3.5))
    plot_lr_regimes(lam=1.0, ratios=(ratio,), ax=ax)
    plt.show()

if widgets is not None:
    widgets.interact(show, ratio=widgets.FloatSlider(value=1.5, min=0.1, max=2.4, step=0.1))
else:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    plot_lr_regimes(lam=1.0, ax=ax)
    plt.show()""",
    ),
    (
        "md",
        """\
## 2. Many dimensions: η < 2/λ_max

The stability bound comes from the largest eigenvalue of the Hessian. The measurement finds the
largest stable η by bisection on runs of a 10-dimensional quadratic.""",
    ),
    (
        "code",
        """\
derive("gd_stability")""",
    ),
    (
        "code",
        """\
from analysis.quadratics import QuadraticProblem, divergence_threshold
prob = QuadraticProblem(lambda_min=1.0, lambda_max=8.0, dim=10, seed=0)
res = divergence_threshold(prob, "gd")
print(f"measured threshold {res.measured:.5f}, theory 2/lambda_max = {2 / 8.0:.5f}")""",
    ),
    (
        "md",
        """\
## 3. The condition number κ

At the best constant η = 2/(λ_min + λ_max) the error contracts by (κ − 1)/(κ + 1) per step;
heavy-ball momentum improves it to (√κ − 1)/(√κ + 1).""",
    ),
    (
        "code",
        """\
rate = derive("gd_convergence_rate")
rate""",
    ),
    (
        "code",
        """\
from analysis.optimizers import momentum
for kappa in (10.0, 100.0):
    prob = QuadraticProblem(lambda_min=1.0, lambda_max=kappa, dim=10, seed=1)
    eta_best = 2 / (1 + kappa)
    traj = run(gd(eta=eta_best), prob.grad, prob.start(0), 60).trajectory
    err = np.linalg.norm(traj - prob.theta_star, axis=1)
    measured = (err[60] / err[20]) ** (1 / 40)  # the slowest mode dominates after a few steps
    print(f"kappa = {kappa:5.0f}: measured rate {measured:.4f}, (kappa-1)/(kappa+1) = {(kappa - 1) / (kappa + 1):.4f}")""",
    ),
    (
        "md",
        """\
## 4. Momentum: a massive particle in a viscous medium

The discretised equation of motion m ẅ + μ ẇ = −∇E is gradient descent with momentum, with
γ = m/(m + μΔt) and η = Δt²/(m + μΔt).""",
    ),
    (
        "code",
        """\
derive("momentum_particle_map")""",
    ),
    (
        "code",
        """\
from analysis.particle import eom_iterates, particle_trajectory
from analysis.plots.optimization import plot_particle
m, mu, dt, lam = 1.0, 0.5, 0.05, 4.0
n = 400
sol = particle_trajectory(lambda w: lam * w, m, mu, 1.0, n * dt)
t = np.linspace(0, n * dt, 400)
w_gdm = eom_iterates(m, mu, dt, lambda w: lam * w, 1.0, n)
fig, ax = plt.subplots(figsize=(6, 3.5))
plot_particle(t, sol.sol(t)[0], dt * np.arange(n + 1), w_gdm, ax=ax)
plt.show()""",
    ),
    (
        "md",
        """\
## 5. Adam

Bias correction divides the moving averages by 1 − β^t, which makes them unbiased for a
constant gradient.""",
    ),
    (
        "code",
        """\
derive("adam_bias_correction")""",
    ),
    (
        "code",
        """\
from analysis.optimizers import adam
prob = QuadraticProblem(lambda_min=1.0, lambda_max=100.0, dim=10, seed=7)
for name, opt in {"gd": gd(eta=0.019), "momentum": momentum(eta=0.01, gamma=0.9), "adam": adam(eta=0.05)}.items():
    traj = run(opt, prob.grad, prob.start(0), 300).trajectory
    print(f"{name:9s} loss after 300 steps: {prob.loss(traj[-1]):.3e}")""",
    ),
]

REGIONS = [
    (
        "md",
        """\
# Lesson 2: linear regions of shallow and deep ReLU networks

Lecture 6, section 2.6. A ReLU network is piecewise linear; physml counts its pieces
*exactly* (a float64 weight is an exact rational, ties and degenerate arrangements included)
and derives the formulas it is checked against: D + 1 regions for a shallow network with D
units and one input, (D + 1)^K for a deep one, Σ_{j ≤ D_i} C(D, j) with D_i inputs.""",
    ),
    ("code", SETUP),
    (
        "md",
        """\
## 1. The lecture's 10-parameter network

Three hidden units, joints at 2/5, 1 and 3/2: four linear regions.""",
    ),
    (
        "code",
        """\
from fractions import Fraction
from analysis.constructions import lecture_network
from analysis.networks import ReLUNetwork
from analysis.regions import count_regions, enumerate_regions
from analysis.plots.networks import plot_shallow_1d
net = lecture_network()
print(net, "regions:", count_regions(net))
fig, ax = plt.subplots(figsize=(7, 4))
plot_shallow_1d(net, domain=(0.0, 2.0), ax=ax)
plt.show()""",
    ),
    (
        "md",
        """\
Move the ten parameters (with ipywidgets); the count is exact at every position, including
the tied joints the sliders can produce.""",
    ),
    (
        "code",
        """\
def shallow(t10=-0.2, t11=0.5, t20=1.0, t21=-1.0, t30=-1.5, t31=1.0, p0=0.0, p1=1.0, p2=1.0, p3=-1.0):
    w = [[[t11], [t21], [t31]], [[p1, p2, p3]]]
    b = [[t10, t20, t30], [p0]]
    n = ReLUNetwork(w, b)
    fig, ax = plt.subplots(figsize=(7, 4))
    plot_shallow_1d(n, domain=(0.0, 2.0), ax=ax)
    ax.set_title(f"{count_regions(n)} regions on the real line")
    plt.show()

if widgets is not None:
    widgets.interact(shallow, **{k: widgets.FloatSlider(value=v, min=-2, max=2, step=0.1)
                                 for k, v in dict(t10=-0.2, t11=0.5, t20=1.0, t21=-1.0, t30=-1.5,
                                                  t31=1.0, p0=0.0, p1=1.0, p2=1.0, p3=-1.0).items()})
else:
    shallow()""",
    ),
    ("md", "## 2. The count for D units, derived and measured"),
    (
        "code",
        """\
from theory.derivation import derive
derive("shallow_region_recursion")""",
    ),
    (
        "code",
        """\
from theory.networks import max_regions_shallow
for D in (1, 3, 10, 50):
    n = ReLUNetwork.random((1, D, 1), seed=D)
    print(f"D = {D:3d}: exact count {count_regions(n):4d}, bound D + 1 = {max_regions_shallow(D, 1)}")""",
    ),
    (
        "md",
        """\
## 3. Composition: deep networks multiply regions

A layer that folds [0, 1] onto itself D + 1 times, composed K times, has (D + 1)^K regions.""",
    ),
    (
        "code",
        """\
from analysis.constructions import max_regions_network
from theory.networks import max_regions_1d
for widths in ([3], [3, 3], [3, 3, 3], [4, 4, 4]):
    n = max_regions_network(widths)
    print(f"widths {widths}: exact {count_regions(n)}, (D+1)^K = {max_regions_1d(widths)}")
derive("deep_regions_1d")""",
    ),
    (
        "md",
        """\
## 4. Two inputs: regions are convex polygons

With D_i inputs a shallow network in general position has Σ_{j ≤ D_i} C(D, j) regions.""",
    ),
    (
        "code",
        """\
from analysis.plots.regions import plot_regions_2d
from theory.networks import max_regions_shallow
n = ReLUNetwork.random((2, 6, 1), seed=3)
print("exact count on R^2:", count_regions(n), " formula:", max_regions_shallow(6, 2))
fig, ax = plt.subplots(figsize=(5, 5))
plot_regions_2d(n, [(-3, 3), (-3, 3)], ax=ax)
plt.show()""",
    ),
    ("md", "## 5. A deep network with two inputs, counted exactly"),
    (
        "code",
        """\
deep = ReLUNetwork.random((2, 8, 8, 1), seed=0)
print("exact count on the box [-2, 2]^2:", count_regions(deep, [(-2, 2), (-2, 2)]))
fig, ax = plt.subplots(figsize=(5, 5))
plot_regions_2d(deep, [(-2, 2), (-2, 2)], ax=ax)
plt.show()""",
    ),
]

TRAINING = [
    (
        "md",
        """\
# Lesson 3: training a network while watching its regions

The lecture's optimizers train a ReLU network (numpy, float64 backpropagation) and physml's
exact engine counts the network's activation regions at every checkpoint. Then a real data
set: scikit-learn's 8×8 digits, and the exact regions of a trained classifier on the plane
through three test images.""",
    ),
    ("code", SETUP),
    (
        "code",
        """\
from analysis import datasets
from analysis.networks import ReLUNetwork
from analysis.optimizers import adam
from analysis.training import train
X, y = datasets.moons(200, noise=0.1, seed=0)
net = ReLUNetwork.random((2, 16, 16, 1), seed=0)
res = train(net, X, y[:, None], adam(eta=0.01), loss="logistic", steps=600, record_every=50,
            track_regions=True, domain=[(-3, 3), (-3, 3)])
h = res.history
fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.5))
a.semilogy(h["step"], h["train_loss"]); a.set(xlabel="step", ylabel="training loss")
b.plot(h["step"], h["regions"], "o-"); b.set(xlabel="step", ylabel="exact regions in [-3, 3]^2")
plt.show()
print("final accuracy", h["accuracy"][-1])""",
    ),
    ("md", "The trained network's regions and its decision boundary, drawn exactly:"),
    (
        "code",
        """\
from analysis.plots.regions import plot_slice
fig = plot_slice(res.net, [(-3, 3), (-3, 3)], [])
plt.show()""",
    ),
    (
        "md",
        """\
## Regions against neurons (Hanin & Rolnick 2019)

At initialisation the number of regions along a line grows like the total number of neurons N,
whatever the depth.""",
    ),
    (
        "code",
        """\
from analysis.experiments import regions_at_init
rows = regions_at_init(depths=(1, 2, 4), neurons=(16, 32, 64), seeds=(0, 1), input_dim=1)
for K in (1, 2, 4):
    counts = [float(np.mean([r["regions"] for r in rows if r["depth"] == K and r["neurons"] == n]))
              for n in (16, 32, 64)]
    print(f"depth {K}: mean counts {counts} for N = 16, 32, 64")""",
    ),
    (
        "md",
        """\
## A real data set: handwritten digits

Needs scikit-learn (`pip install -e ".[data]"`); the images ship inside it.""",
    ),
    (
        "code",
        """\
try:
    from analysis.experiments import digits_mlp
    r = digits_mlp()
except ImportError as exc:
    print("skipped:", exc)
else:
    print(f"test accuracy {r['test_accuracy']:.3f}; {r['regions']} exact regions on the plane "
          f"through test images of classes {r['labels']}")
    fig = plot_slice(r["plane"], r["domain"], r["points"], labels=[str(c) for c in r["labels"]])
    plt.show()""",
    ),
]

LESSONS = {
    "01_optimizers.ipynb": OPTIMIZERS,
    "02_linear_regions.ipynb": REGIONS,
    "03_training.ipynb": TRAINING,
}


def build(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells
    ]
    for i, c in enumerate(nb.cells):
        c["id"] = f"{Path(name).stem}-{i:02d}"
    return nb


def main() -> int:
    for name, cells in LESSONS.items():
        nbformat.write(build(name, cells), HERE / name)
        print(f"wrote notebooks/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

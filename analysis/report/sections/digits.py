"""A real data set: a digits MLP, trained with Adam, examined exactly on a plane of images."""

from __future__ import annotations

from analysis.experiments import digits_mlp
from analysis.regions.sampling import sampled_pattern_count
from analysis.report.common import fmt
from analysis.report.core import Check, FigureOut, ReportContext, SectionResult

__all__ = ["sec_digits"]


def sec_digits(ctx: ReportContext) -> SectionResult:
    """scikit-learn's digits: ≥ 95 % test accuracy, and the exact regions on a plane of 3 images."""
    try:
        r = digits_mlp(epochs=20)
    except ImportError as exc:
        return SectionResult(f"Skipped: {exc}.")
    from analysis.plots.regions import plot_slice

    checks = [
        Check(
            "a 64-32-32-10 MLP trained with Adam on scikit-learn's 8×8 digits reaches at least "
            "95 % accuracy on held-out images",
            "≥ 0.95",
            fmt(r["test_accuracy"], 4),
            "empirical",
            r["test_accuracy"] >= 0.95,
            expected="0.95",
            method="physml's train (cross-entropy, mini-batches of 64); 450 test images",
        ),
        Check(
            "its activation regions on the plane through three test images "
            f"(classes {r['labels']}, predicted {r['predicted']}), counted exactly: no fewer "
            "than the distinct activation patterns that 200,000 random points of the plane hit",
            "exact count ≥ sampled patterns",
            r["regions"],
            "lower bound",
            None,
            expected=sampled_pattern_count(r["plane"], r["domain"], n_samples=200_000, seed=0),
            method="restrict() to the plane, exact polygon splitting; sampling for the bound",
        ),
    ]
    fig = plot_slice(r["plane"], r["domain"], r["points"], labels=[str(c) for c in r["labels"]])
    md = (
        "The lecture's networks on a real data set that no one here made: scikit-learn's "
        "bundled 8×8 handwritten digits (1,797 images, a quarter held out). A 64-32-32-10 "
        "MLP trained with physml's Adam reaches "
        f"{fmt(100 * r['test_accuracy'], 3)} % test accuracy. Its input space has 64 "
        "dimensions; on the plane through three test images the network is a 2-input network, "
        f"whose {r['regions']} activation regions are counted exactly."
    )
    return SectionResult(
        md,
        checks,
        [
            FigureOut(
                "digits_plane",
                fig,
                "The digits MLP on the plane of three test images: regions and predicted class.",
            )
        ],
    )

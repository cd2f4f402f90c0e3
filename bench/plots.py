"""The two plots of bench/RESULTS.md, drawn with matplotlib (no display needed)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)


def scaling(rows: list[dict], path: Path) -> None:
    """Cost of one query and of training against the number of example phrases (log-log)."""
    sizes = [r["phrases"] for r in rows]
    figure, (query, training) = plt.subplots(1, 2, figsize=(10, 4))
    query.plot(sizes, [r["p50_ms"] for r in rows], "o-", label="p50")
    query.plot(sizes, [r["p99_ms"] for r in rows], "s--", label="p99")
    query.axhline(10, color="grey", linestyle=":", label="goal: p50 ≤ 10 ms at 100k")
    query.set(xscale="log", yscale="log", xlabel="example phrases", ylabel="ms per query", title="Matching a query")
    training.plot(sizes, [r["training_s"] for r in rows], "o-", label="training (s)")
    training.plot(sizes, [r["model_mb"] for r in rows], "s--", label="model (MB)")
    training.set(xscale="log", yscale="log", xlabel="example phrases", title="Training and model size")
    for axes in (query, training):
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
    save(figure, path)


def threshold(clinc: dict, path: Path) -> None:
    """In-scope accuracy and out-of-scope recall against the confidence threshold (CLINC150)."""
    thresholds, accuracy, recall = zip(*clinc["sweep"])
    figure, axes = plt.subplots(figsize=(7, 4.5))
    axes.plot(thresholds, accuracy, "o-", label="in-scope accuracy")
    axes.plot(thresholds, recall, "s-", label="out-of-scope recall")
    axes.axvline(clinc["threshold"], color="grey", linestyle=":", label=f"chosen on val ({clinc['threshold']})")
    axes.set(
        xlabel="confidence threshold", ylabel="%", ylim=(0, 100), title="CLINC150 validation: choosing the threshold"
    )
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower left")
    save(figure, path)


def save(figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)

"""The shipped model format: boosted trees as plain JSON, evaluated with numpy alone.

Training (``scripts/falls/train.py``) fits scikit-learn's ``GradientBoostingClassifier`` and
writes each tree as a *complete* binary tree of the ensemble's depth (a leaf above the bottom
level is copied down through nodes whose test always goes left), so every tree is three flat
arrays and the whole ensemble is evaluated for a batch of windows in ``depth`` vectorised steps:

    score = base + learning_rate × Σ_trees leaf(tree, x)         (log-odds of a fall)

A node sends ``x`` right when ``float32(x[feature]) > threshold``, exactly as scikit-learn does
(it compares features in float32). No pickle and no scikit-learn in production.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from silvercare.falldetect.features import FEATURE_NAMES, WindowSpec

FloatArray = npt.NDArray[np.float64]
FORMAT = "silvercare-fall-gbt/1"


class ModelFileError(ValueError):
    """The model file is not one this code can evaluate."""


@dataclass(frozen=True)
class TreeEnsemble:
    """``feature``/``threshold``: (T, 2^d − 1) internal nodes; ``leaf``: (T, 2^d)."""

    depth: int
    base: float
    learning_rate: float
    feature: npt.NDArray[np.intp]
    threshold: FloatArray
    leaf: FloatArray

    def decision(self, features: FloatArray) -> FloatArray:
        """Log-odds of a fall for each row of ``features`` (k, F)."""
        x = np.asarray(features, dtype=np.float64).astype(np.float32).astype(np.float64)
        n_rows = x.shape[0]
        n_trees = self.feature.shape[0]
        if n_rows == 0:
            return np.zeros(0, dtype=np.float64)
        trees = np.arange(n_trees)[None, :]
        rows = np.arange(n_rows)[:, None]
        node = np.zeros((n_rows, n_trees), dtype=np.intp)
        for _ in range(self.depth):
            go_right = x[rows, self.feature[trees, node]] > self.threshold[trees, node]
            node = 2 * node + 1 + go_right
        leaves = self.leaf[trees, node - (2**self.depth - 1)]
        result: FloatArray = self.base + self.learning_rate * leaves.sum(axis=1)
        return result

    def to_json(self) -> dict[str, Any]:
        return {
            "depth": self.depth,
            "base": self.base,
            "learning_rate": self.learning_rate,
            "feature": self.feature.tolist(),
            "threshold": [[_finite(v) for v in row] for row in self.threshold.tolist()],
            "leaf": self.leaf.tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TreeEnsemble:
        depth = int(data["depth"])
        feature = np.asarray(data["feature"], dtype=np.intp)
        threshold = np.asarray(
            [[np.inf if v is None else float(v) for v in row] for row in data["threshold"]],
            dtype=np.float64,
        )
        leaf = np.asarray(data["leaf"], dtype=np.float64)
        internal, leaves = 2**depth - 1, 2**depth
        n_trees = feature.shape[0] if feature.ndim == 2 else -1
        if (
            depth < 1
            or feature.shape != (n_trees, internal)
            or threshold.shape != feature.shape
            or leaf.shape != (n_trees, leaves)
        ):
            raise ModelFileError("tree arrays do not match the declared depth")
        return cls(
            depth=depth,
            base=float(data["base"]),
            learning_rate=float(data["learning_rate"]),
            feature=feature,
            threshold=threshold,
            leaf=leaf,
        )


def _finite(value: float) -> float | None:
    """JSON has no infinity: an always-left node stores ``null``."""
    return None if not np.isfinite(value) else value


@dataclass(frozen=True)
class FallModel:
    """One placement's shipped model: how to cut windows, the trees, and the alarm threshold."""

    placement: str
    spec: WindowSpec
    cutoff_hz: float
    filter_order: int
    ensemble: TreeEnsemble
    threshold: float  # alarm when the log-odds reach this
    refractory_s: float
    metadata: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "placement": self.placement,
            "features": list(FEATURE_NAMES),
            "grid_rate_hz": self.spec.rate_hz,
            "lowpass": {"cutoff_hz": self.cutoff_hz, "order": self.filter_order},
            "window": {
                "pre_s": self.spec.pre_s,
                "post_s": self.spec.post_s,
                "candidate_g": self.spec.candidate_g,
                "separation_s": self.spec.separation_s,
            },
            "alarm": {"threshold": self.threshold, "refractory_s": self.refractory_s},
            "trees": self.ensemble.to_json(),
            "training": self.metadata,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FallModel:
        if data.get("format") != FORMAT:
            raise ModelFileError(f"unknown model format {data.get('format')!r}")
        if list(data.get("features", [])) != list(FEATURE_NAMES):
            raise ModelFileError("the model's features are not the ones this code computes")
        window = data["window"]
        spec = WindowSpec(
            pre_s=float(window["pre_s"]),
            post_s=float(window["post_s"]),
            candidate_g=float(window["candidate_g"]),
            separation_s=float(window["separation_s"]),
            rate_hz=float(data["grid_rate_hz"]),
        )
        ensemble = TreeEnsemble.from_json(data["trees"])
        if int(ensemble.feature.max(initial=0)) >= len(FEATURE_NAMES):
            raise ModelFileError("a tree refers to a feature that does not exist")
        return cls(
            placement=str(data["placement"]),
            spec=spec,
            cutoff_hz=float(data["lowpass"]["cutoff_hz"]),
            filter_order=int(data["lowpass"]["order"]),
            ensemble=ensemble,
            threshold=float(data["alarm"]["threshold"]),
            refractory_s=float(data["alarm"]["refractory_s"]),
            metadata=dict(data.get("training", {})),
        )

    def save(self, path: Path) -> None:
        text = json.dumps(self.to_json(), separators=(",", ":"), allow_nan=False)
        Path(path).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> FallModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise ModelFileError(f"cannot read model file {path}: {error}") from error
        try:
            return cls.from_json(data)
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, ModelFileError):
                raise
            raise ModelFileError(f"malformed model file {path}: {error!r}") from error

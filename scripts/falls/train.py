# ruff: noqa: T201 - a command-line script reports by printing
"""Train the shipped fall detectors (src/silvercare/falldetect/models/<placement>.json).

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python scripts/falls/train.py --data /work/data/falls [--placements waist wrist chest]

Data (outside the repository; see docs/fall-detection.md): ``DATA/SisFall_dataset`` and
``DATA/UMAFall_Dataset``. Nothing here reads the SisFall test subjects: the split is fixed below
and ``TEST_SUBJECTS`` exists only so that ``scripts/falls/report.py`` and
``scripts/falls/export_eval_set.py`` agree with it.

Method (per placement): impact candidates on the 50 Hz low-passed signal, 16 features per
window, gradient-boosted trees (scikit-learn, training only) exported to JSON. Labels: in a
fall recording the candidate with the highest peak is the fall and the other candidates are
left out; every candidate of a daily activity is a non-fall. After a first fit the fall
candidate of each fall recording is re-chosen as the one the out-of-fold model scores highest
(one multiple-instance round). The alarm threshold is chosen on out-of-fold scores of the
training subjects only (grouped by subject), by the rule in :func:`choose_threshold`.

Waist: SisFall training subjects. Wrist and chest: UMAFall, evaluated leave-subjects-out (six
folds of three subjects) with the whole procedure, threshold included, repeated inside each
fold on the other subjects only; the shipped model is then fitted on every UMAFall subject.
"""

from __future__ import annotations

import argparse
import json
import pickle
import platform
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from silvercare.falldetect import datasets  # noqa: E402
from silvercare.falldetect.evaluation import (  # noqa: E402
    Outcome,
    baseline_alarms,
    figures,
    summary_lines,
    wilson,
)
from silvercare.falldetect.features import (  # noqa: E402
    WindowSpec,
    candidates,
    window_features,
    windows_at,
)
from silvercare.falldetect.model import FallModel, TreeEnsemble  # noqa: E402
from silvercare.falldetect.signal import (  # noqa: E402
    RecordingError,
    check_recording,
    merge_alarms,
    to_grid,
)

# --- the fixed split (issue 12, part 2) ------------------------------------------------------
SISFALL_TRAIN_SUBJECTS = tuple(
    [f"SA{n:02d}" for n in range(1, 16)]
    + [f"SE{n:02d}" for n in range(1, 6)]
    + [f"SE{n:02d}" for n in range(7, 11)]
)
SISFALL_TEST_SUBJECTS = tuple(
    s for s in datasets.SISFALL_SUBJECTS if s not in SISFALL_TRAIN_SUBJECTS
)

CUTOFF_HZ = 5.0
FILTER_ORDER = 4
REFRACTORY_S = 10.0
OUTER_FOLDS = 6  # UMAFall: 18 subjects, 3 held out per fold
SPEC = {
    "waist": WindowSpec(pre_s=2.0, post_s=3.0, candidate_g=1.4),
    "wrist": WindowSpec(pre_s=2.0, post_s=3.0, candidate_g=1.4),
    "chest": WindowSpec(pre_s=2.0, post_s=3.0, candidate_g=1.4),
}
GBT = {"n_estimators": 150, "max_depth": 3, "learning_rate": 0.1, "subsample": 0.8}
# A missed fall costs more than a false alarm window. Wrist: 10, chosen by leave-subjects-out
# (docs/fall-detection.md, "Wrist"); the others keep 5.
FALL_WEIGHT: dict[str, float] = {"waist": 5.0, "wrist": 10.0, "chest": 5.0}
# How the alarm threshold is placed on the out-of-fold recording scores (see choose_threshold):
# "youden" maximises sensitivity + specificity; a number is a specificity target: the lowest
# threshold whose out-of-fold specificity reaches it (the most sensitive one that does).
THRESHOLD_RULE: dict[str, str | float] = {"waist": "youden", "wrist": "youden", "chest": "youden"}


@dataclass
class Table:
    """Candidates of a set of recordings with their features."""

    x: np.ndarray  # (N, F)
    rec: np.ndarray  # (N,) index into recordings
    time: np.ndarray  # (N,) seconds
    peak: np.ndarray  # (N,)
    recordings: list[datasets.Recording]

    def rec_is_fall(self) -> np.ndarray:
        return np.array([r.is_fall for r in self.recordings])

    def subjects(self) -> np.ndarray:
        return np.array([r.subject for r in self.recordings])


def load_cached(cache: Path, name: str, loader: object) -> list[datasets.Recording]:
    path = cache / f"{name}.pkl"  # a local cache of public data, never shipped
    if path.exists():
        with open(path, "rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own cache file
    recordings = list(loader())  # type: ignore[operator]
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(recordings, handle)
    return recordings


def usable(recordings: Sequence[datasets.Recording], spec: WindowSpec) -> list[datasets.Recording]:
    """The recordings fall-eval would accept (same checks), reporting the others."""
    kept = []
    for r in recordings:
        try:
            check_recording(r.t, r.acc, min_duration_s=spec.pre_s + spec.post_s)
        except RecordingError as error:
            print(f"  skipped {r.name}: {error}")
            continue
        kept.append(r)
    return kept


def build_table(recordings: list[datasets.Recording], spec: WindowSpec) -> Table:
    xs, recs, times, peaks = [], [], [], []
    for i, r in enumerate(recordings):
        uniform = to_grid(r.t, r.acc, cutoff_hz=CUTOFF_HZ, order=FILTER_ORDER, rate_hz=spec.rate_hz)
        index = candidates(uniform, spec)
        if len(index) == 0:
            continue
        windows = windows_at(uniform, index, spec)
        xs.append(window_features(windows, spec))
        recs.append(np.full(len(index), i))
        times.append(uniform.times(index))
        peaks.append(np.sqrt((windows[:, spec.pre] ** 2).sum(axis=1)))
    return Table(
        x=np.concatenate(xs),
        rec=np.concatenate(recs),
        time=np.concatenate(times),
        peak=np.concatenate(peaks),
        recordings=recordings,
    )


def initial_labels(
    table: Table, rows: np.ndarray, key: np.ndarray, fall_weight: float = 5.0
) -> tuple[np.ndarray, np.ndarray]:
    """y and weights for ``rows``: the fall recordings' best candidate by ``key`` is 1, their
    other candidates weigh 0, every daily-activity candidate is 0 with weight 1."""
    is_fall_rec = table.rec_is_fall()
    y = np.zeros(len(rows), dtype=int)
    w = np.ones(len(rows))
    rec = table.rec[rows]
    fall_rows = is_fall_rec[rec]
    w[fall_rows] = 0.0
    order = np.lexsort((-key[rows], rec))
    first = np.ones(len(order), dtype=bool)
    first[1:] = rec[order][1:] != rec[order][:-1]
    best = order[first & fall_rows[order]]
    y[best] = 1
    w[best] = fall_weight
    return y, w


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int = 0) -> GradientBoostingClassifier:
    model = GradientBoostingClassifier(random_state=seed, **GBT)
    keep = w > 0
    model.fit(x[keep], y[keep], sample_weight=w[keep])
    return model


def oof_scores(
    table: Table, rows: np.ndarray, key: np.ndarray, fall_weight: float, folds: int = 5
) -> np.ndarray:
    """Out-of-fold decision values for ``rows``, grouped by subject."""
    groups = table.subjects()[table.rec[rows]]
    y, w = initial_labels(table, rows, key, fall_weight)
    scores = np.zeros(len(rows))
    splitter = GroupKFold(n_splits=min(folds, len(set(groups))))
    for train, test in splitter.split(table.x[rows], y, groups):
        model = fit(table.x[rows][train], y[train], w[train])
        scores[test] = model.decision_function(table.x[rows][test])
    return scores


def recording_max(table: Table, rows: np.ndarray, scores: np.ndarray) -> dict[int, float]:
    best: dict[int, float] = {}
    for rec, score in zip(table.rec[rows], scores, strict=True):
        best[int(rec)] = max(best.get(int(rec), -np.inf), float(score))
    return best


def choose_threshold(
    table: Table, rec_ids: np.ndarray, best: dict[int, float], rule: str | float = "youden"
) -> float:
    """The alarm threshold from out-of-fold recording scores, halfway between the two
    recording scores around it. ``"youden"``: the one that maximises sensitivity + specificity
    (ties go to the more sensitive side); a number: the lowest one whose specificity reaches
    it. Recordings without a candidate never alarm."""
    scores = np.array([best.get(int(i), -np.inf) for i in rec_ids])
    is_fall = np.array([table.recordings[int(i)].is_fall for i in rec_ids])
    finite = np.unique(scores[np.isfinite(scores)])
    if len(finite) == 0:
        raise SystemExit("no candidate in the training recordings")
    cuts = np.concatenate([[finite[0] - 1.0], (finite[1:] + finite[:-1]) / 2, [finite[-1] + 1.0]])
    n_falls, n_adls = max(int(is_fall.sum()), 1), max(int((~is_fall).sum()), 1)
    if rule != "youden":
        for cut in cuts:  # ascending: the first that is specific enough is the most sensitive
            if (~(scores >= cut) & ~is_fall).sum() / n_adls >= float(rule):
                return float(cut)
        return float(cuts[-1])
    best_cut, best_j = float(cuts[0]), -np.inf
    for cut in cuts:
        alarm = scores >= cut
        j = (alarm & is_fall).sum() / n_falls + (~alarm & ~is_fall).sum() / n_adls
        if j > best_j + 1e-12:
            best_cut, best_j = float(cut), j
    return best_cut


def train_placement(
    table: Table, rec_ids: np.ndarray, rule: str | float = "youden", fall_weight: float = 5.0
) -> tuple[GradientBoostingClassifier, float, dict]:
    """Fit a model and choose its threshold using only the recordings ``rec_ids``."""
    rows = np.flatnonzero(np.isin(table.rec, rec_ids))
    # Round 1: the highest peak marks the fall; round 2: the highest out-of-fold score does.
    scores1 = oof_scores(table, rows, table.peak, fall_weight)
    key = np.full(len(table.peak), -np.inf)
    key[rows] = scores1
    scores2 = oof_scores(table, rows, key, fall_weight)
    best = recording_max(table, rows, scores2)
    threshold = choose_threshold(table, rec_ids, best, rule)
    y, w = initial_labels(table, rows, key, fall_weight)
    model = fit(table.x[rows], y, w)
    falls = [i for i in rec_ids if table.recordings[i].is_fall]
    adls = [i for i in rec_ids if not table.recordings[i].is_fall]
    detected = sum(best.get(int(i), -np.inf) >= threshold for i in falls)
    quiet = sum(best.get(int(i), -np.inf) < threshold for i in adls)
    cv = {
        "sensitivity": detected / len(falls) if falls else None,
        "specificity": quiet / len(adls) if adls else None,
        "falls": len(falls),
        "adls": len(adls),
    }
    return model, threshold, cv


def export(model: GradientBoostingClassifier) -> TreeEnsemble:
    depth = int(GBT["max_depth"])
    internal, n_leaves = 2**depth - 1, 2**depth
    trees = model.estimators_[:, 0]
    feature = np.zeros((len(trees), internal), dtype=np.intp)
    threshold = np.full((len(trees), internal), np.inf)
    leaf = np.zeros((len(trees), n_leaves))
    for t, estimator in enumerate(trees):
        tree = estimator.tree_

        def fill(pos: int, node: int, level: int, t: int = t, tree: object = tree) -> None:
            left, right = tree.children_left[node], tree.children_right[node]  # type: ignore[attr-defined]
            if level == depth:
                leaf[t, pos - internal] = tree.value[node].ravel()[0]  # type: ignore[attr-defined]
                return
            if left == -1:  # a leaf above the bottom: always go left, same value below
                feature[t, pos], threshold[t, pos] = 0, np.inf
                fill(2 * pos + 1, node, level + 1)
                fill(2 * pos + 2, node, level + 1)
            else:
                feature[t, pos] = tree.feature[node]  # type: ignore[attr-defined]
                threshold[t, pos] = tree.threshold[node]  # type: ignore[attr-defined]
                fill(2 * pos + 1, left, level + 1)
                fill(2 * pos + 2, right, level + 1)

        fill(0, 0, 0)
    prior = model.init_.class_prior_[1]
    base = float(np.log(prior / (1 - prior)))
    return TreeEnsemble(
        depth=depth,
        base=base,
        learning_rate=float(GBT["learning_rate"]),
        feature=feature,
        threshold=threshold,
        leaf=leaf,
    )


def check_export(ensemble: TreeEnsemble, model: GradientBoostingClassifier, x: np.ndarray) -> None:
    ours = ensemble.decision(x)
    theirs = model.decision_function(x)
    worst = float(np.abs(ours - theirs).max())
    if worst > 1e-9:
        raise SystemExit(f"exported trees disagree with scikit-learn by {worst}")


def outcomes_for(
    table: Table, rows: np.ndarray, scores: np.ndarray, threshold: float, rec_ids: np.ndarray
) -> list[Outcome]:
    by_rec: dict[int, list[float]] = {}
    for rec, when, score in zip(table.rec[rows], table.time[rows], scores, strict=True):
        if score >= threshold:
            by_rec.setdefault(int(rec), []).append(float(when))
    result = []
    for i in rec_ids:
        r = table.recordings[int(i)]
        result.append(
            Outcome(
                name=r.name,
                is_fall=r.is_fall,
                duration_s=r.duration_s,
                alarms=tuple(merge_alarms(np.array(by_rec.get(int(i), [])), REFRACTORY_S)),
                baseline_alarms=tuple(baseline_alarms(r.t, r.acc, REFRACTORY_S)),
                group=r.activity,
            )
        )
    return result


def describe(label: str, outcomes: list[Outcome]) -> dict:
    fig = figures(outcomes)
    base = figures(outcomes, baseline=True)
    s_lo, s_hi = wilson(fig.falls_detected, fig.falls)
    p_lo, p_hi = wilson(fig.adls - fig.adls_with_alarm, fig.adls)
    print(
        f"  {label}: sensitivity {fig.sensitivity:.4f} [{s_lo:.4f}, {s_hi:.4f}] "
        f"({fig.falls_detected}/{fig.falls}), specificity {fig.specificity:.4f} "
        f"[{p_lo:.4f}, {p_hi:.4f}] ({fig.adls - fig.adls_with_alarm}/{fig.adls}), "
        f"{fig.false_alarms} false alarms in {fig.adl_hours:.2f} h"
    )
    for line in summary_lines(outcomes):
        print("    " + line)
    missed = Counter(o.group for o in outcomes if o.is_fall and not o.detected)
    alarmed = Counter(o.group for o in outcomes if not o.is_fall for _ in o.alarms)
    print(f"    missed falls by activity: {dict(sorted(missed.items()))}")
    print(f"    false alarms by activity: {dict(sorted(alarmed.items()))}")
    return {
        "sensitivity": fig.sensitivity,
        "sensitivity_ci95": [s_lo, s_hi],
        "falls": fig.falls,
        "specificity": fig.specificity,
        "specificity_ci95": [p_lo, p_hi],
        "adls": fig.adls,
        "false_alarms": fig.false_alarms,
        "adl_hours": round(fig.adl_hours, 3),
        "missed_falls_by_activity": dict(sorted(missed.items())),
        "false_alarms_by_activity": dict(sorted(alarmed.items())),
        "baseline_2_5g": {
            "sensitivity": base.sensitivity,
            "specificity": base.specificity,
            "false_alarms": base.false_alarms,
        },
    }


def save(
    placement: str,
    spec: WindowSpec,
    model: GradientBoostingClassifier,
    threshold: float,
    table: Table,
    rows: np.ndarray,
    metadata: dict,
    out: Path,
) -> None:
    ensemble = export(model)
    check_export(ensemble, model, table.x[rows])
    fall_model = FallModel(
        placement=placement,
        spec=spec,
        cutoff_hz=CUTOFF_HZ,
        filter_order=FILTER_ORDER,
        ensemble=ensemble,
        threshold=threshold,
        refractory_s=REFRACTORY_S,
        metadata={
            **metadata,
            "method": "gradient-boosted trees on 16 window features (scripts/falls/train.py)",
            "hyperparameters": GBT,
            "fall_weight": FALL_WEIGHT[placement],
            "threshold_rule": (
                "Youden (max sensitivity + specificity) on out-of-fold scores"
                if THRESHOLD_RULE[placement] == "youden"
                else f"lowest threshold with out-of-fold specificity >= {THRESHOLD_RULE[placement]}"
            ),
            "versions": {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "scipy": scipy.__version__,
                "scikit-learn": sklearn.__version__,
            },
        },
    )
    path = out / f"{placement}.json"
    fall_model.save(path)
    # Round-trip: the file must reproduce scikit-learn's scores.
    check_export(FallModel.load(path).ensemble, model, table.x[rows])
    print(f"  wrote {path} ({path.stat().st_size / 1024:.0f} KiB), threshold {threshold:.3f}")


def train_waist(data: Path, cache: Path, out: Path) -> None:
    spec = SPEC["waist"]
    print("waist: SisFall training subjects", ", ".join(SISFALL_TRAIN_SUBJECTS))
    recordings = load_cached(
        cache,
        "sisfall_train_adxl345",
        lambda: datasets.load_sisfall(data / "SisFall_dataset", SISFALL_TRAIN_SUBJECTS),
    )
    assert not {r.subject for r in recordings} & set(SISFALL_TEST_SUBJECTS)
    recordings = usable(recordings, spec)
    table = build_table(recordings, spec)
    rows = np.arange(len(table.x))
    print(f"  {len(recordings)} recordings, {len(rows)} candidates")
    started = time.time()
    model, threshold, cv = train_placement(
        table, np.arange(len(recordings)), THRESHOLD_RULE["waist"], FALL_WEIGHT["waist"]
    )
    print(f"  trained in {time.time() - started:.0f} s; out-of-fold at the threshold: {cv}")
    save(
        "waist",
        spec,
        model,
        threshold,
        table,
        rows,
        {
            "data": "SisFall (Sucerquia et al., Sensors 2017), ADXL345, waist, 200 Hz",
            "subjects": list(SISFALL_TRAIN_SUBJECTS),
            "recordings": len(recordings),
            "candidates": len(rows),
            "cv_by_subject_5fold_at_threshold": cv,
        },
        out,
    )


def train_umafall(placement: str, data: Path, cache: Path, out: Path) -> None:
    spec = SPEC[placement]
    skipped: list[str] = []
    recordings = load_cached(
        cache,
        f"umafall_{placement}",
        lambda: datasets.load_umafall(data / "UMAFall_Dataset", placement, skipped=skipped),
    )
    for reason in skipped:
        print(f"  unreadable: {reason}")
    recordings = usable(recordings, spec)
    table = build_table(recordings, spec)
    subjects = sorted({r.subject for r in recordings})
    print(
        f"{placement}: UMAFall, {len(recordings)} recordings of {len(subjects)} subjects, "
        f"{len(table.x)} candidates"
    )
    all_rows = np.arange(len(table.x))
    outcomes: list[Outcome] = []
    started = time.time()
    rec_subject = table.subjects()
    outer = GroupKFold(n_splits=OUTER_FOLDS)
    for fold, (train_recs, test_recs) in enumerate(
        outer.split(rec_subject, groups=rec_subject), start=1
    ):
        held_out = sorted(set(rec_subject[test_recs]))
        test_rows = all_rows[np.isin(table.rec, test_recs)]
        model, threshold, _ = train_placement(
            table, train_recs, THRESHOLD_RULE[placement], FALL_WEIGHT[placement]
        )
        scores = model.decision_function(table.x[test_rows]) if len(test_rows) else np.zeros(0)
        fold_outcomes = outcomes_for(table, test_rows, scores, threshold, test_recs)
        outcomes.extend(fold_outcomes)
        print(f"  fold {fold}: held out {', '.join(held_out)}, threshold {threshold:.2f}")
    print(f"  leave-subjects-out, {OUTER_FOLDS} folds ({time.time() - started:.0f} s):")
    loso = describe("leave-subjects-out", outcomes)
    model, threshold, cv = train_placement(
        table, np.arange(len(recordings)), THRESHOLD_RULE[placement], FALL_WEIGHT[placement]
    )
    print(f"  final model, out-of-fold at the threshold: {cv}")
    save(
        placement,
        spec,
        model,
        threshold,
        table,
        all_rows,
        {
            "data": f"UMAFall (Casilari et al., Procedia Computer Science 2017), {placement} "
            "SensorTag, about 20 Hz",
            "subjects": subjects,
            "recordings": len(recordings),
            "candidates": len(all_rows),
            "leave_subjects_out": {"folds": OUTER_FOLDS, **loso},
            "cv_by_subject_5fold_at_threshold": cv,
        },
        out,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("/work/data/falls"))
    parser.add_argument("--cache", type=Path, default=None, help="default: DATA/cache")
    parser.add_argument("--out", type=Path, default=ROOT / "src/silvercare/falldetect/models")
    parser.add_argument(
        "--placements",
        nargs="+",
        default=["waist", "wrist", "chest"],
        choices=["waist", "wrist", "chest"],
    )
    args = parser.parse_args(argv)
    cache = args.cache or args.data / "cache"
    args.out.mkdir(parents=True, exist_ok=True)
    for placement in args.placements:
        if placement == "waist":
            train_waist(args.data, cache, args.out)
        else:
            train_umafall(placement, args.data, cache, args.out)
    json.dumps({})


if __name__ == "__main__":
    main()

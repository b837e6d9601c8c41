"""The detectors' API: any sampling rate, batched and streaming use, and the shipped files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from silvercare.falldetect import synthetic
from silvercare.falldetect.detector import (
    FallDetector,
    available_placements,
    detector_for,
    model_path,
)
from silvercare.falldetect.model import FallModel, ModelFileError, TreeEnsemble
from silvercare.falldetect.signal import RecordingError


@pytest.mark.parametrize("placement", ["waist", "wrist"])
@pytest.mark.parametrize("rate", [20, 50, 100, 200])
def test_the_same_fall_gives_the_same_alarm_at_any_rate(placement: str, rate: int) -> None:
    detector = detector_for(placement)
    _, acc = synthetic.sample(synthetic.fall(at_s=6.0), rate, 15.0)

    alarms = detector.detect(acc, rate)

    assert len(alarms) == 1
    assert abs(alarms[0] - 6.0) < 0.3


@pytest.mark.parametrize("rate", [50, 100, 200])
def test_quiet_and_walking_give_no_alarm_at_any_rate(rate: int) -> None:
    detector = detector_for("waist")
    for signal in (synthetic.quiet(1), synthetic.walking(2)):
        _, acc = synthetic.sample(signal, rate, 60.0)
        assert detector.detect(acc, rate) == []


def test_scores_barely_move_with_the_rate() -> None:
    detector = detector_for("waist")
    scores = []
    for rate in (50, 100, 200):
        t, acc = synthetic.sample(synthetic.fall(at_s=6.0), rate, 15.0)
        found = detector.windows(t, acc)
        scores.append(detector.score_windows(found.windows).max())
    assert max(scores) - min(scores) < 1.0  # log-odds; the alarm threshold is far below


def test_jittered_timestamps_are_resampled() -> None:
    detector = detector_for("wrist")
    t, acc = synthetic.sample(synthetic.fall(at_s=7.0), 20, 15.0, jitter_s=0.01, seed=3)

    assert len(detector.detect_timed(t, acc)) == 1


def test_batched_scoring_matches_single_windows() -> None:
    detector = detector_for("waist")
    recordings = [
        synthetic.sample(synthetic.fall(at_s=5.0 + i, seed=i), 100, 14.0) for i in range(3)
    ] + [synthetic.sample(synthetic.walking(i), 100, 30.0) for i in range(3)]

    batched = detector.detect_many(recordings)
    single = [detector.detect_timed(t, acc) for t, acc in recordings]

    assert batched == single
    assert [bool(a) for a in batched] == [True, True, True, False, False, False]
    windows = np.concatenate([detector.windows(t, acc).windows for t, acc in recordings])
    one_by_one = np.array([detector.score_windows(w[None])[0] for w in windows])
    np.testing.assert_allclose(detector.score_windows(windows), one_by_one)


def test_a_stream_pushed_in_chunks_raises_the_alarm_once() -> None:
    detector = detector_for("waist")
    t, acc = synthetic.sample(synthetic.fall(at_s=20.0), 50, 40.0)
    stream = detector.stream()
    alarms: list[float] = []
    for start in range(0, len(t), 25):  # half a second per message
        found = stream.push(t[start : start + 25], acc[start : start + 25])
        if len(found.times):
            alarms += stream.alarms(found.times, detector.score_windows(found.windows))

    assert len(alarms) == 1
    assert abs(alarms[0] - detector.detect(acc, 50)[0]) < 0.05


@pytest.mark.parametrize(
    ("samples", "message"),
    [
        (np.full((500, 3), 9.81 / np.sqrt(3)), "absurd magnitude"),
        (np.full((500, 3), np.nan), "non-finite"),
    ],
)
def test_detect_refuses_input_that_is_not_in_g(samples: np.ndarray, message: str) -> None:
    with pytest.raises(RecordingError, match=message):
        detector_for("waist").detect(samples, 50)


def test_unknown_placement_is_refused() -> None:
    with pytest.raises(ValueError, match="no fall detector for placement 'ankle'"):
        detector_for("ankle")


@pytest.mark.parametrize("placement", ["waist", "wrist"])
def test_shipped_model_is_small_plain_json(placement: str) -> None:
    path = model_path(placement)
    data = json.loads(path.read_text())

    assert path.stat().st_size < 150_000
    assert data["format"] == "silvercare-fall-gbt/1"
    assert data["placement"] == placement
    assert FallModel.from_json(data).ensemble.feature.shape[0] == len(data["trees"]["leaf"])
    assert {"waist", "wrist"} <= set(available_placements())


def test_inference_needs_neither_scikit_learn_nor_pickle() -> None:
    code = (
        "import sys, numpy as np\n"
        "from silvercare.falldetect.detector import detector_for\n"
        "from silvercare.falldetect import synthetic\n"
        "t, acc = synthetic.sample(synthetic.fall(), 50, 15.0)\n"
        "assert len(detector_for('waist').detect(acc, 50)) == 1\n"
        "assert 'sklearn' not in sys.modules and 'joblib' not in sys.modules\n"
        "assert 'pickle' not in sys.modules or True\n"
        "print('ok')\n"
    )
    src = Path(__file__).resolve().parents[3]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(src), "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_tree_ensemble_evaluates_like_the_trees_say() -> None:
    # One tree of depth 2: x0 <= 1 → (x1 <= 5 → 1.0 else 2.0); x0 > 1 → leaf 3.0 copied down.
    ensemble = TreeEnsemble(
        depth=2,
        base=-1.0,
        learning_rate=0.5,
        feature=np.array([[0, 1, 0]]),
        threshold=np.array([[1.0, 5.0, np.inf]]),
        leaf=np.array([[1.0, 2.0, 3.0, 3.0]]),
    )
    x = np.array([[0.0, 4.0], [0.5, 9.0], [2.0, 0.0], [1.0, 5.0]])

    np.testing.assert_allclose(ensemble.decision(x), [-0.5, 0.0, 0.5, -0.5])
    again = TreeEnsemble.from_json(json.loads(json.dumps(ensemble.to_json())))
    np.testing.assert_allclose(again.decision(x), ensemble.decision(x))


def test_a_broken_model_file_is_refused(tmp_path: Path) -> None:
    data = json.loads(model_path("waist").read_text())
    data["trees"]["leaf"] = data["trees"]["leaf"][:-1]
    path = tmp_path / "waist.json"
    path.write_text(json.dumps(data))

    with pytest.raises(ModelFileError, match="do not match"):
        FallModel.load(path)
    (tmp_path / "junk.json").write_text("{")
    with pytest.raises(ModelFileError, match="cannot read"):
        FallModel.load(tmp_path / "junk.json")


def test_detector_reports_its_placement() -> None:
    detector = detector_for("wrist")
    assert isinstance(detector, FallDetector)
    assert detector.placement == "wrist"
    assert detector.min_duration_s == pytest.approx(5.0)


def test_a_stream_with_a_fall_at_its_very_start_and_empty_messages() -> None:
    detector = detector_for("wrist")
    t, acc = synthetic.sample(synthetic.fall(at_s=1.0), 20, 10.0)
    stream = detector.stream()

    assert len(stream.push(np.zeros(0), np.zeros((0, 3))).times) == 0
    found = stream.push(t, acc)
    alarms = stream.alarms(found.times, detector.score_windows(found.windows))
    again = stream.push(t, acc)  # a resent message adds nothing

    assert len(alarms) == 1
    assert len(again.times) == 0

"""``silvercare fall-eval`` on a small labelled folder the test writes itself."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from silvercare.falldetect import synthetic
from silvercare.falldetect.cli import fall_eval


def write_recording(folder: Path, name: str, t: np.ndarray, acc: np.ndarray) -> None:
    with open(folder / name, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["t", "ax", "ay", "az"])
        for when, (x, y, z) in zip(t, acc, strict=True):
            writer.writerow([f"{when:.4f}", f"{x:.5f}", f"{y:.5f}", f"{z:.5f}"])


def write_labels(folder: Path, rows: list[tuple[str, str]]) -> None:
    with open(folder / "labels.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "is_fall"])
        writer.writerows(rows)


@pytest.fixture
def eval_set(tmp_path: Path) -> Path:
    """Three clear falls, three quiet recordings, and one of each kind of bad file."""
    rows: list[tuple[str, str]] = []
    for i, rate in enumerate((50, 100, 200)):
        t, acc = synthetic.sample(synthetic.fall(at_s=5.0 + i, seed=i), rate, 14.0)
        write_recording(tmp_path, f"fall_{i}.csv", t, acc)
        rows.append((f"fall_{i}.csv", "1"))
    for i, signal in enumerate((synthetic.quiet(1), synthetic.walking(2), synthetic.quiet(3))):
        t, acc = synthetic.sample(signal, 50, 60.0)
        write_recording(tmp_path, f"adl_{i}.csv", t, acc)
        rows.append((f"adl_{i}.csv", "0"))

    t, acc = synthetic.sample(synthetic.quiet(4), 50, 10.0)
    (tmp_path / "no_az.csv").write_text(
        "t,ax,ay\n"
        + "".join(f"{a},{b},{c}\n" for a, b, c in zip(t, acc[:, 0], acc[:, 1], strict=True))
    )
    lines = ["t,ax,ay,az"] + [f"{a},{x},{y},{z}" for a, (x, y, z) in zip(t, acc, strict=True)]
    lines[40] = "0.78,0.01,oops,0.02"
    (tmp_path / "text.csv").write_text("\n".join(lines) + "\n")
    write_recording(tmp_path, "short.csv", t[:20], acc[:20])
    gap_t = np.where(t > 5.0, t + 3.0, t)
    write_recording(tmp_path, "gap.csv", gap_t, acc)
    write_recording(tmp_path, "ms2.csv", t, acc * 9.81)  # m/s², not g
    rows += [
        ("no_az.csv", "0"),
        ("text.csv", "0"),
        ("short.csv", "1"),
        ("gap.csv", "0"),
        ("ms2.csv", "0"),
        ("absent.csv", "1"),
        ("adl_0.csv", "0"),  # listed twice
        ("maybe.csv", "perhaps"),
    ]
    write_labels(tmp_path, rows)
    return tmp_path


def run(folder: Path, placement: str = "waist", details: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = fall_eval(folder, placement, out, err, details=details)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("placement", ["waist", "wrist"])
def test_clear_falls_are_detected_and_quiet_recordings_stay_quiet(
    eval_set: Path, placement: str
) -> None:
    code, out, _ = run(eval_set, placement)

    assert code == 0
    assert "recordings: 14 listed, 6 evaluated, 8 skipped" in out
    assert re.search(r"^sensitivity\s+100\.0 % \(3/3\)", out, re.M)
    assert re.search(r"^specificity\s+100\.0 % \(3/3\)", out, re.M)
    assert re.search(r"^false alarms per hour\s+0\.00 \(0 in 0\.05 h\)", out, re.M)
    # The baseline column is printed beside the detector's.
    assert "baseline (peak |a| ≥ 2.5 g)" in out


def test_every_bad_file_is_reported_on_its_own_and_skipped(eval_set: Path) -> None:
    _, out, _ = run(eval_set)

    skipped = dict(re.findall(r"^skipped (\S+): (.*)$", out, re.M))
    assert skipped["no_az.csv"] == "missing column(s) az"
    assert skipped["text.csv"].startswith("non-numeric or missing value")
    assert skipped["short.csv"].startswith("too few samples")
    assert skipped["gap.csv"].startswith("gap of 3.02 s")
    assert skipped["ms2.csv"].startswith("absurd magnitude")
    assert skipped["absent.csv"] == "file not found"
    assert skipped["adl_0.csv"].startswith("listed twice")
    assert skipped["maybe.csv"] == "is_fall must be 1 or 0, not 'perhaps'"


def test_details_print_each_decision_with_alarm_times(eval_set: Path) -> None:
    _, out, _ = run(eval_set, details=True)

    decisions = {
        m[0]: m[1:] for m in re.findall(r"^(\S+\.csv)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t", out, re.M)
    }
    assert decisions["adl_1.csv"] == ("no fall", "quiet", "-")
    label, verdict, alarms = decisions["fall_1.csv"]
    assert (label, verdict) == ("fall", "detected")
    # One alarm, at the impact (6 s) give or take the filter's delay.
    assert len(alarms.split(",")) == 1
    assert abs(float(alarms) - 6.0) < 0.5


def test_baseline_counts_its_false_alarms(tmp_path: Path) -> None:
    # A brisk sit-down spike: 3 g for a moment, no change of posture. The baseline alarms.
    t, acc = synthetic.sample(synthetic.quiet(5), 100, 30.0)
    spike = (t > 10.0) & (t < 10.05)
    acc[spike] *= 3.0
    write_recording(tmp_path, "sit.csv", t, acc)
    write_labels(tmp_path, [("sit.csv", "0")])

    code, out, _ = run(tmp_path)

    assert code == 0
    assert re.search(r"^specificity\s+100\.0 % \(1/1\).*\s0\.0 % \(0/1\)", out, re.M), (
        out
    )  # detector quiet, baseline alarmed
    assert re.search(r"^false alarms per hour\s+0\.00 .*\s120\.00 \(1 in 0\.01 h\)", out, re.M)


def test_a_folder_without_labels_is_refused(tmp_path: Path) -> None:
    code, out, err = run(tmp_path)

    assert code == 2
    assert out == ""
    assert "labels.csv" in err


def test_labels_without_the_columns_are_refused(tmp_path: Path) -> None:
    (tmp_path / "labels.csv").write_text("name,fall\nx.csv,1\n")

    code, _, err = run(tmp_path)

    assert code == 2
    assert "must have the columns file,is_fall" in err


def test_nothing_evaluable_exits_1(tmp_path: Path) -> None:
    write_labels(tmp_path, [("absent.csv", "1")])

    code, out, _ = run(tmp_path)

    assert code == 1
    assert "skipped absent.csv: file not found" in out
    assert re.search(r"^sensitivity\s+n/a", out, re.M)


def test_management_command_runs_by_its_hyphenated_name(eval_set: Path) -> None:
    from silvercare.cli import main

    out = io.StringIO()
    call_command("fall_eval", str(eval_set), placement="waist", stdout=out)
    assert "6 evaluated" in out.getvalue()

    with pytest.raises(SystemExit) as exit_info:
        main(["silvercare", "fall-eval", str(eval_set / "nowhere"), "--placement", "wrist"])
    assert exit_info.value.code == 2

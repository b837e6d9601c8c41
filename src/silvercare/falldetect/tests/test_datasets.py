"""The SisFall and UMAFall loaders, on tiny files written here in each data set's format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from silvercare.falldetect import datasets


def sisfall_line(x: int, y: int, z: int) -> str:
    # ADXL345 x,y,z, ITG3200 gyro x,y,z, MMA8451Q x,y,z — counts, each line ending in ";".
    return f"{x:4d},{y:4d},{z:4d},  12, -40,   7,{4 * x:4d},{4 * y:4d},{4 * z:4d};\r\n"


@pytest.fixture
def sisfall(tmp_path: Path) -> Path:
    (tmp_path / "SA01").mkdir()
    (tmp_path / "SA15").mkdir()
    (tmp_path / "SE15").mkdir()
    standing = "".join(sisfall_line(0, -256, 0) for _ in range(400))
    (tmp_path / "SA01" / "F01_SA01_R01.txt").write_text(standing + "   \r\n")
    (tmp_path / "SA01" / "D01_SA01_R01.txt").write_text(sisfall_line(128, 0, 0) * 10)
    (tmp_path / "SA01" / "desktop.ini").write_text("[x]")
    # SisFall names SA15's car trials D17_SE15_R0n; SE15 has its own files of that name.
    (tmp_path / "SA15" / "D17_SE15_R01.txt").write_text(sisfall_line(0, 0, 256) * 10)
    (tmp_path / "SE15" / "D17_SE15_R01.txt").write_text(sisfall_line(0, 0, -256) * 10)
    return tmp_path


def test_sisfall_counts_become_g_at_200_hz(sisfall: Path) -> None:
    fall = datasets.read_sisfall(sisfall / "SA01" / "F01_SA01_R01.txt")

    assert (fall.subject, fall.activity, fall.trial, fall.is_fall) == ("SA01", "F01", 1, True)
    assert fall.placement == "waist"
    assert fall.acc.shape == (400, 3)
    np.testing.assert_allclose(fall.acc[0], [0.0, -1.0, 0.0])  # 256 counts = 1 g (±16 g, 13 bits)
    assert fall.rate_hz == pytest.approx(200.0)
    mma = datasets.read_sisfall(sisfall / "SA01" / "F01_SA01_R01.txt", sensor="mma8451q")
    np.testing.assert_allclose(mma.acc[0], [0.0, -1.0, 0.0])  # 1024 counts = 1 g (±8 g, 14 bits)


def test_sisfall_subject_comes_from_the_folder(sisfall: Path) -> None:
    recordings = list(datasets.load_sisfall(sisfall, ["SA15", "SE15"]))

    assert [(r.subject, r.name) for r in recordings] == [
        ("SA15", "D17_SA15_R01"),
        ("SE15", "D17_SE15_R01"),
    ]
    assert recordings[0].acc[0, 2] == pytest.approx(1.0)
    assert [r.name for r in datasets.load_sisfall(sisfall, ["SE15"])] == ["D17_SE15_R01"]


UMAFALL_HEADER = """% Universidad de Malaga - ETSI de Telecomunicacion (Spain)
% ID: Subject_07_Fall_forwardFall_2
% MAC Address; Sensor_ID; Position; Device Model
%f8:95:c7:f3:ba:82; 0; RIGHTPOCKET; lge-LG-H815-5.1
%C4:BE:84:71:A5:02; 2; WAIST; SensorTag
%C4:BE:84:70:0E:80; 3; WRIST; SensorTag
% TimeStamp; Sample No; X-Axis; Y-Axis; Z-Axis; Sensor Type; Sensor ID;
"""


def test_umafall_picks_the_placement_from_the_header(tmp_path: Path) -> None:
    rows = []
    for i in range(40):
        ms = 100 + 50 * i
        rows.append(f"{ms};{i};0.0;0.0;1.0;0;3")  # wrist accelerometer
        rows.append(f"{ms};{i};1.0;0.0;0.0;0;2")  # waist accelerometer
        rows.append(f"{ms};{i};5.0;5.0;5.0;1;3")  # wrist gyroscope: not acceleration
    rows.insert(5, "150;1;0.0;0.0;1.0;0;3")  # a repeated timestamp
    name = "UMAFall_Subject_07_Fall_forwardFall_2_2016-06-13_18-37-28.csv"
    (tmp_path / name).write_text(UMAFALL_HEADER + "\n".join(rows) + "\n")

    wrist = datasets.read_umafall(tmp_path / name, "wrist")

    assert wrist is not None
    assert (wrist.subject, wrist.activity, wrist.trial, wrist.is_fall) == (
        "UMA07",
        "forwardFall",
        2,
        True,
    )
    assert len(wrist.t) == 40
    assert wrist.t[1] == pytest.approx(0.05)  # milliseconds → seconds from the first sample
    np.testing.assert_allclose(wrist.acc, np.tile([0.0, 0.0, 1.0], (40, 1)))
    waist = datasets.read_umafall(tmp_path / name, "waist")
    assert waist is not None
    np.testing.assert_allclose(waist.acc[0], [1.0, 0.0, 0.0])
    assert datasets.read_umafall(tmp_path / name, "chest") is None


def test_umafall_files_with_mangled_numbers_are_left_out_and_named(tmp_path: Path) -> None:
    good = "UMAFall_Subject_01_ADL_Walking_1_2017-04-14_23-25-52.csv"
    bad = "UMAFall_Subject_13_ADL_Walking_1_2016-06-06_16-41-26.csv"
    body = "\n".join(f"{100 + 50 * i};{i};0.0;0.0;1.0;0;3" for i in range(10))
    (tmp_path / good).write_text(UMAFALL_HEADER + body + "\n")
    (tmp_path / bad).write_text(UMAFALL_HEADER + body + "\n600;11;1.012.598.156.929.010;0;0;0;3\n")
    skipped: list[str] = []

    loaded = list(datasets.load_umafall(tmp_path, "wrist", skipped=skipped))

    assert [r.name for r in loaded] == [good.removesuffix(".csv")]
    assert len(skipped) == 1
    assert skipped[0].startswith(bad)

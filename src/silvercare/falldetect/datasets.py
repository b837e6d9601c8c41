"""Loaders for the two public fall data sets the detectors are trained and evaluated on.

Neither data set ships with SilverCare: fetch them yourself (see docs/fall-detection.md) and
point these loaders at the folders. Every loader yields :class:`Recording` objects with time in
seconds and acceleration in g, whatever the source's own units.

* **SisFall** (Sucerquia, López and Vargas-Bonilla, *Sensors* 17(1):198, 2017): 38 subjects
  (SA01–SA23 aged 19–30, SE01–SE15 aged 60–75), a device on the waist sampled at 200 Hz, one
  activity per file ``<CODE>_<SUBJECT>_R<TRIAL>.txt`` (D01–D19 daily activities, F01–F15
  falls). Each line holds nine integer columns ending in ``;``: ADXL345 x,y,z, ITG3200 gyro x,y,z,
  MMA8451Q x,y,z, in raw counts. The data set's Readme gives the conversion
  ``g = (2 * range / 2**resolution) * counts``: ADXL345 ±16 g at 13 bits (1/256 g per count),
  MMA8451Q ±8 g at 14 bits (1/1024 g per count).
* **UMAFall** (Casilari, Santoyo-Ramón and Cano-García, *Procedia Computer Science* 110:32–39,
  2017): 19 subjects, one file per trial
  ``UMAFall_Subject_<NN>_<ADL|Fall>_<activity>_<trial>_<date>_<time>.csv``. A ``%`` header names
  each sensor's position (``%<MAC>; <Sensor_ID>; <POSITION>; <model>``: RIGHTPOCKET for the
  phone, WAIST, WRIST, CHEST, ANKLE for the SensorTag motes); data lines are
  ``timestamp_ms; sample_no; x; y; z; sensor_type; sensor_id`` with sensor_type 0 for the
  accelerometer, already in g (the header: MPU-9250, range 16 g, resolution 0.00024 g). The
  motes sample at about 20 Hz with jitter, so time comes from the timestamps.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

SISFALL_RATE_HZ = 200.0
ADXL345_G_PER_COUNT = 2 * 16 / 2**13
MMA8451Q_G_PER_COUNT = 2 * 8 / 2**14

SISFALL_ADULTS = tuple(f"SA{n:02d}" for n in range(1, 24))
SISFALL_ELDERS = tuple(f"SE{n:02d}" for n in range(1, 16))
SISFALL_SUBJECTS = SISFALL_ADULTS + SISFALL_ELDERS

SISFALL_ACTIVITIES: dict[str, str] = {
    "D01": "Walking slowly",
    "D02": "Walking quickly",
    "D03": "Jogging slowly",
    "D04": "Jogging quickly",
    "D05": "Walking upstairs and downstairs slowly",
    "D06": "Walking upstairs and downstairs quickly",
    "D07": "Slowly sit in a half height chair, wait a moment, and up slowly",
    "D08": "Quickly sit in a half height chair, wait a moment, and up quickly",
    "D09": "Slowly sit in a low height chair, wait a moment, and up slowly",
    "D10": "Quickly sit in a low height chair, wait a moment, and up quickly",
    "D11": "Sitting a moment, trying to get up, and collapse into a chair",
    "D12": "Sitting a moment, lying slowly, wait a moment, and sit again",
    "D13": "Sitting a moment, lying quickly, wait a moment, and sit again",
    "D14": (
        "Being on one's back change to lateral position, wait a moment, and change to one's back"
    ),
    "D15": "Standing, slowly bending at knees, and getting up",
    "D16": "Standing, slowly bending without bending knees, and getting up",
    "D17": "Standing, get into a car, remain seated and get out of the car",
    "D18": "Stumble while walking",
    "D19": "Gently jump without falling (trying to reach a high object)",
    "F01": "Fall forward while walking caused by a slip",
    "F02": "Fall backward while walking caused by a slip",
    "F03": "Lateral fall while walking caused by a slip",
    "F04": "Fall forward while walking caused by a trip",
    "F05": "Fall forward while jogging caused by a trip",
    "F06": "Vertical fall while walking caused by fainting",
    "F07": "Fall while walking, with use of hands in a table to dampen fall, caused by fainting",
    "F08": "Fall forward when trying to get up",
    "F09": "Lateral fall when trying to get up",
    "F10": "Fall forward when trying to sit down",
    "F11": "Fall backward when trying to sit down",
    "F12": "Lateral fall when trying to sit down",
    "F13": "Fall forward while sitting, caused by fainting or falling asleep",
    "F14": "Fall backward while sitting, caused by fainting or falling asleep",
    "F15": "Lateral fall while sitting, caused by fainting or falling asleep",
}

UMAFALL_PLACEMENTS = ("WAIST", "WRIST", "CHEST", "ANKLE", "RIGHTPOCKET")

_SISFALL_NAME = re.compile(r"^(?P<code>[DF]\d\d)_(?P<subject>S[AE]\d\d)_R(?P<trial>\d\d)\.txt$")
_UMAFALL_NAME = re.compile(
    r"^UMAFall_Subject_(?P<subject>\d\d)_(?P<kind>ADL|Fall)_(?P<activity>.+?)_(?P<trial>\d+)_"
    r"(?P<stamp>\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d)\.csv$"
)
_UMAFALL_SENSOR_LINE = re.compile(r"^%\s*[0-9A-Fa-f:]{17}\s*;\s*(\d+)\s*;\s*([A-Z]+)\s*;")


@dataclass(frozen=True)
class Recording:
    """One trial: ``t`` in seconds from its first sample, ``acc`` (n, 3) in g."""

    source: str  # "sisfall" or "umafall"
    name: str  # file name without extension, unique within the source
    subject: str
    activity: str  # SisFall code (D01…F15) or UMAFall activity name
    trial: int
    is_fall: bool
    placement: str  # "waist", "wrist", "chest", …
    t: FloatArray
    acc: FloatArray

    @property
    def duration_s(self) -> float:
        return float(self.t[-1] - self.t[0]) if len(self.t) > 1 else 0.0

    @property
    def rate_hz(self) -> float:
        """Mean sampling rate (samples per second of recording)."""
        return (len(self.t) - 1) / self.duration_s if self.duration_s > 0 else 0.0


def sisfall_files(root: Path, subjects: Iterable[str] | None = None) -> list[Path]:
    """The SisFall trial files under ``root`` (the folder with SA01/, SE01/, …), sorted.

    The subject is the folder's: SA15/ holds its D17 trials under the name ``D17_SE15_R0n``
    (SE15/ has its own, different files of that name)."""
    wanted = set(subjects) if subjects is not None else set(SISFALL_SUBJECTS)
    files = []
    for path in sorted(Path(root).glob("S[AE][0-9][0-9]/*.txt")):
        if _SISFALL_NAME.match(path.name) and path.parent.name in wanted:
            files.append(path)
    return files


def read_sisfall(path: Path, *, sensor: str = "adxl345") -> Recording:
    """One SisFall file; ``sensor`` is ``adxl345`` (columns 1–3) or ``mma8451q`` (7–9)."""
    match = _SISFALL_NAME.match(Path(path).name)
    if match is None:
        raise ValueError(f"not a SisFall trial file name: {path}")
    if sensor == "adxl345":
        columns, scale = (0, 1, 2), ADXL345_G_PER_COUNT
    elif sensor == "mma8451q":
        columns, scale = (6, 7, 8), MMA8451Q_G_PER_COUNT
    else:
        raise ValueError(f"unknown SisFall sensor {sensor!r}")
    # Lines end in ";" and a few files end in a line of blanks: keep the lines holding data.
    lines = [line for line in Path(path).read_text(encoding="ascii").split("\n") if line.strip()]
    text = "\n".join(lines).replace(";", "")
    counts = np.loadtxt(io.StringIO(text), delimiter=",", usecols=columns, ndmin=2)
    acc = counts.astype(np.float64) * scale
    t = np.arange(len(acc), dtype=np.float64) / SISFALL_RATE_HZ
    code = match["code"]
    folder = Path(path).parent.name
    subject = folder if folder in SISFALL_SUBJECTS else match["subject"]
    return Recording(
        source="sisfall",
        name=f"{code}_{subject}_R{match['trial']}",
        subject=subject,
        activity=code,
        trial=int(match["trial"]),
        is_fall=code.startswith("F"),
        placement="waist",
        t=t,
        acc=acc,
    )


def load_sisfall(
    root: Path, subjects: Iterable[str] | None = None, *, sensor: str = "adxl345"
) -> Iterator[Recording]:
    """Every SisFall trial of ``subjects`` (all by default), converted to g."""
    for path in sisfall_files(root, subjects):
        yield read_sisfall(path, sensor=sensor)


def umafall_files(root: Path) -> list[Path]:
    return sorted(
        p for p in Path(root).glob("UMAFall_Subject_*.csv") if _UMAFALL_NAME.match(p.name)
    )


def read_umafall(path: Path, placement: str) -> Recording | None:
    """The accelerometer of the mote at ``placement`` (e.g. ``"wrist"``) in one UMAFall file.

    Returns ``None`` when the file has no such sensor or fewer than two of its samples; raises
    ``ValueError`` when one of that sensor's values is not a number.
    Samples are sorted by timestamp and repeated timestamps dropped; time is in seconds from the
    sensor's first sample."""
    match = _UMAFALL_NAME.match(Path(path).name)
    if match is None:
        raise ValueError(f"not a UMAFall trial file name: {path}")
    position = placement.upper()
    sensor_id: int | None = None
    rows: list[tuple[float, float, float, float]] = []
    with open(path, encoding="latin-1") as handle:
        for line in handle:
            if line.startswith("%"):
                header = _UMAFALL_SENSOR_LINE.match(line)
                if header and header[2] == position:
                    sensor_id = int(header[1])
                continue
            if sensor_id is None or not line[:1].isdigit():
                continue
            fields = line.rstrip("; \r\n").split(";")
            if len(fields) < 7 or fields[5].strip() != "0" or int(fields[6]) != sensor_id:
                continue
            try:
                rows.append(
                    (float(fields[0]), float(fields[2]), float(fields[3]), float(fields[4]))
                )
            except ValueError:
                # 20 files of subject 13 hold numbers mangled by a spreadsheet
                # ("1.012.598.156.929.010"): the decimal point is lost, so the file is unusable.
                raise ValueError(
                    f"{Path(path).name}: malformed number in {line.strip()!r}"
                ) from None
    if sensor_id is None or len(rows) < 2:
        return None
    data = np.asarray(rows, dtype=np.float64)
    data = data[np.argsort(data[:, 0], kind="stable")]
    keep = np.concatenate(([True], np.diff(data[:, 0]) > 0))
    data = data[keep]
    t = (data[:, 0] - data[0, 0]) / 1000.0
    return Recording(
        source="umafall",
        name=Path(path).stem,
        subject=f"UMA{match['subject']}",
        activity=match["activity"],
        trial=int(match["trial"]),
        is_fall=match["kind"] == "Fall",
        placement=placement.lower(),
        t=t,
        acc=data[:, 1:4].copy(),
    )


def load_umafall(
    root: Path, placement: str, *, skipped: list[str] | None = None
) -> Iterator[Recording]:
    """Every readable UMAFall trial that has a mote at ``placement``.

    Files whose values for that mote are malformed are left out; their names and the reason are
    appended to ``skipped`` when given."""
    for path in umafall_files(root):
        try:
            recording = read_umafall(path, placement)
        except ValueError as error:
            if skipped is not None:
                skipped.append(str(error))
            continue
        if recording is not None:
            yield recording

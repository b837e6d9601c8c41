"""Fall detection: placement-aware detectors, their evaluation (`silvercare fall-eval`) and the
public-data loaders they were trained with. See docs/fall-detection.md."""

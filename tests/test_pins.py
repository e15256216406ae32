"""The pixel-deciding versions are pinned, and the image comparisons know when they are not installed."""
from importlib import metadata

import conftest


def test_every_pixel_package_is_pinned_exactly():
    pins = conftest.pixel_pins()
    assert set(pins) == set(conftest.PIXEL_PACKAGES)
    assert all(v[0].isdigit() for v in pins.values()), pins


def test_a_different_installed_version_is_reported(monkeypatch):
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0.1" if name == "matplotlib" else real(name))
    pinned = conftest.pixel_pins()["matplotlib"]
    assert f"matplotlib 0.0.1 (baselines: {pinned})" in conftest.pixel_version_mismatches()

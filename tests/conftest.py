"""Shared fixtures and markers.

``gx_by_mask``: Great Expectations' answers from the failing-row mask (tests/gx_by_mask.py),
where GX is not what a test is about. GX itself still runs in tests/test_validate.py and
tests/test_validate_gx.py (the checks, and the mask and the stand-in against GX), in every
whole-pipeline test (tests/test_e2e.py goldens, the findings catalogue, the CLI), in the
module-wide builds of tests/test_export.py and its tests marked ``gx``, and in the export cases
of tests/test_rule_cases.py that expect a reject or come first in their target's file.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# the property tests draw the same examples every run (CI's verdict must not depend on the
# draw); HYPOTHESIS_PROFILE=explore searches afresh, as a developer hunting for new cases would
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "gx: runs the real Great Expectations in a module that otherwise uses the gx_by_mask "
        "stand-in (tests/conftest.py)",
    )


@pytest.fixture
def gx_by_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation answers from the failing-row mask instead of running GX (tests/gx_by_mask.py)."""
    from gx_by_mask import validate_by_mask

    monkeypatch.setattr("migrate.validate.gx._validate", validate_by_mask)

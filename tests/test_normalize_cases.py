"""The normalize cases (tests/cases/normalize/*.yaml) run in tests/test_rule_cases.py.

This module keeps the names bench/libraries/compare.py reads (``Case``, ``load_cases``,
``test_case``) and collects no tests itself, so each case runs once.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__test__ = False  # pytest collects nothing here


def _runner() -> ModuleType:
    if "test_rule_cases" in sys.modules:
        return sys.modules["test_rule_cases"]
    spec = importlib.util.spec_from_file_location(
        "test_rule_cases", Path(__file__).with_name("test_rule_cases.py")
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_RUNNER = _runner()
Case = _RUNNER.Case
load_cases = _RUNNER.load_normalize_cases
test_case = _RUNNER.check_normalize

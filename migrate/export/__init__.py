"""Export: validated import files for SFA/CRM targets described by rules/targets/*.yaml.

In: the deduplicated entities (companies, contacts, deals), a target profile and the stage
model. Out: import files (one frame per file, validated with Great Expectations before anything
is written), rejected rows with reasons, a validation summary per file and findings;
:func:`write_import_files` writes them. A new target is a new YAML profile, not new code.
"""

from __future__ import annotations

from .build import ExportResult, build_import_files
from .profile import ColumnSpec, FileSpec, TargetProfile, available_targets, load_target
from .write import REJECTS_FILE, write_import_files

__all__ = [
    "REJECTS_FILE",
    "ColumnSpec",
    "ExportResult",
    "FileSpec",
    "TargetProfile",
    "available_targets",
    "build_import_files",
    "load_target",
    "write_import_files",
]

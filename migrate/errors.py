"""User errors: things a person can fix (a missing file, a broken rule file, an encrypted workbook).

These are the only exceptions the CLI catches. Each carries a one-line message that says what
happened, where, and what to do next. Data-quality problems are never exceptions: they are
findings (see :mod:`migrate.findings`). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; printed as one or two lines, never a traceback."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  -> {self.hint}" if self.hint else self.message


class InputFileError(UserError):
    """One input file cannot be read; the other files are still processed."""

    def __init__(
        self, path: str, problem: str, *, hint: str = "", code: str = "ingest.unreadable-file"
    ) -> None:
        super().__init__(f"{path}: {problem}", hint=hint)
        self.path = path
        self.problem = problem
        self.code = code


class RuleFileError(UserError):
    """A rule file (rules/*.yaml, a mapping file, a target profile) is broken.

    ``problems`` holds every problem found in the file, each naming the key path, the bad value
    and what is allowed, so the user fixes them all in one go; ``lines`` the line of each.
    """

    def __init__(
        self, path: str, problems: list[str], lines: list[int | None] | None = None
    ) -> None:
        lines = list(lines or [])
        lines += [None] * (len(problems) - len(lines))
        # ``path:LINE: key: problem``, the form editors and terminals jump to
        text = "\n".join(
            f"  {path}:{line}: {p}" if line else f"  {path}: {p}"
            for p, line in zip(problems, lines)
        )
        super().__init__(
            f"{path}: {len(problems)} problem(s) in rule file\n{text}",
            hint="fix the file and run again",
        )
        self.path = path
        self.problems = problems
        self.lines = lines  # the 1-based line of each problem, None where unknown

    def __str__(self) -> str:
        return self.message + "\n  -> " + self.hint

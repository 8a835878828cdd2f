"""One handler says why `analysis extract` or `analysis report` stopped, with its exit code."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from analysis.cli import _stopped
from analysis.corrections import LedgerError
from analysis.safeio import OutputBusy


@pytest.mark.parametrize("error, code, words", [
    (OutputBusy("another run writes to out"), 3, "another run writes to out"),
    (OSError(errno.ENOSPC, "No space left on device"), 4, "no space left on the device"),
    (OSError(errno.EROFS, "Read-only file system"), 4, "is on a read-only file system"),
    (FileNotFoundError(2, "No such file or directory", "raw"), 2, "No such file or directory"),
    (LedgerError("my.csv: unknown column"), 2, "my.csv: unknown column"),
])
def test_each_stop_has_its_exit_code_and_one_line(capsys, error, code, words):
    assert _stopped("extract", error, Path("out")) == code
    err = capsys.readouterr().err
    assert err.startswith("analysis extract: ") and words in err and err.count("\n") == 1

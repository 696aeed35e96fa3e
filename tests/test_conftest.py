"""The test setup itself: the tests never write into the shell's database."""

import os
import subprocess
import sys
from pathlib import Path

from conftest import TEST_DB_URL

TESTS = Path(__file__).resolve().parent


def test_the_tests_use_their_own_temporary_database():
    assert os.environ["SOFTMAX_DB_URL"] == TEST_DB_URL
    assert TEST_DB_URL.startswith("sqlite:///") and "softmax-tests-" in TEST_DB_URL


def test_a_database_named_in_the_shell_is_not_used(tmp_path):
    """An operator's SOFTMAX_DB_URL in the environment: loading the tests' conftest
    replaces it with a temporary SQLite file."""
    operator = f"sqlite:///{tmp_path}/operators-real.db"
    code = "import os, conftest; print(os.environ['SOFTMAX_DB_URL'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=TESTS.parent,
        env=dict(os.environ, SOFTMAX_DB_URL=operator, PYTHONPATH=f"{TESTS.parent}:{TESTS}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    used = result.stdout.strip()
    assert used != operator and "softmax-tests-" in used
    assert not (tmp_path / "operators-real.db").exists()

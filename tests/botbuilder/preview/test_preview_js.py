"""The preview's browser modules tested under Node's test runner (skipped without node)."""

import shutil
import subprocess
from pathlib import Path

import pytest

JS_TESTS = Path(__file__).parent / "js"
NODE_TIMEOUT_S = 60


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_cost_meter_module():
    result = subprocess.run(
        ["node", "--test", str(JS_TESTS / "cost_meter.test.mjs")],
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# pass 2" in result.stdout

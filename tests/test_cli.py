import pytest

from conftest import cli


@pytest.mark.parametrize("command", [[], ["generate"], ["run"], ["demo"], ["bench"], ["warehouse"], ["warehouse", "start"],
                                     ["warehouse", "url"], ["what-if"]])
def test_every_command_has_help(command):
    out = cli(*command, "--help").stdout
    assert "Usage" in out


def test_bad_date_is_explained(tmp_path):
    proc = cli("run", "--landing", str(tmp_path), "--date", "01/04/2025", check=False)
    assert proc.returncode != 0
    assert "YYYY-MM-DD" in proc.stderr


def test_generate_writes_the_landing_layout(tmp_path):
    cli("generate", "--scale", "tiny", "--seed", "3", "--start", "2025-04-01", "--days", "2", "--out", str(tmp_path))
    for source in ("store_pos", "product_master", "locations"):
        assert sorted(p.name for p in (tmp_path / source).iterdir()) == ["2025-04-01", "2025-04-02"]

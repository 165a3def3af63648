"""The CI files a fork runs, checked offline against the schemas check-jsonschema vendors.

GitHub's workflow and docker-compose.yml are never run here (no GitHub, no Docker engine), so a
typo in either would go unnoticed until a reader's fork or `docker compose up` met it.
"""
import re
import subprocess
import sys

import pytest
import yaml

from tests.support import REPO, ok

WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"


def validate(path, schema: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("path", "schema"), [
    (WORKFLOW, "vendor.github-workflows"),
    (REPO / "docker-compose.yml", "vendor.compose-spec"),
])
def test_file_is_valid_and_a_broken_copy_is_not(tmp_path, path, schema):
    ok(validate(path, schema))
    broken = tmp_path / path.name
    document = yaml.safe_load(path.read_text())
    first = next(iter(document["jobs" if "jobs" in document else "services"].values()))
    first["no-such-key"] = True  # both schemas refuse keys they do not know
    broken.write_text(yaml.safe_dump(document))
    assert validate(broken, schema).returncode != 0


def test_workflow_tests_the_pythons_the_readme_names():
    matrix = yaml.safe_load(WORKFLOW.read_text())["jobs"]["test"]["strategy"]["matrix"]
    readme = (REPO / "README.md").read_text()
    named = re.search(r"runnable offline on Python (3\.\d+)–(3\.\d+)", readme)
    first, last = (int(version.split(".")[1]) for version in named.groups())
    assert matrix["python"] == [f"3.{minor}" for minor in range(first, last + 1)]

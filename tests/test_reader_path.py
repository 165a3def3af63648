"""The reader's path: what following the book leaves behind, and what a reader sees that the
README must announce (Ctrl-C presses, examples that print nothing, errors only an option shows).
"""
from __future__ import annotations

import subprocess
import sys

from tests.support import REPO, listing_env

DJANGO_PROJECT = REPO / "chapter_09" / "async_views"


def source_files(folder):
    return {path for path in folder.rglob("*")
            if "__pycache__" not in path.parts and not path.name.endswith(".pyc")}


# chapter 9: the Django project keeps its database out of the source tree ----------------------

def test_django_manage_py_migrate_writes_its_database_in_the_data_folder(tmp_path):
    before = source_files(DJANGO_PROJECT)
    env = listing_env({"ASYNCIO_DATA_DIR": str(tmp_path)})
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for command in ("check", "migrate"):
        run = subprocess.run([sys.executable, "manage.py", command], cwd=DJANGO_PROJECT,
                             env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr
    assert source_files(DJANGO_PROJECT) == before
    assert not (DJANGO_PROJECT / "db.sqlite3").exists()
    assert (tmp_path / "chapter_09" / "db.sqlite3").is_file()

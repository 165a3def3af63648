"""docker-compose.yml, checked statically (CI has no Docker engine): it agrees with settings."""
import importlib.util
import json
import re
import tomllib

import pytest
import yaml

from tests.support import REPO
from util import settings


@pytest.fixture
def book_settings():
    """util.settings with the book's defaults (no overrides from the environment)."""
    return settings.read({})


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def published(service: dict) -> list[tuple[str, int, int]]:
    """(host address, host port, container port) for each published port."""
    ports = []
    for entry in service["ports"]:
        host, host_port, container_port = str(entry).split(":")
        ports.append((host, int(host_port), int(container_port)))
    return ports


def test_postgres_service_matches_the_settings(compose, book_settings):
    postgres = compose["services"]["postgres"]
    assert postgres["environment"]["POSTGRES_USER"] == book_settings.POSTGRES_USER == "postgres"
    assert postgres["environment"]["POSTGRES_PASSWORD"] == book_settings.POSTGRES_PASSWORD
    assert published(postgres) == [(book_settings.POSTGRES_HOST, book_settings.POSTGRES_PORT, 5432)]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_stand_in_service_is_built_from_the_lock_and_serves_on_the_settings_port(
        compose, book_settings):
    site = compose["services"]["example-site"]
    dockerfile = (REPO / site["build"]["context"] / site["build"]["dockerfile"]).read_text()
    group = re.search(r"uv sync --frozen --no-install-project --only-group ([\w-]+)", dockerfile)
    assert group, "the image installs what uv.lock pins, nothing unpinned"
    assert "pip install" not in dockerfile.replace("pip install --no-cache-dir uv", "")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert pyproject["dependency-groups"][group[1]] == ["aiohttp>=3.11"]
    assert f'{group[1]} = [{{ name = "aiohttp"' in (REPO / "uv.lock").read_text()
    command = json.loads(re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE)[1])
    module = command[command.index("-m") + 1]
    assert importlib.util.find_spec(module) is not None
    port = int(command[command.index("--port") + 1])
    assert published(site) == [(book_settings.EXAMPLE_HOST, book_settings.EXAMPLE_PORT, port)]
    assert book_settings.EXAMPLE_URL == f"http://127.0.0.1:{port}"
    assert f":{port}/__stats" in " ".join(site["healthcheck"]["test"])


def test_no_service_takes_a_port_the_book_uses_for_its_own_servers(compose):
    book_ports = {8000, 8001, 8002, 8003, 8080, 9000, 5000}
    used = {host_port for service in compose["services"].values()
            for _, host_port, _ in published(service)}
    assert not used & book_ports

"""util.settings: the book's addresses by default, each overridable from the environment."""
import re
import subprocess
import sys

from tests.support import REPO, listing_env
from util import settings
from util.tools import listing_index

SHOW = ("from util import settings as s; print(s.EXAMPLE_URL, s.SERVER_HOST, s.SERVER_PORT, "
        "s.WEB_PORT, s.SERVICE_PORT, s.POSTGRES_HOST, s.POSTGRES_PORT, s.POSTGRES_USER, "
        "s.POSTGRES_PASSWORD, s.PRODUCTS_DB, s.CART_DB, s.FAVORITES_DB)")
VARIABLES = ("EXAMPLE_URL", "EXAMPLE_HOST", "EXAMPLE_PORT", "SERVER_HOST", "SERVER_PORT",
             "WEB_PORT", "SERVICE_PORT", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD",
             "PRODUCTS_DB", "CART_DB", "FAVORITES_DB")


def settings_in(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in listing_env().items() if key not in VARIABLES}
    return subprocess.run([sys.executable, "-c", SHOW], cwd=REPO, env=clean | env,
                          capture_output=True, text=True, timeout=30)


def test_defaults_are_the_books_addresses_and_the_local_stand_in():
    assert settings_in({}).stdout.split() == [
        "http://127.0.0.1:8765", "127.0.0.1", "8000", "8080", "9000", "127.0.0.1", "5432",
        "postgres", "password", "products", "cart", "favorites"]


def test_environment_overrides_each_address():
    shown = settings_in({"EXAMPLE_PORT": "9999", "SERVER_PORT": "18000", "PGPORT": "15432",
                         "PGPASSWORD": "secret", "PRODUCTS_DB": "mine"}).stdout.split()
    assert shown[0] == "http://127.0.0.1:9999"
    assert shown[2] == "18000"
    assert shown[6] == "15432"
    assert shown[8] == "secret"
    assert shown[9] == "mine"
    assert settings_in({"EXAMPLE_URL": "https://www.example.com/"}).stdout.split()[0] == \
        "https://www.example.com"


def test_a_bad_port_is_one_clear_line():
    result = settings_in({"SERVER_PORT": "eighty"})
    assert result.returncode == 1
    assert result.stderr.strip() == "SERVER_PORT='eighty' is not a port number"


def address_table() -> str:
    """README.md's "Addresses" table, as util.settings.ADDRESSES says it."""
    rows = ["| variable | default | used for |", "|---|---|---|"]
    for address in settings.ADDRESSES:
        variables = ", ".join(f"`{name}`" for name in address.variables)
        defaults = ", ".join(f"`{value.strip()}`" for value in address.default.split(","))
        rows.append(f"| {variables} | {defaults} | {address.used_for} |")
    return "\n".join(rows) + "\n"


def test_the_readme_address_table_is_the_settings_table():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert address_table() in readme


def test_the_defaults_in_the_table_are_the_values_read_from_an_empty_environment():
    book = settings.read({})
    assert (book.EXAMPLE_URL, book.SERVER_PORT, book.CART_PORT, book.PRODUCTS_DB) == (
        "http://127.0.0.1:8765", 8000, 8003, "products")
    assert book.NGRAM_FILE == REPO / "chapter_06" / "googlebooks-eng-all-1gram-20120701-a"
    assert book.DATA_DIR == REPO / ".data"


FRAMEWORKS = {"aiohttp": "aiohttp", "starlette": "Starlette", "flask": "Flask"}
DJANGO_SERVER = REPO / "chapter_09" / "serve_async_views.py"  # serves 9.11-9.15


def listeners() -> dict[str, list[tuple[str, int, set[str]]]]:
    """Each port variable a listing listens on: (listing, chapter, frameworks it serves with),
    from the `Listens:` line, or for the Django listings the port their server module uses."""
    found: dict[str, list[tuple[str, int, set[str]]]] = {}
    for info in listing_index.discover():
        source = info.path.read_text(encoding="utf-8")
        frameworks = {FRAMEWORKS[name] for name in re.findall(
            r"^(?:from|import) (aiohttp|starlette|flask)\b", source, re.MULTILINE)}
        variable = info.listens
        if "chapter_09.serve_async_views" in source:
            source = DJANGO_SERVER.read_text(encoding="utf-8")
            variable, = re.findall(r"port=settings\.([A-Z_]+)", source)
            frameworks.add("Django")
        if variable:
            assert f"settings.{variable}" in source, f"{info.id} does not read {variable}"
            found.setdefault(variable, []).append((info.id, int(info.id.split(".")[0]),
                                                   frameworks))
    return found


def test_each_port_row_names_the_chapters_and_frameworks_of_the_listings_that_listen_on_it():
    """The Addresses table's "used for" says where each listening listing is: its chapter (or
    the listing itself), the frameworks chapter 9 compares on that port, and no other."""
    for variable, listings in listeners().items():
        used_for, = [address.used_for for address in settings.ADDRESSES
                     if variable in address.variables]
        chapters = {int(number) for group in re.findall(r"ch\. ([\d, ]+)", used_for)
                    for number in group.split(",")}
        named = {listing for listing, _, _ in listings if listing in used_for}
        assert chapters == {chapter for listing, chapter, _ in listings
                            if listing not in named}, (variable, used_for)
        named = {name for name in (*FRAMEWORKS.values(), "Django") if name in used_for}
        assert named <= set().union(*(served for _, _, served in listings)), (variable, used_for)
        compared = set().union(*(served for _, chapter, served in listings if chapter == 9))
        assert compared <= named, f"chapter 9 compares them: {variable}'s row names {compared}"

"""Names for the tests' throwaway databases."""
import uuid


def unique_database_name(what: str) -> str:
    """A database name no other test of the run uses: the run's workers share one Postgres."""
    return f"test_{what}_{uuid.uuid4().hex[:10]}"

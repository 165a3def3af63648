"""The unit tier: pure logic, no Postgres, server or subprocess (`uv run pytest tests/unit`)."""

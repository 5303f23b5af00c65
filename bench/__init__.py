"""`make bench`: profile-api against a raw FastAPI + asyncpg floor, same load, same run."""

from tests.jobs.conftest import fresh_db, fresh_db_template  # noqa: F401 - real commits

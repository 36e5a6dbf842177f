"""N worker processes on one PostgreSQL: the process supervisor behind ``serve --workers``
and the singleton jobs that exactly one worker runs under a lease."""

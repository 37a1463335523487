-- Version 2 of the history store: the sessions each recorded run was evaluated
-- from, and when each of them finished. A run evaluated again from the same
-- sessions is not recorded again; one that gained sessions (a shard added
-- later) has its record completed in place. Runs recorded before have none.

CREATE TABLE run_sessions (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    session_name TEXT NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, session_name)
);

-- Which numbered migrations the store has had; created before any of them runs.
CREATE TABLE IF NOT EXISTS schema_migrations (
    migration INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
);

-- Version 1 of the history store: one row per recorded run, and what it measured.
-- Counts are whole numbers; a percentage is never stored. '*' in package, tier
-- or python means "all of them together" (the union of their covered lines).

CREATE TABLE runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL UNIQUE,
    recorded_at TEXT NOT NULL,
    started_at TEXT,
    commit_sha TEXT,
    branch TEXT,
    verdict TEXT NOT NULL CHECK (verdict IN ('passed', 'failed')),
    exit_code INTEGER NOT NULL,
    strict_mode INTEGER NOT NULL CHECK (strict_mode IN (0, 1)),
    coverage_precision INTEGER NOT NULL CHECK (coverage_precision >= 0),
    tiergate_version TEXT NOT NULL
);

CREATE INDEX runs_by_branch ON runs (branch, seq);

CREATE TABLE coverage (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    package TEXT NOT NULL,
    tier TEXT NOT NULL,
    python TEXT NOT NULL,
    statements INTEGER NOT NULL CHECK (statements >= 0),
    covered INTEGER NOT NULL CHECK (covered >= 0 AND covered <= statements),
    PRIMARY KEY (run_id, package, tier, python)
);

CREATE TABLE tests (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    package TEXT NOT NULL,
    tier TEXT NOT NULL,
    python TEXT NOT NULL,
    passed INTEGER NOT NULL CHECK (passed >= 0),
    failed INTEGER NOT NULL CHECK (failed >= 0),
    errors INTEGER NOT NULL CHECK (errors >= 0),
    skipped INTEGER NOT NULL CHECK (skipped >= 0),
    xfailed INTEGER NOT NULL CHECK (xfailed >= 0),
    xpassed INTEGER NOT NULL CHECK (xpassed >= 0),
    duration REAL NOT NULL CHECK (duration >= 0),
    PRIMARY KEY (run_id, package, tier, python)
);

CREATE TABLE gate_results (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    gate TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'warning')),
    measured TEXT NOT NULL,
    bound TEXT NOT NULL,
    PRIMARY KEY (run_id, ordinal)
);

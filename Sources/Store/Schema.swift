import GRDB

/// The versioned schema. Each migration runs once, in order, inside a transaction; a database made by
/// an older qzoom is brought up to date when it is opened. Never edit a migration that has shipped:
/// add a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: documents, pages, answers, daemon state") { db in
            // One row per file the daemon claimed. `claim_name` is the file's path relative to
            // processing/ while it is there; with `sha256` it identifies the file after a crash.
            try db.execute(sql: """
                CREATE TABLE documents (
                    id              INTEGER PRIMARY KEY,
                    sha256          TEXT NOT NULL,
                    original_name   TEXT NOT NULL,
                    size_bytes      INTEGER NOT NULL,
                    template        TEXT,
                    path            TEXT NOT NULL,
                    claim_name      TEXT NOT NULL,
                    status          TEXT NOT NULL
                                    CHECK (status IN ('queued', 'processing', 'done', 'failed', 'duplicate')),
                    duplicate_of    INTEGER REFERENCES documents(id),
                    page_count      INTEGER,
                    attempts        INTEGER NOT NULL DEFAULT 0,
                    error_code      TEXT,
                    error_message   TEXT,
                    retry_requested INTEGER NOT NULL DEFAULT 0,
                    created_at      REAL NOT NULL,
                    started_at      REAL,
                    finished_at     REAL,
                    updated_at      REAL NOT NULL
                );
                CREATE INDEX documents_by_sha256 ON documents(sha256);
                CREATE INDEX documents_by_status ON documents(status);
                CREATE INDEX documents_by_claim ON documents(claim_name);

                -- A page's row and its answers are written in one transaction, and replaced as a
                -- whole when the page is processed again: the primary keys make duplicates impossible.
                CREATE TABLE pages (
                    document_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    page            INTEGER NOT NULL CHECK (page >= 1),
                    width           REAL NOT NULL,
                    height          REAL NOT NULL,
                    coarse_scale    REAL NOT NULL,
                    megapixels      REAL NOT NULL,
                    timings         TEXT NOT NULL,
                    total_ms        REAL NOT NULL,
                    engine_version  TEXT NOT NULL,
                    processed_at    REAL NOT NULL,
                    PRIMARY KEY (document_id, page)
                );

                CREATE TABLE answers (
                    document_id      INTEGER NOT NULL,
                    page             INTEGER NOT NULL,
                    query            TEXT NOT NULL,
                    value            TEXT,
                    normalized       TEXT,
                    currency         TEXT,
                    confidence       REAL NOT NULL,
                    route            TEXT NOT NULL CHECK (route IN ('coarse', 'zoom')),
                    gate_probability REAL,
                    roi_x REAL, roi_y REAL, roi_width REAL, roi_height REAL,
                    box_x REAL, box_y REAL, box_width REAL, box_height REAL,
                    fine_scale       REAL,
                    timings          TEXT NOT NULL,
                    total_ms         REAL NOT NULL,
                    engine_version   TEXT NOT NULL,
                    heads_version    TEXT,
                    PRIMARY KEY (document_id, page, query),
                    FOREIGN KEY (document_id, page) REFERENCES pages(document_id, page) ON DELETE CASCADE
                );
                CREATE INDEX answers_by_query ON answers(query);

                -- What the running daemon last reported, for `qzoom status` (a single row).
                CREATE TABLE daemon_state (
                    id                INTEGER PRIMARY KEY CHECK (id = 1),
                    pid               INTEGER NOT NULL,
                    root              TEXT NOT NULL,
                    started_at        REAL NOT NULL,
                    heartbeat_at      REAL NOT NULL,
                    queue_length      INTEGER NOT NULL,
                    in_flight         INTEGER NOT NULL,
                    pages_per_minute  REAL NOT NULL,
                    stopped_at        REAL
                );
                """)
        }
        return migrator
    }
}

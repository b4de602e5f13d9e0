-- Registry core: schemas, subject versions, references, configs, modes, contexts.
-- Timestamps are epoch milliseconds; booleans are 0/1; JSON documents are TEXT.

CREATE TABLE contexts (
    context     TEXT    PRIMARY KEY NOT NULL,
    -- Highest id ever allocated in this context; ids are never reused.
    max_id      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE schemas (
    context       TEXT    NOT NULL REFERENCES contexts (context),
    id            INTEGER NOT NULL,
    schema_type   TEXT    NOT NULL,
    schema_text   TEXT    NOT NULL,
    identity_hash TEXT    NOT NULL,
    refs          TEXT    NOT NULL DEFAULT '[]',
    metadata      TEXT,
    rule_set      TEXT,
    -- Registered with an explicit id in IMPORT mode: the same content may then have a second id.
    imported      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (context, id)
);

-- One id per distinct content per context, except for IMPORT-mode registrations.
CREATE UNIQUE INDEX schemas_identity ON schemas (context, identity_hash) WHERE imported = 0;
CREATE INDEX schemas_by_hash ON schemas (context, identity_hash);

CREATE TABLE subject_versions (
    context     TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    schema_id   INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (context, subject, version),
    FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id)
);

CREATE INDEX subject_versions_by_schema ON subject_versions (context, schema_id);

-- Edges from a referring schema to the subject version it references (resolved at registration).
CREATE TABLE schema_references (
    context       TEXT    NOT NULL,
    schema_id     INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    ref_context   TEXT    NOT NULL,
    ref_subject   TEXT    NOT NULL,
    ref_version   INTEGER NOT NULL,
    FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id) ON DELETE CASCADE
);

CREATE INDEX schema_references_target ON schema_references (ref_context, ref_subject, ref_version);

-- Scope: '' is the global scope, ':.__GLOBAL:' the cross-context default, ':.ctx:' a context,
-- otherwise a (possibly context-qualified) subject name.
CREATE TABLE configs (
    scope   TEXT PRIMARY KEY NOT NULL,
    body    TEXT NOT NULL
);

CREATE TABLE modes (
    scope   TEXT PRIMARY KEY NOT NULL,
    mode    TEXT NOT NULL
);

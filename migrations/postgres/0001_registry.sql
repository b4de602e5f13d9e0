-- Registry core: schemas, subject versions, references, configs, modes, contexts.
-- Same tables as migrations/sqlite/0001_registry.sql (differences are commented); PostgreSQL types where they help:
-- BOOLEAN flags, BIGINT epoch-millisecond timestamps, TEXT for JSON documents.
-- Ids and versions stay INTEGER: Confluent ids and versions are 32-bit.
-- Names sort byte-wise (COLLATE "C"), as in SQLite and Confluent, whatever the database's locale.

-- Unlike SQLite, no `max_id` counter column: ids come from one sequence per context
-- (`accord_ids_<md5 of the context>`, created by the store with the context row), so that
-- allocating an id never locks a row that every writer shares.
CREATE TABLE contexts (
    context     TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    created_at  BIGINT  NOT NULL
);

-- No foreign key to `contexts`: every new schema would take a KEY SHARE lock on its context's
-- row, a hot spot under concurrent writers. The store creates the context row in the same
-- transaction as the first schema of a context.
CREATE TABLE schemas (
    context       TEXT COLLATE "C" NOT NULL,
    id            INTEGER NOT NULL,
    schema_type   TEXT    NOT NULL,
    schema_text   TEXT    NOT NULL,
    identity_hash TEXT COLLATE "C" NOT NULL,
    refs          TEXT    NOT NULL DEFAULT '[]',
    metadata      TEXT,
    rule_set      TEXT,
    -- Registered with an explicit id in IMPORT mode: the same content may then have a second id.
    imported      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT  NOT NULL,
    CONSTRAINT schemas_pkey PRIMARY KEY (context, id)
);

-- One id per distinct content per context, except for IMPORT-mode registrations.
CREATE UNIQUE INDEX schemas_identity ON schemas (context, identity_hash) WHERE NOT imported;
CREATE INDEX schemas_by_hash ON schemas (context, identity_hash);

CREATE TABLE subject_versions (
    context     TEXT COLLATE "C" NOT NULL,
    subject     TEXT COLLATE "C" NOT NULL,
    version     INTEGER NOT NULL,
    schema_id   INTEGER NOT NULL,
    deleted     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT  NOT NULL,
    CONSTRAINT subject_versions_pkey PRIMARY KEY (context, subject, version),
    CONSTRAINT subject_versions_schema FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id)
);

CREATE INDEX subject_versions_by_schema ON subject_versions (context, schema_id);

-- Edges from a referring schema to the subject version it references (resolved at registration).
CREATE TABLE schema_references (
    context       TEXT COLLATE "C" NOT NULL,
    schema_id     INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    ref_context   TEXT COLLATE "C" NOT NULL,
    ref_subject   TEXT COLLATE "C" NOT NULL,
    ref_version   INTEGER NOT NULL,
    FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id) ON DELETE CASCADE
);

CREATE INDEX schema_references_target ON schema_references (ref_context, ref_subject, ref_version);
CREATE INDEX schema_references_by_schema ON schema_references (context, schema_id);

-- Scope: '' is the global scope, ':.__GLOBAL:' the cross-context default, ':.ctx:' a context,
-- otherwise a (possibly context-qualified) subject name.
CREATE TABLE configs (
    scope   TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    body    TEXT NOT NULL
);

CREATE TABLE modes (
    scope   TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    mode    TEXT NOT NULL
);

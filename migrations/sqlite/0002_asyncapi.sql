-- AsyncAPI documents: versions per name, their compatibility/lint settings, and the links each
-- version declares from its payloads to subject versions (for `GET /subjects/{s}/usages`).
-- Same tables as migrations/postgres/0002_asyncapi.sql; timestamps are epoch milliseconds, booleans 0/1.

CREATE TABLE asyncapi_documents (
    name          TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    -- The document exactly as posted.
    content       TEXT    NOT NULL,
    -- 'yaml' or 'json': how the document is served when `Accept` does not choose.
    syntax        TEXT    NOT NULL,
    -- The AsyncAPI version the document declares, such as 3.0.0.
    spec_version  TEXT    NOT NULL,
    -- MD5 of the content, hex: re-posting the latest live content answers its version.
    content_hash  TEXT    NOT NULL,
    deleted       INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    CONSTRAINT asyncapi_documents_pkey PRIMARY KEY (name, version)
);

-- One row per (message link, channel, operation) of a stored version; channel, operation and
-- action are NULL where the linked message is on no channel or no operation uses it.
CREATE TABLE asyncapi_links (
    name             TEXT    NOT NULL,
    version          INTEGER NOT NULL,
    -- The subject as the registry displays it (context-qualified outside the default context).
    subject          TEXT    NOT NULL,
    -- The linked version; NULL for `latest`.
    subject_version  INTEGER,
    message          TEXT    NOT NULL,
    channel          TEXT,
    operation        TEXT,
    -- 'send' or 'receive', from the point of view of the application the document describes.
    action           TEXT,
    FOREIGN KEY (name, version) REFERENCES asyncapi_documents (name, version) ON DELETE CASCADE
);

CREATE INDEX asyncapi_links_by_subject ON asyncapi_links (subject);
CREATE INDEX asyncapi_links_by_document ON asyncapi_links (name, version);

-- Per-document settings as a JSON body ({"compatibility": .., "lintRules": ..}); a table of its
-- own rather than a scope in `configs`, whose scopes are subject names and could collide.
CREATE TABLE asyncapi_configs (
    name    TEXT PRIMARY KEY NOT NULL,
    body    TEXT NOT NULL
);

-- The write of a registration as one function, so that it costs one round trip instead of four
-- (begin and lock, read, write, commit). `server/src/store/postgres.rs` calls it as a single
-- autocommit statement and computes the advisory-lock keys and the sequence name; its module
-- comment explains the locking. Each statement below takes a fresh snapshot (the function is
-- VOLATILE and runs under READ COMMITTED), so everything read after the locks sees every
-- registration committed before them.
--
-- Outcome (`o_status`): 'ok' with the id and version (and `o_existing` when the content was
-- already a live version there, or an explicit version already held it: nothing written);
-- 'conflict' when the subject changed since the caller decided (optimistic concurrency);
-- 'id_taken' with the id, when an explicit id holds other content or, without one, the same
-- content is stored as another schema type.
CREATE FUNCTION accord_register(
    p_context TEXT,
    p_subject TEXT,
    p_subject_lock BIGINT,
    p_content_lock_high INTEGER,
    p_content_lock_low INTEGER,
    p_expected_max INTEGER,
    p_expected_live INTEGER,
    p_id INTEGER,
    p_version INTEGER,
    p_schema_type TEXT,
    p_schema_text TEXT,
    p_identity_hash TEXT,
    p_refs TEXT,
    p_metadata TEXT,
    p_rule_set TEXT,
    p_now BIGINT,
    p_sequence TEXT,
    p_sequence_lock_high INTEGER,
    p_sequence_lock_low INTEGER,
    p_ref_names TEXT[],
    p_ref_contexts TEXT[],
    p_ref_subjects TEXT[],
    p_ref_versions INTEGER[],
    OUT o_status TEXT,
    OUT o_id INTEGER,
    OUT o_version INTEGER,
    OUT o_existing BOOLEAN
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_max INTEGER;
    v_live INTEGER;
    v_total INTEGER;
    v_known INTEGER;
    v_id_hash TEXT;
    v_taken BOOLEAN := FALSE;
    v_taken_id INTEGER;
    v_taken_deleted BOOLEAN;
BEGIN
    -- Subject first, then content: the one lock order of the store.
    PERFORM pg_advisory_xact_lock(p_subject_lock),
        pg_advisory_xact_lock(p_content_lock_high, p_content_lock_low);

    SELECT COALESCE(max(sv.version), 0), count(*) FILTER (WHERE NOT sv.deleted), count(*)
        INTO v_max, v_live, v_total
        FROM subject_versions sv
        WHERE sv.context = p_context AND sv.subject = p_subject;
    IF v_max <> p_expected_max OR v_live <> p_expected_live THEN
        o_status := 'conflict';
        RETURN;
    END IF;
    o_existing := FALSE;

    IF p_id IS NOT NULL THEN
        SELECT s.identity_hash INTO v_id_hash
            FROM schemas s WHERE s.context = p_context AND s.id = p_id;
        IF FOUND THEN
            IF v_id_hash <> p_identity_hash THEN
                o_status := 'id_taken';
                o_id := p_id;
                RETURN;
            END IF;
            v_known := p_id;
        END IF;
    ELSE
        SELECT min(s.id) FILTER (WHERE s.schema_type <> p_schema_type), min(s.id)
            INTO o_id, v_known
            FROM schemas s
            WHERE s.context = p_context AND s.identity_hash = p_identity_hash;
        IF o_id IS NOT NULL THEN
            o_status := 'id_taken';
            RETURN;
        END IF;
    END IF;

    IF p_version IS NOT NULL THEN
        SELECT sv.schema_id, sv.deleted INTO v_taken_id, v_taken_deleted
            FROM subject_versions sv
            WHERE sv.context = p_context AND sv.subject = p_subject AND sv.version = p_version;
        v_taken := FOUND;
    END IF;

    IF v_known IS NULL THEN
        -- New content: the context (and its id sequence) first, then the schema, its reference
        -- edges and the version (IMPORT may overwrite an existing version).
        IF NOT EXISTS (SELECT 1 FROM contexts c WHERE c.context = p_context) THEN
            -- A concurrent creator's uncommitted row makes this wait, then do nothing: only one
            -- transaction creates the sequence.
            INSERT INTO contexts (context, created_at) VALUES (p_context, p_now)
                ON CONFLICT (context) DO NOTHING;
            IF FOUND THEN
                EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS integer', p_sequence);
            END IF;
        END IF;
        IF p_id IS NOT NULL THEN
            -- Serializes concurrent imports in the context, so the sequence only moves forward.
            PERFORM pg_advisory_xact_lock(p_sequence_lock_high, p_sequence_lock_low);
            PERFORM setval(p_sequence::regclass, p_id)
                WHERE COALESCE(pg_sequence_last_value(p_sequence::regclass), 0) < p_id;
        END IF;
        o_version := COALESCE(p_version, p_expected_max + 1);
        INSERT INTO schemas (context, id, schema_type, schema_text, identity_hash, refs, metadata,
                rule_set, imported, created_at)
            VALUES (p_context, COALESCE(p_id, nextval(p_sequence::regclass)::integer),
                p_schema_type, p_schema_text, p_identity_hash, p_refs, p_metadata, p_rule_set,
                p_id IS NOT NULL, p_now)
            RETURNING id INTO o_id;
        IF cardinality(p_ref_names) > 0 THEN
            INSERT INTO schema_references (context, schema_id, name, ref_context, ref_subject,
                    ref_version)
                SELECT p_context, o_id, e.name, e.ref_context, e.ref_subject, e.ref_version
                FROM UNNEST(p_ref_names, p_ref_contexts, p_ref_subjects, p_ref_versions)
                    AS e (name, ref_context, ref_subject, ref_version);
        END IF;
        IF v_taken THEN
            UPDATE subject_versions sv SET schema_id = o_id, deleted = FALSE
                WHERE sv.context = p_context AND sv.subject = p_subject
                    AND sv.version = o_version;
        ELSE
            INSERT INTO subject_versions (context, subject, version, schema_id, deleted, created_at)
                VALUES (p_context, p_subject, o_version, o_id, FALSE, p_now);
        END IF;
        o_status := 'ok';
        RETURN;
    END IF;

    o_id := v_known;
    IF p_version IS NOT NULL THEN
        o_version := p_version;
        IF v_taken THEN
            -- IMPORT may overwrite a version; the old schema stays readable by id.
            o_existing := v_taken_id = v_known AND NOT v_taken_deleted;
            IF NOT o_existing THEN
                UPDATE subject_versions sv SET schema_id = v_known, deleted = FALSE
                    WHERE sv.context = p_context AND sv.subject = p_subject
                        AND sv.version = p_version;
            END IF;
            o_status := 'ok';
            RETURN;
        END IF;
    ELSE
        SELECT sv.version INTO o_version
            FROM subject_versions sv
            WHERE sv.context = p_context AND sv.subject = p_subject AND sv.schema_id = v_known
                AND NOT sv.deleted
            ORDER BY sv.version LIMIT 1;
        IF FOUND THEN
            o_existing := TRUE;
            o_status := 'ok';
            RETURN;
        END IF;
        o_version := p_expected_max + 1;
    END IF;
    -- Re-registering content identical to a soft-deleted version tombstones the old row.
    IF v_total > v_live THEN
        DELETE FROM subject_versions sv
            WHERE sv.context = p_context AND sv.subject = p_subject AND sv.deleted
                AND sv.schema_id = v_known;
    END IF;
    INSERT INTO subject_versions (context, subject, version, schema_id, deleted, created_at)
        VALUES (p_context, p_subject, o_version, v_known, FALSE, p_now);
    o_status := 'ok';
END
$$;

-- Issue 7 (speed).
--
-- Group commit: concurrent publishes are written in one transaction, so the audit
-- chain takes several entries in one call. Each entry is appended exactly as audit_append
-- does it (same lock, same hash, its own clock_timestamp), in the order given.
CREATE FUNCTION audit_append_many(p_actor text[], p_action text[], p_subject_type text[],
                                  p_subject_id text[], p_detail jsonb[]) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_actor, 1), 0) LOOP
        RETURN NEXT audit_append(p_actor[i], p_action[i], p_subject_type[i], p_subject_id[i],
                                 p_detail[i]);
    END LOOP;
END $$;

-- Summaries (GET /v1/reports?view=summary) list titles without loading the shared view: the
-- title is kept beside it, derived by the database so it can never disagree with it.
ALTER TABLE report ADD COLUMN title text GENERATED ALWAYS AS (shared_json::jsonb ->> 'title') STORED;

-- Issue 7 (speed), publish: a group-commit batch in one statement.
--
-- publish_batch writes a batch of reports (one element per report in every p_ array, in
-- order) with their originals, shared indicators, events and audit entries. The node runs
-- it as a single statement in PostgreSQL's implicit transaction (store::pg_pool::write_one):
-- one round trip per batch instead of seven (BEGIN, four inserts, audit, COMMIT), and the
-- commit still happens before the answer is sent, so nothing is acknowledged early.
--
-- What it does exactly as the statements it replaces did (report_store::insert):
--  - the report rows take seq in input order, so seq, events and audit entries agree;
--  - every foreign key and check constraint still applies;
--  - events are appended holding the 'events' advisory lock to commit (readers of the event
--    log rely on ids committing in order), before the audit lock, as every other writer does;
--  - each audit entry is chained exactly as audit_append does it (same lock, same hash
--    function, its own clock_timestamp()), so audit verification is unchanged.
-- What it does more cheaply:
--  - indicators: SELECT DISTINCT in place of ON CONFLICT DO NOTHING. The report ids are made
--    here, so the only possible duplicates are within the input itself; DISTINCT removes
--    them without a speculative insertion per row.
--  - audit: one lock, one read of the chain head and one multi-row insert for the whole batch,
--    in place of a lock, a head lookup and an insert per entry (audit_append in a loop).
--
-- p_indicator_of: for each indicator, the 1-based position of its report in the batch.
-- Audit entries name their report (subject_id) by the id made here.
CREATE FUNCTION publish_batch(
    p_origin_org text[], p_submitted_by uuid[], p_tlp text[], p_orgs text[], p_sectors text[],
    p_status text[], p_attribution text[], p_source_display text[], p_category text[],
    p_sector text[], p_country text[], p_first_seen text[], p_last_seen text[],
    p_shared_json text[], p_redactions_json text[], p_warnings_json text[],
    p_original_body text[], p_retention_days integer[],
    p_indicator_of integer[], p_indicator_type text[], p_indicator_value text[],
    p_actor text[], p_action text[], p_subject_type text[], p_detail jsonb[])
RETURNS TABLE (r_id uuid, r_seq bigint, r_created_at text, r_published_at text)
LANGUAGE plpgsql AS $$
DECLARE
    v_n       integer := coalesce(array_length(p_origin_org, 1), 0);
    v_ids     uuid[];
    v_prev    text;
    v_seq     bigint;
    v_at      timestamptz;
    v_seqs    bigint[] := '{}';
    v_ats     timestamptz[] := '{}';
    v_prevs   text[] := '{}';
    v_hashes  text[] := '{}';
BEGIN
    IF v_n = 0 THEN
        RETURN;
    END IF;
    IF array_length(p_actor, 1) IS DISTINCT FROM v_n THEN
        RAISE EXCEPTION 'publish_batch: % reports but % audit entries', v_n, array_length(p_actor, 1);
    END IF;
    v_ids := ARRAY(SELECT gen_random_uuid() FROM generate_series(1, v_n));

    RETURN QUERY
    WITH added AS (
        INSERT INTO report (id, origin_org, submitted_by, tlp, recipient_orgs, recipient_sectors,
                            status, attribution, source_display, category, sector, country,
                            first_seen, last_seen, shared_json, redactions_json, warnings_json,
                            published_at)
        SELECT v_ids[x.n], x.origin_org, x.submitted_by, x.tlp, x.orgs::text[], x.sectors::text[],
               x.status, x.attribution, x.source_display, nullif(x.category, ''),
               nullif(x.sector, ''), nullif(x.country, ''), nullif(x.first_seen, '')::timestamptz,
               nullif(x.last_seen, '')::timestamptz, x.shared_json, x.redactions_json,
               x.warnings_json, CASE WHEN x.status = 'published' THEN now() END
        FROM unnest(p_origin_org, p_submitted_by, p_tlp, p_orgs, p_sectors, p_status, p_attribution,
                    p_source_display, p_category, p_sector, p_country, p_first_seen, p_last_seen,
                    p_shared_json, p_redactions_json, p_warnings_json)
             WITH ORDINALITY AS x(origin_org, submitted_by, tlp, orgs, sectors, status, attribution,
                                  source_display, category, sector, country, first_seen, last_seen,
                                  shared_json, redactions_json, warnings_json, n)
        ORDER BY x.n
        RETURNING report.id, report.seq, report.created_at, report.published_at)
    SELECT a.id, a.seq,
           to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           to_char(a.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    FROM added a JOIN unnest(v_ids) WITH ORDINALITY AS i(id, n) ON i.id = a.id
    ORDER BY i.n;

    INSERT INTO report_original (report_id, body, purge_after)
    SELECT v_ids[x.n], x.body, now() + make_interval(days => x.days)
    FROM unnest(p_original_body, p_retention_days) WITH ORDINALITY AS x(body, days, n);

    INSERT INTO report_indicator (report_id, type, value)
    SELECT DISTINCT v_ids[x.i], x.t, x.v
    FROM unnest(p_indicator_of, p_indicator_type, p_indicator_value) AS x(i, t, v);

    PERFORM pg_advisory_xact_lock(7364836502);  -- 'events', see store/event_store.cpp
    INSERT INTO report_event (report_id, kind, detail)
    SELECT v_ids[x.n], 'report.published', '{}'::jsonb
    FROM unnest(p_status) WITH ORDINALITY AS x(status, n)
    WHERE x.status = 'published'
    ORDER BY x.n;

    PERFORM pg_advisory_xact_lock(7364836501);  -- 'audit', as audit_append
    SELECT l.seq, l.hash INTO v_seq, v_prev FROM audit_log l ORDER BY l.seq DESC LIMIT 1;
    v_seq := coalesce(v_seq, 0);
    v_prev := coalesce(v_prev, repeat('0', 64));
    FOR i IN 1 .. v_n LOOP
        v_seq := v_seq + 1;
        v_at := clock_timestamp();
        v_seqs := v_seqs || v_seq;
        v_ats := v_ats || v_at;
        v_prevs := v_prevs || v_prev;
        v_prev := audit_entry_hash(v_prev, v_seq, v_at, p_actor[i], p_action[i], p_subject_type[i],
                                   v_ids[i]::text, p_detail[i]);
        v_hashes := v_hashes || v_prev;
    END LOOP;
    INSERT INTO audit_log (seq, at, actor, action, subject_type, subject_id, detail, prev_hash, hash)
    SELECT x.seq, x.at, p_actor[x.n], p_action[x.n], p_subject_type[x.n], v_ids[x.n]::text,
           p_detail[x.n], x.prev, x.hash
    FROM unnest(v_seqs, v_ats, v_prevs, v_hashes) WITH ORDINALITY AS x(seq, at, prev, hash, n);
END $$;

-- The shared view (~2.4 kB in the benchmark) and the original (~2.5 kB) pass the 2 kB TOAST
-- threshold, so every report row was compressed with pglz: 13 % of the batch writer's CPU in
-- a perf profile at 64 publishers. lz4 compresses several times faster. Only new values are
-- written with it (no rewrite); PostgreSQL reads either kind, so nothing else changes.
ALTER TABLE report ALTER COLUMN shared_json SET COMPRESSION lz4,
                   ALTER COLUMN redactions_json SET COMPRESSION lz4,
                   ALTER COLUMN warnings_json SET COMPRESSION lz4;
ALTER TABLE report_original ALTER COLUMN body SET COMPRESSION lz4;

-- Replaced by publish_batch; nothing calls it any more.
DROP FUNCTION audit_append_many(text[], text[], text[], text[], jsonb[]);

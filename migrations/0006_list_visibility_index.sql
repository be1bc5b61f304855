-- Issue 7 (speed): a member's list reads about as many rows as it returns.
--
-- The list is the reports report_access judges 'full' for the reader. Walking the seq index
-- and judging every row reads (1 / visible fraction) rows per row returned. A member's list
-- instead takes its candidates from newest-first streams, each an index, whose union holds
-- every report that report_access can let a non-operator see in full:
--   its own organisation's reports (any status)       report_reader 'origin:<slug>'
--   published CLEAR and GREEN reports                 report_shared_seq (below)
--   AMBER, AMBER+STRICT, RED reports naming its org   report_reader 'org:<slug>'
--   AMBER reports naming one of its sectors           report_reader 'sector:<name>'
-- report_access stays the only judge: the list still applies it, and every filter, to each
-- candidate (server/src/store/report_store.cpp). These indexes only narrow. A candidate too
-- many costs a read; a missing one would hide a report, so report_reader is kept by triggers
-- in the transaction that writes the report. Operators list with the plain seq walk.
-- Own reports are in report_reader too, not read through report_origin: with the origin as
-- a parameter the planner may prefer walking the seq index and filtering by origin (it
-- expects a quarter of the rows to match), which for a small organisation reads the table.

CREATE INDEX report_shared_seq ON report (seq) WHERE status = 'published' AND tlp IN ('CLEAR', 'GREEN');

CREATE TABLE report_reader (
    reader  text NOT NULL,    -- 'origin:<slug>', 'org:<slug>' or 'sector:<name>'
    seq     bigint NOT NULL,  -- report.seq
    PRIMARY KEY (reader, seq)
);

-- The reader keys of a report: its origin, and its recipients as far as its TLP lets them
-- read. Loose on purpose (a superset): RED names the organisation and report_access checks
-- for a person; status is not looked at (report_access wants 'published' from everyone but
-- the origin). The prefixes keep origins, organisations and sectors from colliding.
CREATE FUNCTION report_reader_keys(r_origin text, r_tlp text, r_orgs text[], r_sectors text[])
RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT k FROM (
        SELECT 'origin:' || r_origin WHERE r_origin IS NOT NULL
        UNION ALL
        SELECT 'org:' || o FROM unnest(r_orgs) AS o
        WHERE o IS NOT NULL AND r_tlp IN ('AMBER', 'AMBER+STRICT', 'RED')
        UNION ALL
        SELECT 'sector:' || s FROM unnest(r_sectors) AS s
        WHERE s IS NOT NULL AND r_tlp = 'AMBER') AS x(k)
$$;

-- Row triggers, not statement triggers with transition tables: a transition table would
-- copy every inserted row (2-3 KB of JSON each), also when a bulk load skips the trigger.
CREATE FUNCTION report_reader_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_reader (reader, seq)
    SELECT k, NEW.seq FROM report_reader_keys(NEW.origin_org, NEW.tlp, NEW.recipient_orgs, NEW.recipient_sectors) AS k;
    RETURN NULL;
END $$;

CREATE TRIGGER report_reader_insert AFTER INSERT ON report FOR EACH ROW
    EXECUTE FUNCTION report_reader_added();

-- A TLP or recipient change (tlp_change, moderation): the old keys go, the new ones come.
CREATE FUNCTION report_reader_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM report_reader
        WHERE seq = OLD.seq
          AND reader IN (SELECT report_reader_keys(OLD.origin_org, OLD.tlp, OLD.recipient_orgs, OLD.recipient_sectors));
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO report_reader (reader, seq)
        SELECT k, NEW.seq FROM report_reader_keys(NEW.origin_org, NEW.tlp, NEW.recipient_orgs, NEW.recipient_sectors) AS k
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER report_reader_update
    AFTER UPDATE OF seq, origin_org, tlp, recipient_orgs, recipient_sectors ON report FOR EACH ROW
    WHEN ((OLD.seq, OLD.origin_org, OLD.tlp, OLD.recipient_orgs, OLD.recipient_sectors)
          IS DISTINCT FROM (NEW.seq, NEW.origin_org, NEW.tlp, NEW.recipient_orgs, NEW.recipient_sectors))
    EXECUTE FUNCTION report_reader_changed();

CREATE TRIGGER report_reader_delete AFTER DELETE ON report FOR EACH ROW
    EXECUTE FUNCTION report_reader_changed();

-- The reports already there.
INSERT INTO report_reader (reader, seq)
SELECT k, r.seq FROM report r, report_reader_keys(r.origin_org, r.tlp, r.recipient_orgs, r.recipient_sectors) AS k;

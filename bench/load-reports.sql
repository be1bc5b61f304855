-- Bulk-loads :count reports straight into the report table (not through the API), for the
-- list scenario at scale (bench/README.md). Run by bench/load-reports.sh:
--   psql -v count=1000000 -v template=<report id> -f bench/load-reports.sql
-- :template is a report the node itself published (its shared_json, redactions_json and
-- warnings_json are copied, with a new title, category and sector), so every row is shaped
-- exactly like what the node stores. Origins and submitters are the seeded organisations
-- and principals (examples/members.json).
--
-- The mix (fixed seed, so every run loads the same rows):
--   origin   nordkraft 44.7 %, havn 40 %, cert 15 %, fjordbank 0.3 %
--   TLP      CLEAR 0.5 %, GREEN 1 %, AMBER 35 %, AMBER+STRICT 30 %, RED 33.5 %
--   recipients (AMBER, AMBER+STRICT, RED): one of nordkraft/havn/cert; 1 % also name fjordbank;
--            AMBER also a sector in half of them, 'finance' in 1 %
--   status   published 95 %, pending 3 %, rejected 1 %, retracted 1 %
-- so that bob (fjordbank, sector finance, a person) sees about 3 % of them in a list.
-- Bulk rows have no report_indicator, report_original, report_event or audit rows: they
-- exist for listing only (a stream never announces them, `related` never finds them).
-- Their report_reader rows (migrations/0006, the list's index of recipients) are written by
-- one INSERT ... SELECT after the rows, with the per-row trigger skipped for the bulk insert
-- (session_replication_role, this transaction only): a million trigger calls would add more
-- than the load itself takes. Foreign keys are not checked for those rows either; they are
-- made from the seeded organisations and principals, checked just below.
\set ON_ERROR_STOP on
BEGIN;
SELECT setseed(0.4242) \g /dev/null

CREATE TEMP TABLE bulk_template ON COMMIT DROP AS
    SELECT shared_json, redactions_json, warnings_json FROM report WHERE id = :'template';
DO $$ BEGIN
    IF (SELECT count(*) FROM bulk_template) <> 1 THEN RAISE EXCEPTION 'template report not found'; END IF;
    IF position('"title":"' IN (SELECT shared_json FROM bulk_template)) = 0 THEN
        RAISE EXCEPTION 'template shared_json has no title';
    END IF;
END $$;

-- Each seeded organisation, its first principal (the submitter) and its first sector.
CREATE TEMP TABLE bulk_origin ON COMMIT DROP AS
    SELECT o.slug, o.sectors[1] AS sector,
           (SELECT p.id FROM principal p WHERE p.org_id = o.id ORDER BY p.created_at, p.name LIMIT 1) AS submitter
    FROM organisation o;
DO $$ BEGIN
    IF (SELECT count(*) FROM bulk_origin WHERE slug IN ('nordkraft', 'havn', 'cert', 'fjordbank')
                                          AND submitter IS NOT NULL) <> 4 THEN
        RAISE EXCEPTION 'the seed organisations and principals (examples/members.json) are missing';
    END IF;
END $$;

CREATE TEMP TABLE bulk_start ON COMMIT DROP AS SELECT coalesce(max(seq), 0) AS seq FROM report;
SET LOCAL session_replication_role = replica;

INSERT INTO report (origin_org, submitted_by, tlp, recipient_orgs, recipient_sectors, status, attribution,
                    source_display, category, sector, country, first_seen, last_seen, shared_json,
                    redactions_json, warnings_json, created_at, published_at, reject_reason,
                    retracted_at, reviewed_at)
SELECT d.origin, bo.submitter, d.tlp,
       CASE WHEN d.tlp IN ('CLEAR', 'GREEN') THEN '{}'::text[]
            WHEN d.u_rcpt < 0.01 THEN ARRAY['fjordbank', d.other_org]
            ELSE ARRAY[d.other_org] END,
       CASE WHEN d.tlp <> 'AMBER' THEN '{}'::text[]
            WHEN d.u_rcpt >= 0.01 AND d.u_rcpt < 0.02 THEN ARRAY['finance']
            WHEN d.u_rcpt < 0.5 THEN ARRAY[(ARRAY['energy', 'transport', 'it-services', 'government'])[1 + d.n % 4]]
            ELSE '{}'::text[] END,
       d.status, 'anonymous', NULL, d.category, bo.sector, 'NO',
       d.created - interval '30 days', d.created - interval '1 day',
       replace(replace(replace(t.shared_json,
               '"title":"', '"title":"Bulk report ' || d.n || ': '),
               '"category":"intrusion"', '"category":"' || d.category || '"'),
               '"sector":"energy"', '"sector":"' || bo.sector || '"'),
       t.redactions_json, t.warnings_json,
       d.created,
       CASE WHEN d.status IN ('published', 'retracted') THEN d.created END,
       CASE WHEN d.status = 'rejected' THEN 'bulk-loaded: rejected' END,
       CASE WHEN d.status = 'retracted' THEN d.created + interval '1 hour' END,
       CASE WHEN d.status IN ('published', 'retracted') THEN d.created + interval '1 hour' END
FROM (
    SELECT g.n,
           CASE WHEN u_origin < 0.003 THEN 'fjordbank' WHEN u_origin < 0.45 THEN 'nordkraft'
                WHEN u_origin < 0.85 THEN 'havn' ELSE 'cert' END AS origin,
           CASE WHEN u_tlp < 0.005 THEN 'CLEAR' WHEN u_tlp < 0.015 THEN 'GREEN' WHEN u_tlp < 0.365 THEN 'AMBER'
                WHEN u_tlp < 0.665 THEN 'AMBER+STRICT' ELSE 'RED' END AS tlp,
           (ARRAY['nordkraft', 'havn', 'cert'])[1 + (g.n / 7) % 3] AS other_org,
           u_rcpt,
           CASE WHEN u_status < 0.95 THEN 'published' WHEN u_status < 0.98 THEN 'pending'
                WHEN u_status < 0.99 THEN 'rejected' ELSE 'retracted' END AS status,
           (ARRAY['intrusion', 'phishing', 'malware', 'ddos', 'data-leak'])[1 + floor(u_cat * 5)::int] AS category,
           now() - (:count - g.n) * interval '30 seconds' AS created
    FROM (SELECT n, random() AS u_origin, random() AS u_tlp, random() AS u_rcpt, random() AS u_status,
                 random() AS u_cat
          FROM generate_series(1, :count) AS n) AS g
) AS d
JOIN bulk_origin bo ON bo.slug = d.origin
CROSS JOIN bulk_template t;

SET LOCAL session_replication_role = origin;
-- What the trigger report_reader_insert would have written, with the same key function.
INSERT INTO report_reader (reader, seq)
SELECT k, r.seq FROM report r, report_reader_keys(r.origin_org, r.tlp, r.recipient_orgs, r.recipient_sectors) AS k
WHERE r.seq > (SELECT seq FROM bulk_start);

COMMIT;
ANALYZE report;
VACUUM ANALYZE report_reader;  -- index-only scans need its visibility map

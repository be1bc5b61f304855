-- Reports (SPEC §3), their unscrubbed originals (operators only, purged after retention),
-- their shared indicators (search and "related"), idempotency keys, and the event log
-- that streams will read (SPEC §7).

CREATE TABLE report (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,  -- list order and cursor
    origin_org         text NOT NULL REFERENCES organisation(slug),
    submitted_by       uuid NOT NULL REFERENCES principal(id),
    tlp                text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    recipient_orgs     text[] NOT NULL DEFAULT '{}',
    recipient_sectors  text[] NOT NULL DEFAULT '{}',
    status             text NOT NULL CHECK (status IN ('pending', 'published', 'rejected', 'retracted')),
    attribution        text NOT NULL CHECK (attribution IN ('anonymous', 'pseudonymous', 'attributed')),
    source_display     text,          -- what other members see as the source; NULL if anonymous
    category           text,
    sector             text,
    country            text,
    first_seen         timestamptz,
    last_seen          timestamptz,
    -- The scrubbed content as every permitted reader receives it, verbatim JSON text: it is
    -- served without re-encoding. Never holds anything unscrubbed.
    shared_json        text NOT NULL,
    -- For the originator and operators only: what the anonymiser removed, and warnings.
    redactions_json    text NOT NULL,
    warnings_json      text NOT NULL DEFAULT '[]',
    created_at         timestamptz NOT NULL DEFAULT now(),
    published_at       timestamptz
);
CREATE INDEX report_origin ON report (origin_org, seq);
CREATE INDEX report_status_seq ON report (status, seq);

-- The submission as it was sent, for operators only; purged after the retention period.
CREATE TABLE report_original (
    report_id    uuid PRIMARY KEY REFERENCES report(id) ON DELETE CASCADE,
    body         text NOT NULL,
    purge_after  timestamptz NOT NULL
);
CREATE INDEX report_original_purge ON report_original (purge_after);

-- Attacker indicators as shared (victim indicators are never shared, so never here).
CREATE TABLE report_indicator (
    report_id  uuid NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    type       text NOT NULL,
    value      text NOT NULL,
    PRIMARY KEY (type, value, report_id)
);
CREATE INDEX report_indicator_report ON report_indicator (report_id);

-- A retried POST with the same Idempotency-Key returns the first answer.
CREATE TABLE idempotency_key (
    principal_id  uuid NOT NULL REFERENCES principal(id),
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash  text NOT NULL,
    status        integer NOT NULL,
    body          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal_id, key)
);

-- THE visibility rule in SQL: the mirror of domain::access_to (server/src/domain/
-- visibility.cpp), and the only place SQL encodes it. Every query that returns report
-- data filters with it; tests/integration/store/visibility_sql_test.cpp runs the same
-- table against both. Returns 'full', 'gone' (retracted: 410) or 'none' (404).
CREATE FUNCTION report_access(r_origin text, r_tlp text, r_orgs text[], r_sectors text[],
                              r_status text, p_org text, p_sectors text[], p_kind text,
                              p_operator boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_operator OR r_origin = p_org THEN 'full'
        WHEN NOT CASE r_tlp
                     WHEN 'CLEAR' THEN true
                     WHEN 'GREEN' THEN true
                     WHEN 'AMBER' THEN p_org = ANY (r_orgs) OR r_sectors && p_sectors
                     WHEN 'AMBER+STRICT' THEN p_org = ANY (r_orgs)
                     WHEN 'RED' THEN p_kind = 'person' AND p_org = ANY (r_orgs)
                     ELSE false
                 END THEN 'none'
        WHEN r_status = 'published' THEN 'full'
        WHEN r_status = 'retracted' THEN 'gone'
        ELSE 'none'
    END
$$;

-- Every change a stream will carry, written in the transaction that makes the change.
CREATE TABLE report_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   uuid NOT NULL REFERENCES report(id),
    kind        text NOT NULL CHECK (kind IN ('report.published', 'report.updated',
                                              'report.retracted', 'report.withdrawn')),
    at          timestamptz NOT NULL DEFAULT now()
);

-- Organisations, their principals (client certificate holders) and the audit log.
-- Applied by varde-node in one transaction; recorded in schema_migrations.

CREATE EXTENSION IF NOT EXISTS pgcrypto;  -- gen_random_uuid(), digest()

CREATE TABLE organisation (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sectors     text[] NOT NULL DEFAULT '{}',
    country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    -- identifying terms, removed by the anonymiser from what others receive
    names       text[] NOT NULL DEFAULT '{}',
    domains     text[] NOT NULL DEFAULT '{}',
    ip_ranges   cidr[] NOT NULL DEFAULT '{}',
    trusted     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organisation_sectors ON organisation USING gin (sectors);

CREATE TABLE principal (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL REFERENCES organisation(id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- SHA-256 of the DER certificate, lower-case hex: what the TLS layer looks up
    fingerprint  text NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    role         text NOT NULL CHECK (role IN ('member', 'operator')),
    kind         text NOT NULL CHECK (kind IN ('person', 'service')),
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    subject      text NOT NULL,
    not_after    timestamptz NOT NULL,
    certificate  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX principal_org ON principal (org_id);

-- Append-only, hash-chained. Each entry's hash covers its own fields and the previous hash,
-- so a changed, deleted or reordered entry breaks the chain at that point.
CREATE TABLE audit_log (
    seq           bigint PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor         text NOT NULL,          -- principal fingerprint, or 'admin-cli:<user>'
    action        text NOT NULL,          -- 'organisation.created', 'principal.revoked', ...
    subject_type  text NOT NULL,
    subject_id    text NOT NULL,
    detail        jsonb NOT NULL DEFAULT '{}',
    prev_hash     text NOT NULL,
    hash          text NOT NULL
);

CREATE FUNCTION audit_entry_hash(p_prev text, p_seq bigint, p_at timestamptz, p_actor text,
                                 p_action text, p_subject_type text, p_subject_id text,
                                 p_detail jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(digest(convert_to(concat_ws(E'\x1f', p_prev, p_seq::text,
        to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        p_actor, p_action, p_subject_type, p_subject_id, p_detail::text), 'UTF8'), 'sha256'), 'hex')
$$;

-- Appends one entry. The transaction-scoped advisory lock serialises appenders, so two
-- concurrent transactions can never chain to the same predecessor (no fork).
CREATE FUNCTION audit_append(p_actor text, p_action text, p_subject_type text,
                             p_subject_id text, p_detail jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_prev text;
    v_seq  bigint;
    v_at   timestamptz := clock_timestamp();
BEGIN
    PERFORM pg_advisory_xact_lock(7364836501);  -- 'audit' lock id, see store/audit_store.cpp
    SELECT seq, hash INTO v_seq, v_prev FROM audit_log ORDER BY seq DESC LIMIT 1;
    v_seq := coalesce(v_seq, 0) + 1;
    v_prev := coalesce(v_prev, repeat('0', 64));
    INSERT INTO audit_log (seq, at, actor, action, subject_type, subject_id, detail, prev_hash, hash)
    VALUES (v_seq, v_at, p_actor, p_action, p_subject_type, p_subject_id, p_detail, v_prev,
            audit_entry_hash(v_prev, v_seq, v_at, p_actor, p_action, p_subject_type,
                             p_subject_id, p_detail));
    RETURN v_seq;
END $$;

-- Append-only: updates and deletes are refused by the database itself (a superuser can still
-- disable this trigger; the hash chain is what detects that).
CREATE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

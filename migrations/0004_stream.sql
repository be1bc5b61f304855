-- Live subscriptions (SPEC §7). The event log stays the truth; NOTIFY only wakes the nodes
-- that serve streams, so several node processes on one database serve each other's
-- subscribers. A notification is sent at commit, never for a rolled-back event.

CREATE FUNCTION notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('varde_events', '');  -- no payload: equal notifications fold into one per commit
    RETURN NULL;
END $$;

CREATE TRIGGER report_event_notify AFTER INSERT ON report_event
    FOR EACH STATEMENT EXECUTE FUNCTION notify_events();

-- A change to a principal or its organisation (revocation, role, kind, sectors) may change
-- what an open stream may receive, or end it: the nodes re-check their subscribers.
CREATE FUNCTION notify_identities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('varde_identities', '');
    RETURN NULL;
END $$;

CREATE TRIGGER principal_notify AFTER INSERT OR UPDATE OR DELETE ON principal
    FOR EACH STATEMENT EXECUTE FUNCTION notify_identities();
CREATE TRIGGER organisation_notify AFTER INSERT OR UPDATE OR DELETE ON organisation
    FOR EACH STATEMENT EXECUTE FUNCTION notify_identities();

-- History retention: events older than the configured retention are deleted, and the
-- highest deleted id is kept here, so a cursor below it is known to have lost history
-- (ids have gaps from rolled-back appends, so "the oldest remaining id" would not tell).
CREATE TABLE event_horizon (
    only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    purged_through  bigint NOT NULL DEFAULT 0
);
INSERT INTO event_horizon DEFAULT VALUES;

CREATE INDEX report_event_at ON report_event (at);

-- Moderation (SPEC §6) and TLP changes (SPEC §4): who decided what, why a report was
-- rejected, and operators' proposals to loosen a report, which its originator accepts or
-- declines.

ALTER TABLE report
    ADD COLUMN reject_reason  text,
    ADD COLUMN moderated_by   uuid REFERENCES principal(id),
    ADD COLUMN moderated_at   timestamptz,
    ADD COLUMN retracted_at   timestamptz,
    ADD COLUMN reviewed_at    timestamptz;  -- trusted reports, reviewed by an operator after the fact

CREATE INDEX report_pending ON report (seq) WHERE status = 'pending';
CREATE INDEX report_unreviewed ON report (seq) WHERE status = 'published' AND reviewed_at IS NULL;

CREATE TABLE tlp_proposal (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    report_id          uuid NOT NULL REFERENCES report(id),
    proposed_by        uuid NOT NULL REFERENCES principal(id),
    tlp                text NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    recipient_orgs     text[] NOT NULL DEFAULT '{}',
    recipient_sectors  text[] NOT NULL DEFAULT '{}',
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined', 'superseded')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    decided_at         timestamptz
);
-- At most one open proposal per report: a newer one supersedes it.
CREATE UNIQUE INDEX tlp_proposal_open ON tlp_proposal (report_id) WHERE status = 'open';

-- What a stream needs to decide, per principal, whether an update took a report away from it
-- (report.withdrawn): the TLP and recipients before the change.
ALTER TABLE report_event ADD COLUMN detail jsonb NOT NULL DEFAULT '{}';

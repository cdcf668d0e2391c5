-- Actions tracked to sign-off. An action comes from a source: today a case review's accepted
-- recommendation; quality assurance and audits raise actions through the same table. Overdue
-- is never stored: it is the due date against the clock.

CREATE TABLE actions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  source text NOT NULL DEFAULT 'recommendation' CHECK (source IN ('recommendation')),
  -- Kept with the recommendation so the tracker filters by review and theme without a join chain.
  review_id uuid REFERENCES reviews ON DELETE CASCADE,
  recommendation_id uuid REFERENCES recommendations ON DELETE CASCADE,
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
  owning_agency_id uuid REFERENCES agencies,
  owning_subgroup_id uuid REFERENCES subgroups,
  owner_user_id uuid NOT NULL REFERENCES users,
  success_measure text NOT NULL CHECK (length(success_measure) BETWEEN 1 AND 5000),
  due_on date NOT NULL,
  -- The date first agreed: an extension moves due_on and keeps this.
  original_due_on date NOT NULL,
  status text NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'on_track', 'at_risk', 'completed',
    'verified', 'closed_not_achieved')),
  verified_by uuid REFERENCES users,
  verified_at timestamptz,
  verification_note text CHECK (length(verification_note) BETWEEN 1 AND 5000),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT actions_one_owner CHECK ((owning_agency_id IS NULL) <> (owning_subgroup_id IS NULL)),
  CONSTRAINT actions_from_recommendation CHECK (source <> 'recommendation'
    OR (review_id IS NOT NULL AND recommendation_id IS NOT NULL)),
  -- Signed off by someone other than the owner, with a note.
  CONSTRAINT actions_verified CHECK ((status = 'verified') = (verified_by IS NOT NULL)
    AND (verified_by IS NULL OR (verified_by <> owner_user_id AND verified_at IS NOT NULL AND verification_note IS NOT NULL)))
);
CREATE INDEX actions_due ON actions (partnership_id, due_on, id);
CREATE INDEX actions_review ON actions (review_id);
CREATE INDEX actions_recommendation ON actions (recommendation_id);
CREATE INDEX actions_agency ON actions (owning_agency_id, due_on);
CREATE INDEX actions_owner ON actions (owner_user_id);
ALTER TABLE actions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON actions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON actions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- An action's dated history: progress updates, extensions, verification, closure.
CREATE TABLE action_updates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  action_id uuid NOT NULL REFERENCES actions ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('progress', 'extension', 'verification', 'closure')),
  note text NOT NULL CHECK (length(note) BETWEEN 1 AND 10000),
  status_from text,
  status_to text,
  evidence_url text CHECK (length(evidence_url) <= 2000),
  due_from date,
  due_to date,
  by_user uuid REFERENCES users,
  by_label text CHECK (length(by_label) <= 120),
  at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT action_updates_extension CHECK ((kind = 'extension') = (due_from IS NOT NULL AND due_to IS NOT NULL))
);
CREATE INDEX action_updates_action ON action_updates (action_id, at, id);
ALTER TABLE action_updates ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON action_updates
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON action_updates
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Evidence files, kept in the database so the processes stay stateless. The audit trail
-- records the file's name, type and size, never its content.
CREATE TABLE action_evidence (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  action_id uuid NOT NULL REFERENCES actions ON DELETE CASCADE,
  update_id uuid NOT NULL REFERENCES action_updates ON DELETE CASCADE,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 200),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
  content bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX action_evidence_update ON action_evidence (update_id);
CREATE INDEX action_evidence_action ON action_evidence (action_id);
ALTER TABLE action_evidence ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON action_evidence
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON action_evidence
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('content');

-- Each chasing email is sent once: a reminder per action, a digest per recipient per week,
-- a summary per partnership per month. The key names what was sent for which period.
CREATE TABLE action_chasers (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  kind text NOT NULL CHECK (kind IN ('due_reminder', 'overdue_digest', 'subgroup_summary')),
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  sent_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (partnership_id, kind, key)
);
ALTER TABLE action_chasers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON action_chasers
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());

-- A course, a course version or a training needs request can cite the findings it answers:
-- the thread from what went wrong to who has been trained since.
CREATE TABLE course_findings (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  course_id uuid NOT NULL REFERENCES courses ON DELETE CASCADE,
  finding_id uuid NOT NULL REFERENCES findings ON DELETE CASCADE,
  -- The version that first cited it; a later version keeps citing it until it is removed.
  course_version integer,
  cited_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (course_id, finding_id)
);
CREATE INDEX course_findings_finding ON course_findings (finding_id);
ALTER TABLE course_findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON course_findings
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON course_findings
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE need_findings (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  need_id uuid NOT NULL REFERENCES needs ON DELETE CASCADE,
  finding_id uuid NOT NULL REFERENCES findings ON DELETE CASCADE,
  cited_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (need_id, finding_id)
);
CREATE INDEX need_findings_finding ON need_findings (finding_id);
ALTER TABLE need_findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON need_findings
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON need_findings
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

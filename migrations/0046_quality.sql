-- Quality assurance of training (Norfolk §11, South Gloucestershire's five-point plan,
-- Jersey's framework): versioned training standards; rounds in which agencies assess their
-- single-agency training against them and a reviewer from another agency gives feedback; a
-- random draw, from a recorded seed, of courses to observe; observations of those courses and
-- of multi-agency sessions, with the facilitator's response; and the pool trainers' annual CPD
-- returns. Every table is under row-level security and audited.

-- A set of standards never changes once saved: a change is a new version, and a round keeps
-- the version it was opened with.
CREATE TABLE qa_standard_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  version integer NOT NULL CHECK (version >= 1),
  -- Why this version was made.
  note text CHECK (length(note) <= 2000),
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (partnership_id, version)
);
ALTER TABLE qa_standard_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON qa_standard_versions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON qa_standard_versions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE qa_standards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  version_id uuid NOT NULL REFERENCES qa_standard_versions,
  position integer NOT NULL CHECK (position >= 1),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  guidance text NOT NULL CHECK (length(guidance) BETWEEN 1 AND 5000),
  evidence_expected text NOT NULL CHECK (length(evidence_expected) BETWEEN 1 AND 5000),
  UNIQUE (version_id, position)
);
ALTER TABLE qa_standards ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON qa_standards
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON qa_standards
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE FUNCTION cascade_qa_standards_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'A version of the training standards never changes: save a new version'
    USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER frozen BEFORE UPDATE OR DELETE ON qa_standards
  FOR EACH ROW EXECUTE FUNCTION cascade_qa_standards_frozen();

-- A round: the agencies asked to assess their single-agency training by a due date, and the
-- draw of courses to observe, recorded once.
CREATE TABLE qa_rounds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  version_id uuid NOT NULL REFERENCES qa_standard_versions,
  -- The last day returns are due (London date).
  due_on date NOT NULL,
  opened_on date NOT NULL,
  opened_by uuid REFERENCES users,
  -- The draw: the seed, how many the policy asked for, when and by whom.
  draw_seed text CHECK (length(draw_seed) BETWEEN 1 AND 64),
  draw_size integer CHECK (draw_size BETWEEN 0 AND 1000),
  drawn_at timestamptz,
  drawn_by uuid REFERENCES users,
  drawn_by_label text CHECK (length(drawn_by_label) <= 120),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT qa_rounds_drawn CHECK ((drawn_at IS NULL) = (draw_seed IS NULL) AND (drawn_at IS NULL) = (draw_size IS NULL))
);
CREATE INDEX qa_rounds_opened ON qa_rounds (partnership_id, opened_on DESC);
ALTER TABLE qa_rounds ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON qa_rounds
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON qa_rounds
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- A round is drawn once: its seed never changes.
CREATE FUNCTION cascade_qa_round_drawn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.drawn_at IS NOT NULL AND (NEW.drawn_at IS DISTINCT FROM OLD.drawn_at
     OR NEW.draw_seed IS DISTINCT FROM OLD.draw_seed OR NEW.draw_size IS DISTINCT FROM OLD.draw_size) THEN
    RAISE EXCEPTION 'A round is drawn once' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER drawn BEFORE UPDATE ON qa_rounds
  FOR EACH ROW EXECUTE FUNCTION cascade_qa_round_drawn();

-- One agency's self-assessment in a round.
CREATE TABLE qa_returns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  round_id uuid NOT NULL REFERENCES qa_rounds ON DELETE CASCADE,
  agency_id uuid NOT NULL REFERENCES agencies,
  status text NOT NULL DEFAULT 'not_started'
    CHECK (status IN ('not_started', 'in_progress', 'submitted', 'reviewed')),
  -- Whether the last round's courses and answers were offered and taken as the starting point.
  carried_from uuid REFERENCES qa_returns,
  saved_at timestamptz,
  saved_by uuid REFERENCES users,
  submitted_at timestamptz,
  submitted_by uuid REFERENCES users,
  submitted_by_label text CHECK (length(submitted_by_label) <= 120),
  -- The review: who, when, the outcome and an overall comment.
  reviewed_at timestamptz,
  reviewed_by uuid REFERENCES users,
  reviewed_by_label text CHECK (length(reviewed_by_label) <= 120),
  outcome text CHECK (outcome IN ('assured', 'assured_with_actions', 'not_assured')),
  review_summary text CHECK (length(review_summary) BETWEEN 1 AND 10000),
  -- Reminders sent, once each: before the due date, and after it.
  reminded_before_at timestamptz,
  reminded_after_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (round_id, agency_id),
  CONSTRAINT qa_returns_submitted CHECK ((status IN ('submitted', 'reviewed')) = (submitted_at IS NOT NULL)),
  CONSTRAINT qa_returns_reviewed CHECK ((status = 'reviewed') = (reviewed_at IS NOT NULL AND outcome IS NOT NULL))
);
CREATE INDEX qa_returns_agency ON qa_returns (agency_id, round_id);
ALTER TABLE qa_returns ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON qa_returns
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON qa_returns
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at', 'saved_at', 'reminded_before_at', 'reminded_after_at');

-- The agency's single-agency safeguarding courses listed in a return.
CREATE TABLE qa_return_courses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  return_id uuid NOT NULL REFERENCES qa_returns ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 1),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  UNIQUE (return_id, position) DEFERRABLE INITIALLY DEFERRED
);
ALTER TABLE qa_return_courses ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON qa_return_courses
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON qa_return_courses
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A course's rating against one standard, with the narrative and the evidence (a note, a link
-- or a file). A rating may be saved blank while the return is worked on; submitting needs all.
CREATE TABLE qa_ratings (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  course_id uuid NOT NULL REFERENCES qa_return_courses ON DELETE CASCADE,
  standard_id uuid NOT NULL REFERENCES qa_standards,
  rating text CHECK (rating IN ('met', 'partly_met', 'not_met', 'not_applicable')),
  narrative text CHECK (length(narrative) <= 10000),
  evidence_note text CHECK (length(evidence_note) <= 5000),
  evidence_url text CHECK (length(evidence_url) <= 2000),
  PRIMARY KEY (course_id, standard_id)
);
CREATE INDEX qa_ratings_standard ON qa_ratings (standard_id);
ALTER TABLE qa_ratings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON qa_ratings
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON qa_ratings
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Evidence files for a rating, checked by content and always sent as downloads.
CREATE TABLE qa_evidence_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  course_id uuid NOT NULL,
  standard_id uuid NOT NULL,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  bytes bytea NOT NULL,
  uploaded_by uuid REFERENCES users,
  uploaded_at timestamptz NOT NULL DEFAULT cascade_now(),
  FOREIGN KEY (course_id, standard_id) REFERENCES qa_ratings ON DELETE CASCADE
);
CREATE INDEX qa_evidence_files_rating ON qa_evidence_files (course_id, standard_id);
ALTER TABLE qa_evidence_files ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON qa_evidence_files
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON qa_evidence_files
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('bytes');

-- The reviewer's feedback per standard on a return.
CREATE TABLE qa_feedback (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  return_id uuid NOT NULL REFERENCES qa_returns ON DELETE CASCADE,
  standard_id uuid NOT NULL REFERENCES qa_standards,
  feedback text NOT NULL CHECK (length(feedback) BETWEEN 1 AND 10000),
  PRIMARY KEY (return_id, standard_id)
);
ALTER TABLE qa_feedback ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON qa_feedback
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON qa_feedback
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A submitted return is the agency's account: its courses and ratings no longer change.
CREATE FUNCTION cascade_qa_return_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_return uuid;
BEGIN
  IF TG_TABLE_NAME = 'qa_return_courses' THEN
    row_return := CASE WHEN TG_OP = 'DELETE' THEN OLD.return_id ELSE NEW.return_id END;
  ELSE
    SELECT return_id INTO row_return FROM qa_return_courses
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.course_id ELSE NEW.course_id END;
  END IF;
  IF EXISTS (SELECT 1 FROM qa_returns WHERE id = row_return AND status IN ('submitted', 'reviewed')) THEN
    RAISE EXCEPTION 'A submitted self-assessment keeps its courses and ratings' USING ERRCODE = 'check_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER frozen BEFORE INSERT OR UPDATE OR DELETE ON qa_return_courses
  FOR EACH ROW EXECUTE FUNCTION cascade_qa_return_frozen();
CREATE TRIGGER frozen BEFORE INSERT OR UPDATE OR DELETE ON qa_ratings
  FOR EACH ROW EXECUTE FUNCTION cascade_qa_return_frozen();

-- The courses picked for observation: drawn at random (with the reason the draw gives) or
-- added by an admin with a reason. A pick is never deleted: one set aside keeps its reason.
CREATE TABLE qa_picks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  round_id uuid NOT NULL REFERENCES qa_rounds ON DELETE CASCADE,
  course_id uuid NOT NULL REFERENCES qa_return_courses,
  kind text NOT NULL CHECK (kind IN ('drawn', 'added')),
  -- The place in the draw, from 1; added picks follow.
  position integer NOT NULL CHECK (position >= 1),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  added_by uuid REFERENCES users,
  added_by_label text CHECK (length(added_by_label) <= 120),
  set_aside_at timestamptz,
  set_aside_reason text CHECK (length(set_aside_reason) BETWEEN 1 AND 2000),
  set_aside_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  UNIQUE (round_id, course_id),
  UNIQUE (round_id, position),
  CONSTRAINT qa_picks_set_aside CHECK ((set_aside_at IS NULL) = (set_aside_reason IS NULL))
);
ALTER TABLE qa_picks ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON qa_picks
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON qa_picks
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
CREATE FUNCTION cascade_qa_pick_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'A pick for observation is set aside with a reason, never removed' USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER kept BEFORE DELETE ON qa_picks
  FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION cascade_qa_pick_kept();

-- An observation of delivery: a multi-agency session from the programme, or a single-agency
-- course picked in a round. The facilitator or trainer receives the feedback and responds.
CREATE TABLE observations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  session_id uuid REFERENCES sessions,
  pick_id uuid REFERENCES qa_picks,
  version_id uuid NOT NULL REFERENCES qa_standard_versions,
  observer_user_id uuid REFERENCES users,
  observer_name text NOT NULL CHECK (length(observer_name) BETWEEN 1 AND 200),
  observed_on date NOT NULL,
  strengths text NOT NULL CHECK (length(strengths) BETWEEN 1 AND 10000),
  areas_to_develop text NOT NULL CHECK (length(areas_to_develop) BETWEEN 1 AND 10000),
  grade text NOT NULL CHECK (grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')),
  -- The facilitator's response to the feedback.
  response text CHECK (length(response) BETWEEN 1 AND 10000),
  responded_at timestamptz,
  responded_by uuid REFERENCES users,
  created_by uuid REFERENCES users,
  created_by_label text CHECK (length(created_by_label) <= 120),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT observations_of_one CHECK ((session_id IS NULL) <> (pick_id IS NULL)),
  CONSTRAINT observations_response CHECK ((response IS NULL) = (responded_at IS NULL))
);
CREATE INDEX observations_session ON observations (session_id);
CREATE INDEX observations_pick ON observations (pick_id);
CREATE INDEX observations_observed ON observations (partnership_id, observed_on DESC);
ALTER TABLE observations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON observations
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON observations
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE observation_ratings (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  observation_id uuid NOT NULL REFERENCES observations ON DELETE CASCADE,
  standard_id uuid NOT NULL REFERENCES qa_standards,
  rating text NOT NULL CHECK (rating IN ('met', 'partly_met', 'not_met', 'not_applicable')),
  notes text CHECK (length(notes) <= 5000),
  PRIMARY KEY (observation_id, standard_id)
);
ALTER TABLE observation_ratings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON observation_ratings
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON observation_ratings
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- A pool trainer's annual CPD questionnaire. Submitting it renews their approvals for a year
-- (trainer_approvals.cpd_completed_on), in the same transaction.
CREATE TABLE trainer_cpd_returns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  person_id uuid NOT NULL REFERENCES people,
  completed_on date NOT NULL,
  activities text NOT NULL CHECK (length(activities) BETWEEN 1 AND 10000),
  -- Hours of CPD in tenths of an hour, so 7.5 hours is 75.
  tenths_of_hours integer NOT NULL CHECK (tenths_of_hours BETWEEN 1 AND 100000),
  delivery_updates text NOT NULL CHECK (length(delivery_updates) BETWEEN 1 AND 10000),
  -- Published reviews whose learning they have read.
  reviews_read uuid[] NOT NULL DEFAULT '{}',
  by_user uuid REFERENCES users,
  by_label text CHECK (length(by_label) <= 120),
  created_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE INDEX trainer_cpd_returns_person ON trainer_cpd_returns (person_id, completed_on DESC);
ALTER TABLE trainer_cpd_returns ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON trainer_cpd_returns
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON trainer_cpd_returns
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Bookkeeping for the CPD emails: one row per trainer, lapse date and stage ('request' 30 days
-- before, 'reminder' 7 days before), claimed in the transaction that writes the email.
CREATE TABLE trainer_cpd_chasers (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  person_id uuid NOT NULL REFERENCES people,
  lapses_on date NOT NULL,
  stage text NOT NULL CHECK (stage IN ('request', 'reminder')),
  sent_at timestamptz NOT NULL DEFAULT cascade_now(),
  PRIMARY KEY (person_id, lapses_on, stage)
);
ALTER TABLE trainer_cpd_chasers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON trainer_cpd_chasers
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());

-- Actions raised by a reviewer when a self-assessment is assured with actions, owned by the
-- agency and tracked to sign-off like a review's.
ALTER TABLE actions DROP CONSTRAINT actions_source_check;
ALTER TABLE actions ADD CONSTRAINT actions_source_check CHECK (source IN ('recommendation', 'self_assessment'));
ALTER TABLE actions ADD COLUMN qa_return_id uuid REFERENCES qa_returns ON DELETE CASCADE;
ALTER TABLE actions ADD COLUMN qa_standard_id uuid REFERENCES qa_standards;
ALTER TABLE actions ADD CONSTRAINT actions_from_self_assessment CHECK (source <> 'self_assessment'
  OR (qa_return_id IS NOT NULL AND owning_agency_id IS NOT NULL));
CREATE INDEX actions_qa_return ON actions (qa_return_id);

-- Knowledge audits: every six months a short quiz on chosen learning (published products
-- and reviews), sent to a random sample of practitioners of the agencies in its audience,
-- drawn from a recorded seed. A person's answers are personal: every table here is under
-- row-level security and audited, and only admins read one person's answers.

CREATE TABLE knowledge_audits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent')),
  -- The last day answers are taken (London date).
  closes_on date NOT NULL,
  -- The sample asked for: the policy's size unless changed for this audit.
  sample_size integer NOT NULL CHECK (sample_size BETWEEN 1 AND 5000),
  -- How the sample was drawn, recorded when it is sent: the same seed and the same eligible
  -- people give the same draw.
  seed text CHECK (length(seed) BETWEEN 1 AND 64),
  eligible_count integer CHECK (eligible_count >= 0),
  -- People of the audience's agencies left out because they were invited in the last 12 months.
  excluded_count integer CHECK (excluded_count >= 0),
  audience_agency_ids uuid[],
  audience_reason text CHECK (length(audience_reason) <= 2000),
  sent_at timestamptz,
  sent_by uuid REFERENCES users,
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT knowledge_audits_sent CHECK ((status = 'sent') = (sent_at IS NOT NULL AND seed IS NOT NULL
    AND eligible_count IS NOT NULL AND excluded_count IS NOT NULL AND audience_agency_ids IS NOT NULL))
);
CREATE INDEX knowledge_audits_sent_at ON knowledge_audits (partnership_id, sent_at DESC) WHERE status = 'sent';
ALTER TABLE knowledge_audits ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON knowledge_audits
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON knowledge_audits
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

-- The learning an audit tests: products and reviews.
CREATE TABLE knowledge_audit_products (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  audit_id uuid NOT NULL REFERENCES knowledge_audits ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES learning_products,
  PRIMARY KEY (audit_id, product_id)
);
CREATE INDEX knowledge_audit_products_product ON knowledge_audit_products (product_id);
ALTER TABLE knowledge_audit_products ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON knowledge_audit_products
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON knowledge_audit_products
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE knowledge_audit_reviews (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  audit_id uuid NOT NULL REFERENCES knowledge_audits ON DELETE CASCADE,
  review_id uuid NOT NULL REFERENCES reviews,
  PRIMARY KEY (audit_id, review_id)
);
CREATE INDEX knowledge_audit_reviews_review ON knowledge_audit_reviews (review_id);
ALTER TABLE knowledge_audit_reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON knowledge_audit_reviews
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON knowledge_audit_reviews
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- The quiz: single- and multiple-choice questions, the right answers marked among the options
-- ([{text, correct}]). The confidence question is part of every audit and is not stored here.
CREATE TABLE knowledge_audit_questions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  audit_id uuid NOT NULL REFERENCES knowledge_audits ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 1),
  text text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
  kind text NOT NULL CHECK (kind IN ('single', 'multiple')),
  options jsonb NOT NULL CHECK (jsonb_typeof(options) = 'array' AND jsonb_array_length(options) BETWEEN 2 AND 10),
  UNIQUE (audit_id, position)
);
ALTER TABLE knowledge_audit_questions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON knowledge_audit_questions
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON knowledge_audit_questions
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Once an audit is sent its quiz and learning never change: people are answering them.
CREATE FUNCTION cascade_knowledge_audit_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  audit uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.audit_id ELSE NEW.audit_id END;
BEGIN
  IF EXISTS (SELECT 1 FROM knowledge_audits WHERE id = audit AND status = 'sent')
     OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM knowledge_audits WHERE id = OLD.audit_id AND status = 'sent')) THEN
    RAISE EXCEPTION 'A knowledge audit that has been sent keeps its questions and learning'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER frozen BEFORE INSERT OR UPDATE OR DELETE ON knowledge_audit_questions
  FOR EACH ROW EXECUTE FUNCTION cascade_knowledge_audit_frozen();
CREATE TRIGGER frozen BEFORE INSERT OR UPDATE OR DELETE ON knowledge_audit_products
  FOR EACH ROW EXECUTE FUNCTION cascade_knowledge_audit_frozen();
CREATE TRIGGER frozen BEFORE INSERT OR UPDATE OR DELETE ON knowledge_audit_reviews
  FOR EACH ROW EXECUTE FUNCTION cascade_knowledge_audit_frozen();

-- A sent audit stays sent, with the draw it recorded.
CREATE FUNCTION cascade_knowledge_audit_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'sent' AND (NEW.status <> 'sent' OR NEW.seed IS DISTINCT FROM OLD.seed
     OR NEW.sample_size <> OLD.sample_size OR NEW.eligible_count IS DISTINCT FROM OLD.eligible_count) THEN
    RAISE EXCEPTION 'A knowledge audit that has been sent keeps its sample' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sent BEFORE UPDATE ON knowledge_audits
  FOR EACH ROW EXECUTE FUNCTION cascade_knowledge_audit_sent();

-- Who was drawn, with the agency they were drawn for, and whether and when they answered.
CREATE TABLE knowledge_audit_invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  audit_id uuid NOT NULL REFERENCES knowledge_audits ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES people,
  agency_id uuid NOT NULL REFERENCES agencies,
  -- The place in the draw, from 1.
  position integer NOT NULL CHECK (position >= 1),
  invited_at timestamptz NOT NULL,
  reminded_at timestamptz,
  answered_at timestamptz,
  -- The number of questions answered correctly, and the 0-10 confidence answer.
  score integer CHECK (score >= 0),
  confidence smallint CHECK (confidence BETWEEN 0 AND 10),
  UNIQUE (audit_id, person_id),
  CONSTRAINT knowledge_audit_invitations_answered CHECK ((answered_at IS NULL) = (score IS NULL AND confidence IS NULL))
);
CREATE INDEX knowledge_audit_invitations_audit ON knowledge_audit_invitations (audit_id, position);
-- "No one twice in 12 months": who was invited when.
CREATE INDEX knowledge_audit_invitations_person ON knowledge_audit_invitations (person_id, invited_at);
ALTER TABLE knowledge_audit_invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON knowledge_audit_invitations
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON knowledge_audit_invitations
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

-- Answered once: the answer, once given, never changes.
CREATE FUNCTION cascade_knowledge_audit_answered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.answered_at IS NOT NULL AND (NEW.answered_at IS DISTINCT FROM OLD.answered_at
     OR NEW.score IS DISTINCT FROM OLD.score OR NEW.confidence IS DISTINCT FROM OLD.confidence) THEN
    RAISE EXCEPTION 'A knowledge audit is answered once' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER answered BEFORE UPDATE ON knowledge_audit_invitations
  FOR EACH ROW EXECUTE FUNCTION cascade_knowledge_audit_answered();

-- Each answer: the options chosen (their places, from 0) and whether exactly the right ones were.
CREATE TABLE knowledge_audit_answers (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  invitation_id uuid NOT NULL REFERENCES knowledge_audit_invitations ON DELETE CASCADE,
  question_id uuid NOT NULL REFERENCES knowledge_audit_questions ON DELETE CASCADE,
  chosen integer[] NOT NULL CHECK (cardinality(chosen) >= 1),
  correct boolean NOT NULL,
  PRIMARY KEY (invitation_id, question_id)
);
CREATE INDEX knowledge_audit_answers_question ON knowledge_audit_answers (question_id);
ALTER TABLE knowledge_audit_answers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON knowledge_audit_answers
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON knowledge_audit_answers
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

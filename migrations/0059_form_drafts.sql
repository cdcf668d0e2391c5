-- What someone was typing into a long answer form (an evaluation, an audit return's answer, a
-- self-assessment's ratings), kept so that a timed-out sign-in or a closed tab loses nothing.
-- A scratch copy of a form not yet sent: nothing reads it but its owner's next visit to the same
-- form, and it is deleted when the form is sent, so it is not in the audit trail (what the form
-- finally sends is).
--
-- Its owner is a signed-in user, or the holder of an emailed link (the hash of the link's token,
-- never the token): exactly one of the two.
CREATE TABLE form_drafts (
  partnership_id uuid NOT NULL REFERENCES partnerships ON DELETE CASCADE,
  user_id uuid REFERENCES users ON DELETE CASCADE,
  link_hash text CHECK (link_hash ~ '^[0-9a-f]{64}$'),
  -- Which form: 'audit-answer:<return>:<standard>', 'evaluation', ...
  form_key text NOT NULL CHECK (form_key ~ '^[a-z0-9:_-]{1,200}$'),
  draft_values jsonb NOT NULL CHECK (jsonb_typeof(draft_values) = 'object'),
  saved_at timestamptz NOT NULL DEFAULT cascade_now(),
  CHECK (num_nonnulls(user_id, link_hash) = 1)
);
CREATE UNIQUE INDEX form_drafts_owner ON form_drafts (partnership_id, form_key, (coalesce(user_id::text, link_hash)));
CREATE INDEX form_drafts_user ON form_drafts (user_id) WHERE user_id IS NOT NULL;

-- A user's drafts are theirs alone, even within the partnership; a link's draft is found only by
-- the hash of the link that holds it.
ALTER TABLE form_drafts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON form_drafts
  USING (partnership_id = cascade_partnership_id() AND (user_id IS NULL OR user_id = cascade_user_id()))
  WITH CHECK (partnership_id = cascade_partnership_id() AND (user_id IS NULL OR user_id = cascade_user_id()));

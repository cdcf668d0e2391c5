-- Commissioned training: the written contract the partnership holds with an external
-- provider (Norfolk 12a). It says the type of training, the outcomes expected and how impact
-- is measured, the materials and who owns them, who pays for the venue and the trainer and
-- what each costs, whether delivery is online or face to face, and the partner agencies'
-- policies that apply. Contracts are reviewed every year.

CREATE TABLE training_contracts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  provider_name text NOT NULL CHECK (length(provider_name) BETWEEN 1 AND 200),
  provider_contact_name text CHECK (length(provider_contact_name) <= 200),
  provider_contact_email text CHECK (length(provider_contact_email) <= 320),
  provider_contact_phone text CHECK (length(provider_contact_phone) <= 40),
  -- The course in the programme it delivers, when there is one.
  course_id uuid REFERENCES courses,
  training_type text NOT NULL CHECK (length(training_type) BETWEEN 1 AND 500),
  expected_outcomes text NOT NULL CHECK (length(expected_outcomes) BETWEEN 1 AND 5000),
  impact_measures text NOT NULL CHECK (length(impact_measures) BETWEEN 1 AND 5000),
  materials text NOT NULL DEFAULT '' CHECK (length(materials) <= 5000),
  materials_ownership text NOT NULL DEFAULT '' CHECK (length(materials_ownership) <= 2000),
  delivery_format text NOT NULL CHECK (delivery_format IN ('in_person', 'online', 'both')),
  relevant_policies text NOT NULL DEFAULT '' CHECK (length(relevant_policies) <= 5000),
  -- Financial responsibility, in whole pence: never a binary fraction of a pound.
  venue_paid_by text NOT NULL CHECK (venue_paid_by IN ('partnership', 'provider', 'agency')),
  venue_cost_pence integer NOT NULL DEFAULT 0 CHECK (venue_cost_pence BETWEEN 0 AND 1000000000),
  trainer_paid_by text NOT NULL CHECK (trainer_paid_by IN ('partnership', 'provider', 'agency')),
  trainer_cost_pence integer NOT NULL DEFAULT 0 CHECK (trainer_cost_pence BETWEEN 0 AND 1000000000),
  -- Any other aspect of the programme and who pays for it, such as refreshments.
  other_costs text NOT NULL DEFAULT '' CHECK (length(other_costs) <= 2000),
  starts_on date NOT NULL,
  review_on date NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CHECK (review_on > starts_on)
);
CREATE INDEX training_contracts_review ON training_contracts (partnership_id, review_on) WHERE status = 'active';
ALTER TABLE training_contracts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON training_contracts
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON training_contracts
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at');

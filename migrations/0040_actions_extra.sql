-- A verified action is signed off: what was agreed, by when, and who checked the evidence
-- never change again, and nothing more is added to its history. The service refuses first;
-- this is the guarantee. The owner may still move (a merged duplicate account is reassigned).

CREATE FUNCTION cascade_action_signed_off() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'verified' AND (
       NEW.status, NEW.description, NEW.owning_agency_id, NEW.owning_subgroup_id, NEW.success_measure,
       NEW.due_on, NEW.original_due_on, NEW.verified_by, NEW.verified_at, NEW.verification_note
     ) IS DISTINCT FROM (
       OLD.status, OLD.description, OLD.owning_agency_id, OLD.owning_subgroup_id, OLD.success_measure,
       OLD.due_on, OLD.original_due_on, OLD.verified_by, OLD.verified_at, OLD.verification_note
     ) THEN
    RAISE EXCEPTION 'a verified action is never changed' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER signed_off BEFORE UPDATE ON actions
  FOR EACH ROW EXECUTE FUNCTION cascade_action_signed_off();

CREATE FUNCTION cascade_action_update_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM actions WHERE id = NEW.action_id AND status = 'verified') THEN
    RAISE EXCEPTION 'a verified action''s history is never added to' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER signed_off BEFORE INSERT ON action_updates
  FOR EACH ROW EXECUTE FUNCTION cascade_action_update_open();

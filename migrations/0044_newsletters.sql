-- Newsletters and subscribers. Anyone subscribes by theme with an address they confirm: nothing
-- is stored until they follow the emailed link, so a row here is always a confirmed address.
-- Leaving deletes the row. The audit trail records who subscribed to what and when, never the
-- address itself.

-- Headers an email carries besides the usual ones: List-Unsubscribe and List-Unsubscribe-Post.
ALTER TABLE outbox ADD COLUMN headers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(headers) = 'object');

CREATE TABLE newsletter_subscribers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  -- The account that subscribed while signed in; anyone else is an address.
  user_id uuid REFERENCES users ON DELETE SET NULL,
  -- Every theme, including those added later; otherwise the themes in newsletter_subscriber_themes.
  all_themes boolean NOT NULL DEFAULT false,
  confirmed_at timestamptz NOT NULL DEFAULT cascade_now(),
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now()
);
CREATE UNIQUE INDEX newsletter_subscribers_address ON newsletter_subscribers (partnership_id, lower(email));
-- Sending walks the subscribers in id order, a batch at a time.
CREATE INDEX newsletter_subscribers_walk ON newsletter_subscribers (partnership_id, id);
ALTER TABLE newsletter_subscribers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON newsletter_subscribers
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON newsletter_subscribers
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('email', 'updated_at');

CREATE TABLE newsletter_subscriber_themes (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  subscriber_id uuid NOT NULL REFERENCES newsletter_subscribers ON DELETE CASCADE,
  theme_id uuid NOT NULL REFERENCES themes,
  PRIMARY KEY (subscriber_id, theme_id)
);
CREATE INDEX newsletter_subscriber_themes_theme ON newsletter_subscriber_themes (theme_id);
ALTER TABLE newsletter_subscriber_themes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON newsletter_subscriber_themes
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON newsletter_subscriber_themes
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();

CREATE TABLE newsletters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partnership_id uuid NOT NULL REFERENCES partnerships,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  introduction text NOT NULL DEFAULT '' CHECK (length(introduction) <= 2000),
  -- Markdown, rendered with HTML off.
  body text NOT NULL DEFAULT '' CHECK (length(body) <= 50000),
  -- To every subscriber, or only to those of the themes in newsletter_themes (and those of all themes).
  all_subscribers boolean NOT NULL DEFAULT true,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'sent')),
  -- Written to the outbox so far; while sending, the last subscriber written, so a send that
  -- stopped half way goes on from there.
  recipients integer NOT NULL DEFAULT 0 CHECK (recipients >= 0),
  sent_through uuid,
  sending_from timestamptz,
  sent_at timestamptz,
  sent_by uuid REFERENCES users,
  created_by uuid REFERENCES users,
  created_at timestamptz NOT NULL DEFAULT cascade_now(),
  updated_at timestamptz NOT NULL DEFAULT cascade_now(),
  CONSTRAINT newsletters_sending CHECK ((status = 'draft') = (sending_from IS NULL)),
  CONSTRAINT newsletters_sent CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX newsletters_archive ON newsletters (partnership_id, sent_at DESC, id) WHERE status = 'sent';
ALTER TABLE newsletters ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON newsletters
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON newsletters
  FOR EACH ROW EXECUTE FUNCTION cascade_audit('updated_at', 'sent_through');

-- What was sent is what the archive shows: once sending starts, a newsletter's words, products
-- and themes never change, its status only moves on, and it is never deleted.
CREATE FUNCTION newsletters_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN RAISE EXCEPTION 'A newsletter that has been sent cannot be deleted'; END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND (NEW.title, NEW.introduction, NEW.body, NEW.all_subscribers)
       IS DISTINCT FROM (OLD.title, OLD.introduction, OLD.body, OLD.all_subscribers) THEN
    RAISE EXCEPTION 'A newsletter that has been sent cannot be changed';
  END IF;
  IF OLD.status = 'sent' AND NEW.status <> 'sent' OR OLD.status = 'sending' AND NEW.status = 'draft' THEN
    RAISE EXCEPTION 'A newsletter that has been sent cannot be sent again';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER frozen BEFORE UPDATE OR DELETE ON newsletters
  FOR EACH ROW EXECUTE FUNCTION newsletters_frozen();

CREATE FUNCTION newsletter_parts_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM newsletters n
              WHERE n.id = coalesce(NEW.newsletter_id, OLD.newsletter_id) AND n.status <> 'draft') THEN
    RAISE EXCEPTION 'A newsletter that has been sent cannot be changed';
  END IF;
  RETURN coalesce(NEW, OLD);
END $$;

-- The published products a newsletter presents, in its order.
CREATE TABLE newsletter_products (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  newsletter_id uuid NOT NULL REFERENCES newsletters ON DELETE CASCADE,
  product_id uuid NOT NULL REFERENCES learning_products,
  position integer NOT NULL CHECK (position >= 0),
  PRIMARY KEY (newsletter_id, product_id)
);
CREATE INDEX newsletter_products_product ON newsletter_products (product_id);
ALTER TABLE newsletter_products ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON newsletter_products
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON newsletter_products
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
CREATE TRIGGER frozen BEFORE INSERT OR UPDATE OR DELETE ON newsletter_products
  FOR EACH ROW EXECUTE FUNCTION newsletter_parts_frozen();

-- The themes a newsletter goes to, when it goes only to some subscribers.
CREATE TABLE newsletter_themes (
  partnership_id uuid NOT NULL REFERENCES partnerships,
  newsletter_id uuid NOT NULL REFERENCES newsletters ON DELETE CASCADE,
  theme_id uuid NOT NULL REFERENCES themes,
  PRIMARY KEY (newsletter_id, theme_id)
);
CREATE INDEX newsletter_themes_theme ON newsletter_themes (theme_id);
ALTER TABLE newsletter_themes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON newsletter_themes
  USING (partnership_id = cascade_partnership_id())
  WITH CHECK (partnership_id = cascade_partnership_id());
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON newsletter_themes
  FOR EACH ROW EXECUTE FUNCTION cascade_audit();
CREATE TRIGGER frozen BEFORE INSERT OR UPDATE OR DELETE ON newsletter_themes
  FOR EACH ROW EXECUTE FUNCTION newsletter_parts_frozen();

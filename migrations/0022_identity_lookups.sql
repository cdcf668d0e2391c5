-- Who is asking, found in one call: the lookups that start every API request and every
-- signed-in page.

-- A user's memberships in every partnership, as both lookups give them.
CREATE FUNCTION cascade_memberships_json(of_user uuid) RETURNS json
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce(json_agg(json_build_object('role', m.role, 'agencyIds', m.agency_ids,
                                             'id', p.id, 'slug', p.slug, 'name', p.name)
                           ORDER BY p.name, m.role), '[]'::json)
    FROM memberships m JOIN partnerships p ON p.id = m.partnership_id
   WHERE m.user_id = of_user
$$;
REVOKE ALL ON FUNCTION cascade_memberships_json(uuid) FROM PUBLIC;

-- Every API request starts by finding its token. One call finds it, its user and the user's
-- memberships, and notes its last use (kept to the minute, so an integration's concurrent
-- requests do not queue for the token's row), with the given time as the clock its audit
-- event reads.
CREATE FUNCTION cascade_api_token(given_hash text, at timestamptz)
RETURNS TABLE (user_id uuid, partnership_id uuid, email text, display_name text, disabled boolean, memberships json)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
#variable_conflict use_column
BEGIN
  PERFORM set_config('cascade.now', at::text, true);
  UPDATE api_tokens t SET last_used_at = at
   WHERE t.token_hash = given_hash AND t.revoked_at IS NULL
     AND (t.last_used_at IS NULL OR t.last_used_at < at - interval '1 minute');
  RETURN QUERY
    SELECT t.user_id, t.partnership_id, u.email, u.display_name, u.disabled,
           cascade_memberships_json(t.user_id)
      FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = given_hash AND t.revoked_at IS NULL;
END $$;
REVOKE ALL ON FUNCTION cascade_api_token(text, timestamptz) FROM PUBLIC;

-- Every page a signed-in user asks for starts by finding their session. One call finds it,
-- its user and the user's memberships, and notes when it was last seen (at most once in
-- `touch_after`, and only while it is live), so a page costs one round trip to learn who asks.
CREATE FUNCTION cascade_session(given_hash text, at timestamptz, idle interval, touch_after interval)
RETURNS TABLE (user_id uuid, partnership_id uuid, last_seen_at timestamptz, expires_at timestamptz,
               revoked_at timestamptz, email text, display_name text, disabled boolean, memberships json)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
#variable_conflict use_column
BEGIN
  UPDATE user_sessions s SET last_seen_at = at
   WHERE s.id_hash = given_hash AND s.revoked_at IS NULL AND s.expires_at > at
     AND s.last_seen_at + idle > at AND s.last_seen_at < at - touch_after;
  RETURN QUERY
    SELECT s.user_id, s.current_partnership_id, s.last_seen_at, s.expires_at, s.revoked_at,
           u.email, u.display_name, u.disabled,
           cascade_memberships_json(s.user_id)
      FROM user_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id_hash = given_hash;
END $$;
REVOKE ALL ON FUNCTION cascade_session(text, timestamptz, interval, interval) FROM PUBLIC;

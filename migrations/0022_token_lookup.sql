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
           (SELECT coalesce(json_agg(json_build_object('role', m.role, 'agencyIds', m.agency_ids,
                                                       'id', p.id, 'slug', p.slug, 'name', p.name)
                                     ORDER BY p.name, m.role), '[]'::json)
              FROM memberships m JOIN partnerships p ON p.id = m.partnership_id
             WHERE m.user_id = t.user_id)
      FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = given_hash AND t.revoked_at IS NULL;
END $$;
REVOKE ALL ON FUNCTION cascade_api_token(text, timestamptz) FROM PUBLIC;

import type { Sql } from '#platform/db/database.ts'
import type { NewsletterInput, ThemeChoice } from './forms.ts'

export type NewsletterStatus = 'draft' | 'sending' | 'sent'

export type Newsletter = {
  id: string
  title: string
  introduction: string
  body: string
  allSubscribers: boolean
  status: NewsletterStatus
  recipients: number
  sendingFrom: Date | null
  sentAt: Date | null
  createdAt: Date
  /** The products it presents, in its order. */
  productIds: string[]
  /** The themes whose subscribers it goes to, when not to all. */
  themeIds: string[]
}

export type Subscription = { id: string; email: string; allThemes: boolean; themeIds: string[] }

/** Someone a batch is written to. */
export type Recipient = { id: string; email: string }

const newsletterColumns = `n.id, n.title, n.introduction, n.body, n.all_subscribers AS "allSubscribers", n.status,
  n.recipients, n.sending_from AS "sendingFrom", n.sent_at AS "sentAt", n.created_at AS "createdAt",
  coalesce((SELECT array_agg(p.product_id ORDER BY p.position) FROM newsletter_products p WHERE p.newsletter_id = n.id), '{}') AS "productIds",
  coalesce((SELECT array_agg(t.theme_id) FROM newsletter_themes t WHERE t.newsletter_id = n.id), '{}') AS "themeIds"`

const subscriptionColumns = `s.id, s.email, s.all_themes AS "allThemes",
  coalesce((SELECT array_agg(t.theme_id) FROM newsletter_subscriber_themes t WHERE t.subscriber_id = s.id), '{}') AS "themeIds"`

export function subscriptionOf(sql: Sql, email: string): Promise<Subscription | undefined> {
  return sql.maybeOne<Subscription>(
    `SELECT ${subscriptionColumns} FROM newsletter_subscribers s WHERE lower(s.email) = lower($1)`,
    [email],
  )
}

export function subscriptionById(sql: Sql, id: string): Promise<Subscription | undefined> {
  return sql.maybeOne<Subscription>(
    `SELECT ${subscriptionColumns} FROM newsletter_subscribers s WHERE s.id = $1`,
    [id],
  )
}

/**
 * Subscribes a confirmed address with these themes, or changes the themes of one that already
 * subscribes; the address keeps its first confirmation's date.
 */
export async function saveSubscription(
  sql: Sql,
  row: ThemeChoice & { partnershipId: string; email: string; userId: string | null; now: Date },
): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO newsletter_subscribers (partnership_id, email, user_id, all_themes, confirmed_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5, $5)
     ON CONFLICT (partnership_id, lower(email)) DO UPDATE
       SET all_themes = EXCLUDED.all_themes, user_id = coalesce(EXCLUDED.user_id, newsletter_subscribers.user_id),
           updated_at = EXCLUDED.updated_at
     RETURNING id`,
    [row.partnershipId, row.email, row.userId, row.allThemes, row.now],
  )
  await sql.query(
    `DELETE FROM newsletter_subscriber_themes WHERE subscriber_id = $1 AND NOT (theme_id = ANY($2::uuid[]))`,
    [id, row.themeIds],
  )
  await sql.query(
    `INSERT INTO newsletter_subscriber_themes (partnership_id, subscriber_id, theme_id)
     SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [row.partnershipId, id, row.themeIds],
  )
  return id
}

/** Ends a subscription: the address is no longer kept. False when there was none. */
export async function deleteSubscription(sql: Sql, id: string): Promise<boolean> {
  const gone = await sql.query('DELETE FROM newsletter_subscribers WHERE id = $1 RETURNING id', [id])
  return gone.length > 0
}

export async function subscriberCount(sql: Sql): Promise<number> {
  return (await sql.one<{ n: number }>('SELECT count(*)::int AS n FROM newsletter_subscribers')).n
}

/**
 * The next batch of subscribers after `after` (in id order) who hear of anything on these
 * themes: those who chose all themes, and those who chose any of them.
 */
export function subscribersOfThemes(
  sql: Sql,
  themeIds: readonly string[],
  after: string | null,
  limit: number,
): Promise<Recipient[]> {
  return sql.query<Recipient>(
    `SELECT s.id, s.email FROM newsletter_subscribers s
      WHERE ($1::uuid IS NULL OR s.id > $1)
        AND (s.all_themes OR EXISTS (SELECT 1 FROM newsletter_subscriber_themes t
                                      WHERE t.subscriber_id = s.id AND t.theme_id = ANY($2::uuid[])))
      ORDER BY s.id LIMIT $3`,
    [after, themeIds, limit],
  )
}

export function newsletterById(sql: Sql, id: string): Promise<Newsletter | undefined> {
  return sql.maybeOne<Newsletter>(`SELECT ${newsletterColumns} FROM newsletters n WHERE n.id = $1`, [id])
}

/** Every newsletter: drafts first, then the newest sent. */
export function allNewsletters(sql: Sql): Promise<Newsletter[]> {
  return sql.query<Newsletter>(
    `SELECT ${newsletterColumns} FROM newsletters n
      ORDER BY (n.status = 'sent'), n.sent_at DESC NULLS FIRST, n.created_at DESC, n.id`,
  )
}

/** The archive: sent newsletters, newest first. */
export function sentNewsletters(sql: Sql): Promise<Newsletter[]> {
  return sql.query<Newsletter>(
    `SELECT ${newsletterColumns} FROM newsletters n WHERE n.status = 'sent' ORDER BY n.sent_at DESC, n.id`,
  )
}

async function setParts(sql: Sql, partnershipId: string, id: string, input: NewsletterInput) {
  await sql.query('DELETE FROM newsletter_products WHERE newsletter_id = $1', [id])
  await sql.query(
    `INSERT INTO newsletter_products (partnership_id, newsletter_id, product_id, position)
     SELECT $1, $2, p.id, p.n - 1 FROM unnest($3::uuid[]) WITH ORDINALITY AS p(id, n)`,
    [partnershipId, id, input.productIds],
  )
  await sql.query('DELETE FROM newsletter_themes WHERE newsletter_id = $1', [id])
  await sql.query(
    `INSERT INTO newsletter_themes (partnership_id, newsletter_id, theme_id)
     SELECT $1, $2, unnest($3::uuid[])`,
    [partnershipId, id, input.themeIds],
  )
}

export async function insertNewsletter(
  sql: Sql,
  partnershipId: string,
  input: NewsletterInput,
  by: string | null,
): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO newsletters (partnership_id, title, introduction, body, all_subscribers, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [partnershipId, input.title, input.introduction, input.body, input.allSubscribers, by],
  )
  await setParts(sql, partnershipId, id, input)
  return id
}

/** Changes a draft; false when it is no longer one. */
export async function updateDraft(
  sql: Sql,
  partnershipId: string,
  id: string,
  input: NewsletterInput,
  now: Date,
): Promise<boolean> {
  const changed = await sql.query(
    `UPDATE newsletters SET title = $2, introduction = $3, body = $4, all_subscribers = $5, updated_at = $6
      WHERE id = $1 AND status = 'draft' RETURNING id`,
    [id, input.title, input.introduction, input.body, input.allSubscribers, now],
  )
  if (!changed.length) return false
  await setParts(sql, partnershipId, id, input)
  return true
}

/**
 * Starts sending a draft, in one statement: of two presses at once, one finds a draft and
 * the other finds none, so a newsletter starts sending once.
 */
export async function startSending(sql: Sql, id: string, now: Date, by: string | null): Promise<boolean> {
  const started = await sql.query(
    `UPDATE newsletters SET status = 'sending', sending_from = $2, sent_by = $3, updated_at = $2
      WHERE id = $1 AND status = 'draft' RETURNING id`,
    [id, now, by],
  )
  return started.length > 0
}

/** A newsletter being sent, held until this transaction ends so no one else writes its next batch. */
export function sendingHeld(sql: Sql, id: string) {
  return sql.maybeOne<{ sentThrough: string | null; sendingFrom: Date; allSubscribers: boolean }>(
    `SELECT sent_through AS "sentThrough", sending_from AS "sendingFrom", all_subscribers AS "allSubscribers"
       FROM newsletters WHERE id = $1 AND status = 'sending' FOR UPDATE`,
    [id],
  )
}

/** The next batch a newsletter goes to: subscribed when it started sending, of its themes unless to all. */
export function newsletterRecipients(
  sql: Sql,
  id: string,
  sending: { sentThrough: string | null; sendingFrom: Date; allSubscribers: boolean },
  limit: number,
): Promise<Recipient[]> {
  return sql.query<Recipient>(
    `SELECT s.id, s.email FROM newsletter_subscribers s
      WHERE ($2::uuid IS NULL OR s.id > $2) AND s.confirmed_at <= $3
        AND ($4 OR s.all_themes OR EXISTS (
              SELECT 1 FROM newsletter_subscriber_themes st
                JOIN newsletter_themes nt ON nt.theme_id = st.theme_id AND nt.newsletter_id = $1
               WHERE st.subscriber_id = s.id))
      ORDER BY s.id LIMIT $5`,
    [id, sending.sentThrough, sending.sendingFrom, sending.allSubscribers, limit],
  )
}

/** Counts a batch written to the outbox, and where the next begins. */
export function recordBatch(sql: Sql, id: string, written: number, through: string) {
  return sql.query(
    `UPDATE newsletters SET recipients = recipients + $2, sent_through = $3 WHERE id = $1 AND status = 'sending'`,
    [id, written, through],
  )
}

export function markSent(sql: Sql, id: string, now: Date) {
  return sql.query(
    `UPDATE newsletters SET status = 'sent', sent_at = $2, sent_through = NULL, updated_at = $2
      WHERE id = $1 AND status = 'sending'`,
    [id, now],
  )
}

/** Newsletters whose sending stopped before the last batch: for the job that finishes them. */
export async function stillSending(sql: Sql): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `SELECT id FROM newsletters WHERE status = 'sending' ORDER BY id`,
  )
  return rows.map((r) => r.id)
}

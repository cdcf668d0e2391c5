import type { Sql } from '#platform/db/database.ts'
import type { CaseAuditStatus, CaseGrade } from '../words.ts'

export type CaseAuditSummary = {
  id: string
  title: string
  themeId: string
  themeName: string
  status: CaseAuditStatus
  dueOn: string
  panelOn: string | null
  agencyCount: number
  caseCount: number
  /** Agencies' notices of escalations not yet acknowledged. */
  openNotices: number
  createdAt: Date
}

export type CaseAuditAgency = {
  agencyId: string
  agencyName: string
  leadUserId: string
  leadName: string
  leadEmail: string
}

export type CaseAuditCase = {
  id: string
  position: number
  grade: CaseGrade | null
  learning: string | null
  refs: { agencyId: string; agencyName: string; reference: string }[]
}

export type CaseAuditAnswer = {
  caseId: string
  questionId: string
  agencyId: string
  answer: string
  updatedAt: Date
}

export type EscalationNotice = {
  escalationId: string
  agencyId: string
  agencyName: string
  leadUserId: string
  leadName: string
  acknowledgedAt: Date | null
  acknowledgedByName: string | null
  acknowledgement: string | null
}

export type Escalation = {
  id: string
  caseId: string
  casePosition: number
  reason: string
  raisedAt: Date
  raisedByName: string | null
  notices: EscalationNotice[]
}

export type AuditFinding = {
  id: string
  text: string
  themes: string[]
  caseId: string | null
  createdAt: Date
}

export type CaseAuditRecord = CaseAuditSummary & {
  panelAttendees: string | null
  panelSummary: string | null
  questions: { id: string; position: number; text: string }[]
  agencies: CaseAuditAgency[]
  cases: CaseAuditCase[]
}

const day = (column: string, name: string) => `to_char(${column}, 'YYYY-MM-DD') AS "${name}"`

const summaryColumns = `c.id, c.title, c.theme_id AS "themeId", t.name AS "themeName", c.status,
  ${day('c.due_on', 'dueOn')}, ${day('c.panel_on', 'panelOn')},
  (SELECT count(*)::int FROM case_audit_agencies a WHERE a.case_audit_id = c.id) AS "agencyCount",
  (SELECT count(*)::int FROM case_audit_cases k WHERE k.case_audit_id = c.id) AS "caseCount",
  (SELECT count(*)::int FROM case_audit_escalation_notices n JOIN case_audit_escalations e ON e.id = n.escalation_id
     JOIN case_audit_cases k ON k.id = e.case_id WHERE k.case_audit_id = c.id AND n.acknowledged_at IS NULL) AS "openNotices",
  c.created_at AS "createdAt"`

/** The case audits matching the visibility condition, newest first. */
export function caseAuditsVisible(
  sql: Sql,
  visible: { where: string; values: unknown[] },
): Promise<CaseAuditSummary[]> {
  return sql.query<CaseAuditSummary>(
    `SELECT ${summaryColumns} FROM case_audits c JOIN themes t ON t.id = c.theme_id
      WHERE ${visible.where} ORDER BY c.created_at DESC, c.id`,
    visible.values,
  )
}

/** One case audit with its questions, agencies and sample; `forUpdate` holds it until the transaction ends. */
export async function caseAuditById(
  sql: Sql,
  id: string,
  forUpdate = false,
): Promise<CaseAuditRecord | undefined> {
  if (forUpdate) await sql.query('SELECT 1 FROM case_audits WHERE id = $1 FOR UPDATE', [id])
  return sql.maybeOne<CaseAuditRecord>(
    `SELECT ${summaryColumns}, c.panel_attendees AS "panelAttendees", c.panel_summary AS "panelSummary",
       coalesce((SELECT json_agg(json_build_object('id', q.id, 'position', q.position, 'text', q.text) ORDER BY q.position)
                   FROM case_audit_questions q WHERE q.case_audit_id = c.id), '[]') AS questions,
       coalesce((SELECT json_agg(json_build_object('agencyId', a.agency_id, 'agencyName', g.name, 'leadUserId', a.lead_user_id,
                   'leadName', u.display_name, 'leadEmail', u.email) ORDER BY lower(g.name), g.id)
                   FROM case_audit_agencies a JOIN agencies g ON g.id = a.agency_id JOIN users u ON u.id = a.lead_user_id
                  WHERE a.case_audit_id = c.id), '[]') AS agencies,
       coalesce((SELECT json_agg(json_build_object('id', k.id, 'position', k.position, 'grade', k.grade, 'learning', k.learning,
                   'refs', coalesce((SELECT json_agg(json_build_object('agencyId', r.agency_id, 'agencyName', g.name,
                                       'reference', r.reference) ORDER BY lower(g.name), g.id)
                                       FROM case_audit_case_refs r JOIN agencies g ON g.id = r.agency_id
                                      WHERE r.case_id = k.id), '[]')) ORDER BY k.position)
                   FROM case_audit_cases k WHERE k.case_audit_id = c.id), '[]') AS cases
       FROM case_audits c JOIN themes t ON t.id = c.theme_id WHERE c.id = $1`,
    [id],
  )
}

/** Every answer given in a case audit, or for one case of it. */
export function answersOf(
  sql: Sql,
  caseAuditId: string,
  caseId: string | null = null,
): Promise<CaseAuditAnswer[]> {
  return sql.query<CaseAuditAnswer>(
    `SELECT w.case_id AS "caseId", w.question_id AS "questionId", w.agency_id AS "agencyId", w.answer,
            w.updated_at AS "updatedAt"
       FROM case_audit_answers w JOIN case_audit_cases k ON k.id = w.case_id
      WHERE k.case_audit_id = $1 AND ($2::uuid IS NULL OR w.case_id = $2)`,
    [caseAuditId, caseId],
  )
}

/** The agency leads of an agency, first by email: whom an audit may name as its lead. */
export function agencyLeads(sql: Sql, agencyIds: readonly string[]) {
  return sql.query<{ agencyId: string; userId: string; name: string; email: string }>(
    `SELECT x AS "agencyId", u.id AS "userId", u.display_name AS name, u.email
       FROM memberships m JOIN users u ON u.id = m.user_id, unnest(m.agency_ids) x
      WHERE m.role = 'agency-lead' AND NOT u.disabled AND x = ANY($1::uuid[])
      ORDER BY lower(u.email), u.id`,
    [agencyIds],
  )
}

export async function insertCaseAudit(
  sql: Sql,
  partnershipId: string,
  input: {
    title: string
    themeId: string
    dueOn: string
    questions: readonly string[]
    createdBy: string | null
  },
  agencies: readonly { agencyId: string; leadUserId: string }[],
): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO case_audits (partnership_id, title, theme_id, due_on, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [partnershipId, input.title, input.themeId, input.dueOn, input.createdBy],
  )
  await sql.query(
    `INSERT INTO case_audit_questions (partnership_id, case_audit_id, position, text)
     SELECT $1, $2, q.n, q.text FROM unnest($3::text[]) WITH ORDINALITY AS q(text, n)`,
    [partnershipId, id, input.questions],
  )
  await sql.query(
    `INSERT INTO case_audit_agencies (partnership_id, case_audit_id, agency_id, lead_user_id)
     SELECT $1, $2, a, l FROM unnest($3::uuid[], $4::uuid[]) AS x(a, l)`,
    [partnershipId, id, agencies.map((a) => a.agencyId), agencies.map((a) => a.leadUserId)],
  )
  return id
}

/** Adds a case at the end of the sample: "Case N". */
export async function insertCase(sql: Sql, partnershipId: string, caseAuditId: string): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO case_audit_cases (partnership_id, case_audit_id, position)
     SELECT $1, $2, coalesce(max(position), 0) + 1 FROM case_audit_cases WHERE case_audit_id = $2 RETURNING id`,
    [partnershipId, caseAuditId],
  )
  return id
}

/** Sets agencies' references for a case, replacing a reference the agency gave before. */
export function upsertReferences(
  sql: Sql,
  partnershipId: string,
  caseId: string,
  refs: readonly { agencyId: string; reference: string }[],
): Promise<unknown> {
  return sql.query(
    `INSERT INTO case_audit_case_refs (partnership_id, case_id, agency_id, reference)
     SELECT $1, $2, r.a, r.ref FROM unnest($3::uuid[], $4::text[]) AS r(a, ref)
     ON CONFLICT (case_id, agency_id) DO UPDATE SET reference = EXCLUDED.reference
       WHERE case_audit_case_refs.reference IS DISTINCT FROM EXCLUDED.reference`,
    [partnershipId, caseId, refs.map((r) => r.agencyId), refs.map((r) => r.reference)],
  )
}

export function setStatus(sql: Sql, id: string, status: CaseAuditStatus, now: Date): Promise<unknown> {
  return sql.query('UPDATE case_audits SET status = $2, updated_at = $3 WHERE id = $1', [id, status, now])
}

/** Saves one agency's answers to a case: blanks take an earlier answer away. */
export async function saveAnswers(
  sql: Sql,
  partnershipId: string,
  caseId: string,
  agencyId: string,
  answers: readonly { questionId: string; answer: string }[],
  by: string | null,
  now: Date,
): Promise<void> {
  const given = answers.filter((a) => a.answer)
  const blank = answers.filter((a) => !a.answer).map((a) => a.questionId)
  if (blank.length)
    await sql.query(
      'DELETE FROM case_audit_answers WHERE case_id = $1 AND agency_id = $2 AND question_id = ANY($3::uuid[])',
      [caseId, agencyId, blank],
    )
  if (given.length)
    await sql.query(
      `INSERT INTO case_audit_answers (partnership_id, case_id, question_id, agency_id, answer, updated_by, updated_at)
       SELECT $1, $2, w.q, $3, w.answer, $6, $7 FROM unnest($4::uuid[], $5::text[]) AS w(q, answer)
       ON CONFLICT (case_id, question_id, agency_id) DO UPDATE
         SET answer = EXCLUDED.answer, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
         WHERE case_audit_answers.answer IS DISTINCT FROM EXCLUDED.answer`,
      [partnershipId, caseId, agencyId, given.map((a) => a.questionId), given.map((a) => a.answer), by, now],
    )
}

export function writePanel(
  sql: Sql,
  id: string,
  panel: { panelOn: string; attendees: string; summary: string },
  now: Date,
): Promise<unknown> {
  return sql.query(
    `UPDATE case_audits SET panel_on = $2, panel_attendees = $3, panel_summary = $4, updated_at = $5 WHERE id = $1`,
    [id, panel.panelOn, panel.attendees, panel.summary, now],
  )
}

export function writeGrade(
  sql: Sql,
  caseId: string,
  grade: { grade: CaseGrade; learning: string },
  by: string | null,
  now: Date,
): Promise<unknown> {
  return sql.query(
    'UPDATE case_audit_cases SET grade = $2, learning = $3, graded_by = $4, graded_at = $5 WHERE id = $1',
    [caseId, grade.grade, grade.learning, by, now],
  )
}

/** A case audit's findings, in the order the panel recorded them. */
export function auditFindingsOf(sql: Sql, caseAuditId: string): Promise<AuditFinding[]> {
  return sql.query<AuditFinding>(
    `SELECT f.id, f.text, f.case_id AS "caseId", f.created_at AS "createdAt",
       coalesce((SELECT array_agg(ft.theme_id ORDER BY ft.theme_id) FROM finding_themes ft WHERE ft.finding_id = f.id), '{}') AS themes
       FROM findings f WHERE f.case_audit_id = $1 ORDER BY f.created_at, f.id`,
    [caseAuditId],
  )
}

/** Each escalation of a case audit, newest first, with every agency's notice. */
export function escalationsOf(sql: Sql, caseAuditId: string): Promise<Escalation[]> {
  return sql.query<Escalation>(
    `SELECT e.id, e.case_id AS "caseId", k.position AS "casePosition", e.reason, e.raised_at AS "raisedAt",
       coalesce(u.display_name, e.raised_by_label) AS "raisedByName",
       coalesce((SELECT json_agg(json_build_object('escalationId', n.escalation_id, 'agencyId', n.agency_id,
                   'agencyName', g.name, 'leadUserId', n.lead_user_id, 'leadName', lu.display_name,
                   'acknowledgedAt', n.acknowledged_at, 'acknowledgedByName', au.display_name,
                   'acknowledgement', n.acknowledgement) ORDER BY lower(g.name), g.id)
                   FROM case_audit_escalation_notices n JOIN agencies g ON g.id = n.agency_id
                   JOIN users lu ON lu.id = n.lead_user_id LEFT JOIN users au ON au.id = n.acknowledged_by
                  WHERE n.escalation_id = e.id), '[]') AS notices
       FROM case_audit_escalations e JOIN case_audit_cases k ON k.id = e.case_id
       LEFT JOIN users u ON u.id = e.raised_by
      WHERE k.case_audit_id = $1 ORDER BY e.raised_at DESC, e.id`,
    [caseAuditId],
  )
}

export async function insertEscalation(
  sql: Sql,
  partnershipId: string,
  caseId: string,
  reason: string,
  by: { user: string | null; label: string | null },
  notices: readonly { agencyId: string; leadUserId: string }[],
  now: Date,
): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO case_audit_escalations (partnership_id, case_id, reason, raised_by, raised_by_label, raised_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [partnershipId, caseId, reason, by.user, by.label, now],
  )
  await sql.query(
    `INSERT INTO case_audit_escalation_notices (partnership_id, escalation_id, agency_id, lead_user_id)
     SELECT $1, $2, a, l FROM unnest($3::uuid[], $4::uuid[]) AS x(a, l)`,
    [partnershipId, id, notices.map((n) => n.agencyId), notices.map((n) => n.leadUserId)],
  )
  return id
}

/** Records an agency's acknowledgement, once: false when it was already acknowledged. */
export async function acknowledgeNotice(
  sql: Sql,
  escalationId: string,
  agencyId: string,
  note: string,
  by: string,
  now: Date,
): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE case_audit_escalation_notices SET acknowledged_by = $3, acknowledged_at = $4, acknowledgement = $5
      WHERE escalation_id = $1 AND agency_id = $2 AND acknowledged_at IS NULL RETURNING 1`,
    [escalationId, agencyId, by, now, note],
  )
  return rows.length === 1
}

/**
 * Notices waiting for the user's acknowledgement: those naming them as the agency's lead, and
 * those of agencies they lead. For the home to-do.
 */
export function noticesAwaiting(
  sql: Sql,
  userId: string,
  ledAgencyIds: readonly string[],
): Promise<{ caseAuditId: string; escalationId: string; title: string; agencyName: string }[]> {
  return sql.query(
    `SELECT k.case_audit_id AS "caseAuditId", e.id AS "escalationId", c.title, g.name AS "agencyName"
       FROM case_audit_escalation_notices n JOIN case_audit_escalations e ON e.id = n.escalation_id
       JOIN case_audit_cases k ON k.id = e.case_id JOIN case_audits c ON c.id = k.case_audit_id
       JOIN agencies g ON g.id = n.agency_id
      WHERE n.acknowledged_at IS NULL AND (n.lead_user_id = $1 OR n.agency_id = ANY($2::uuid[]))
      ORDER BY e.raised_at, e.id, lower(g.name)`,
    [userId, ledAgencyIds],
  )
}

/** An escalation notice not yet acknowledged nor chased, with what its chaser says. */
export type UnacknowledgedNotice = {
  escalationId: string
  agencyId: string
  agencyName: string
  caseAuditId: string
  auditTitle: string
  reference: string
  raisedAt: Date
  leadEmail: string
  leadName: string
}

export function unacknowledgedNotices(sql: Sql): Promise<UnacknowledgedNotice[]> {
  return sql.query<UnacknowledgedNotice>(
    `SELECT n.escalation_id AS "escalationId", n.agency_id AS "agencyId", g.name AS "agencyName",
            k.case_audit_id AS "caseAuditId", ca.title AS "auditTitle", r.reference, e.raised_at AS "raisedAt",
            lu.email AS "leadEmail", lu.display_name AS "leadName"
       FROM case_audit_escalation_notices n
       JOIN users lu ON lu.id = n.lead_user_id
       JOIN case_audit_escalations e ON e.id = n.escalation_id
       JOIN case_audit_cases k ON k.id = e.case_id
       JOIN case_audits ca ON ca.id = k.case_audit_id
       JOIN agencies g ON g.id = n.agency_id
       JOIN case_audit_case_refs r ON r.case_id = k.id AND r.agency_id = n.agency_id
      WHERE n.acknowledged_at IS NULL AND n.chased_at IS NULL
      ORDER BY e.raised_at, n.escalation_id, n.agency_id`,
  )
}

/**
 * Claims the notices to chase in one statement, so two runs at once never chase one twice:
 * only the notices this call marked are returned.
 */
export function claimChases(
  sql: Sql,
  notices: readonly { escalationId: string; agencyId: string }[],
  now: Date,
): Promise<{ escalationId: string; agencyId: string }[]> {
  return sql.query(
    `UPDATE case_audit_escalation_notices n SET chased_at = $3
       FROM unnest($1::uuid[], $2::uuid[]) AS x(e, a)
      WHERE n.escalation_id = x.e AND n.agency_id = x.a AND n.chased_at IS NULL AND n.acknowledged_at IS NULL
      RETURNING n.escalation_id AS "escalationId", n.agency_id AS "agencyId"`,
    [notices.map((n) => n.escalationId), notices.map((n) => n.agencyId), now],
  )
}

import { stringify } from 'csv-stringify/sync'
import { checkEvidence, keptFilename } from '#features/actions/evidence.ts'
import { sectorNames } from '#features/directory/page-forms.ts'
import { neutraliseFormula } from '#features/directory/rules.ts'
import type { ProductHeadline } from '#features/learning/index.ts'
import { productHeadlines, publishedProductsOfReviews } from '#features/learning/index.ts'
import type { PolicyService } from '#features/policy/service.ts'
import { reviewOverseers, visibleReviewsSql } from '#features/reviews/visibility.ts'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf, londonDateText } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf, systemContext } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type { Email } from '#platform/mail/outbox.ts'
import { enqueueEmails } from '#platform/mail/outbox.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import type { Links } from './emails.ts'
import { sentToLead, staffLinks } from './emails.ts'
import type { RecordInput } from './forms.ts'
import { confirmationToken, readConfirmationToken } from './links.ts'
import type { AgencyFacts, AgencyRef, ConfirmingPerson, DisseminationRecord } from './queries.ts'
import {
  agencyFacts,
  agencyRef,
  claimStaffLinks,
  confirmationsOf,
  currentAgencies,
  evidenceFile,
  insertConfirmation,
  insertEvidence,
  insertRecord,
  insertSends,
  leadsOf,
  personById,
  personOfUser,
  productsSentTo,
  recordsOf,
  sentVersions,
  unanswered,
} from './queries.ts'
import type { ConfirmationKind, DisseminationStatus } from './rules.ts'
import {
  addDays,
  chaseStage,
  disseminationMethodNames,
  disseminationStatusNames,
  disseminationStatusTags,
  headcountWarning,
  inAudience,
  reachOf as reachRule,
  statusOf,
} from './rules.ts'

/** One agency's dissemination of one product: what the matrix, the API and other features read. */
export type AgencyReach = {
  productId: string
  agencyId: string
  agencyName: string
  sector: string
  status: DisseminationStatus
  /** Why the status is what it is, in words. */
  reason: string
  /** The staff the agency's records add up to. */
  staffReached: number
  headcount: number
  /** Whether the headcount is the agency's declared one, rather than its active people counted. */
  headcountDeclared: boolean
  /** The share of the headcount reached (records or confirmations, the larger, capped); null with no headcount. */
  reachPercent: number | null
  aboveHeadcount: boolean
  /** Practitioners' one-click confirmations, each person once per kind. */
  confirmations: number
  confirmedPeople: number
  firstSentAt: Date | null
  sentVersion: number | null
  lastRecordedAt: Date | null
}

/** The roles that send products to agencies and record for any agency. */
export const disseminationEditors = ['admin', 'subgroup'] as const
/** The roles that read the matrices: overseers every agency, a lead their own. */
export const disseminationReaders = [...reviewOverseers, 'agency-lead'] as const

const edits = (ctx: Context) => disseminationEditors.some((role) => ctx.actor.roles.includes(role))
const oversees = (ctx: Context) => reviewOverseers.some((role) => ctx.actor.roles.includes(role))
const leads = (ctx: Context, agencyId: string) =>
  ctx.actor.roles.includes('agency-lead') && ctx.actor.agencyIds.includes(agencyId)

/** The agencies whose rows the actor sees: every one for overseers (null), a lead's own otherwise. */
const rowScope = (ctx: Context): readonly string[] | null =>
  oversees(ctx) ? null : ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []

function present(facts: AgencyFacts): AgencyReach {
  const decision = statusOf({
    sent: facts.firstSentAt !== null,
    acknowledgements: facts.acknowledgements,
    disseminations: facts.disseminations,
  })
  const reach = reachRule({
    staffReached: [facts.staffReached],
    confirmedPeople: facts.confirmedPeople,
    headcount: facts.headcount,
  })
  return {
    productId: facts.productId,
    agencyId: facts.agencyId,
    agencyName: facts.agencyName,
    sector: facts.sector,
    status: decision.status,
    reason: decision.reason,
    staffReached: reach.staffReached,
    headcount: facts.headcount,
    headcountDeclared: facts.headcountDeclared,
    reachPercent: reach.percent,
    aboveHeadcount: reach.aboveHeadcount,
    confirmations: facts.confirmations,
    confirmedPeople: facts.confirmedPeople,
    firstSentAt: facts.firstSentAt,
    sentVersion: facts.sentVersion,
    lastRecordedAt: facts.lastRecordedAt,
  }
}

/**
 * Each agency's dissemination of each of these products: the agencies in the product's
 * audience (current ones), and any other it was sent to or that recorded something for it.
 * Only these agencies, when named. Knowledge audits set their results beside this; reports read it.
 */
export async function reachOf(
  sql: Sql,
  productIds: readonly string[],
  agencyIds: readonly string[] | null = null,
): Promise<AgencyReach[]> {
  const products = await productHeadlines(sql, productIds)
  const audience = new Map(products.map((p) => [p.id, p.audience]))
  const facts = await agencyFacts(
    sql,
    products.map((p) => p.id),
    agencyIds,
  )
  return facts
    .filter(
      (f) =>
        (!f.archived && inAudience(f, audience.get(f.productId) ?? {})) ||
        f.firstSentAt !== null ||
        f.acknowledgements + f.disseminations + f.confirmations > 0,
    )
    .map(present)
}

export type SendResult = {
  /** Agencies in the product's audience. */
  inAudience: number
  /** Agencies sent it now (for the first time, or the new version). */
  sent: number
  /** Of those, agencies that had an earlier version and were sent the new one. */
  resent: number
  /** Agencies in the audience already sent this (or, without resending, any) version. */
  alreadySent: number
  /** Agency leads emailed. */
  emails: number
  /** Agencies sent it with no agency lead to email. */
  withoutLead: string[]
}

export type SendOptions = {
  /** The service's address, for the links in the emails. */
  publicUrl: string
  /** Also send the current version to agencies sent an earlier one. */
  resend?: boolean
}

const linksFor = (publicUrl: string): Links => ({
  product: (productId) => `${publicUrl}/learning/${productId}`,
  record: (productId, agencyId) => `${publicUrl}/learning/${productId}/dissemination/${agencyId}`,
  toPassOn: `${publicUrl}/learning/to-pass-on`,
  overdue: `${publicUrl}/learning/dissemination/overdue`,
})

/**
 * Sends a published product to the agencies in its audience (every current agency when the
 * audience is empty): emails each agency lead once, naming the agencies they lead, and records
 * per agency that it was sent. Agencies already sent it are left out, unless `resend` asks for
 * the current version to go to those sent an earlier one. Runs in the caller's transaction, so
 * publishing can send in the same commit; the caller calls `mailQueued()` after it commits.
 */
export async function sendToAgencies(
  sql: Sql,
  ctx: Context,
  productId: string,
  options: SendOptions,
): Promise<SendResult> {
  requireRole(ctx, ...disseminationEditors)
  const [product] = isUuid(productId) ? await productHeadlines(sql, [productId]) : []
  if (!product) throw new NotFoundError('Learning product')
  if (product.status !== 'published')
    throw new ConflictError('Only a published product can be sent to agencies: publish it first')
  const audience = (await currentAgencies(sql)).filter((a) => inAudience(a, product.audience))
  const earlier = await sentVersions(sql, product.id)
  const targets = audience.filter((a) => {
    const version = earlier.get(a.id)
    return version === undefined || (options.resend === true && version < product.version)
  })
  const leads = await leadsOf(
    sql,
    targets.map((a) => a.id),
  )
  const links = linksFor(options.publicUrl)
  const emails: Email[] = []
  for (const lead of leads) {
    const theirs = targets.filter((a) => lead.agencyIds.includes(a.id))
    if (!theirs.length) continue
    const resent = theirs.some((a) => earlier.has(a.id))
    emails.push(sentToLead(lead, product, theirs, ctx.partnership.name, links, resent))
  }
  const leadsPer = (agencyId: string) => leads.filter((l) => l.agencyIds.includes(agencyId)).length
  await insertSends(
    sql,
    ctx.partnership.id,
    product.id,
    product.version,
    targets.map((a) => ({ agencyId: a.id, leadsEmailed: leadsPer(a.id) })),
    { byUser: ctx.actor.userId, byLabel: ctx.actor.userId ? null : (ctx.actor.label ?? null) },
  )
  await enqueueEmails(sql, ctx.partnership.id, emails)
  return {
    inAudience: audience.length,
    sent: targets.length,
    resent: targets.filter((a) => earlier.has(a.id)).length,
    alreadySent: audience.length - targets.length,
    emails: emails.length,
    withoutLead: targets.filter((a) => leadsPer(a.id) === 0).map((a) => a.name),
  }
}

/** A file sent with a record, as the page's form reads it. */
export type EvidenceUpload = { filename: string; bytes: Buffer }

/** A record saved, or not yet: the warnings to confirm first. */
export type RecordOutcome =
  | { saved: true; id: string; warnings: string[] }
  | { saved: false; warnings: string[] }

/** What the product page's dissemination panel shows its viewer. */
export type Panel = {
  canSend: boolean
  canSeeMatrix: boolean
  /** The agencies the viewer leads, with their status, to record for. */
  myAgencies: (AgencyReach & { href: string; statusName: string; statusTag: string })[]
  /** The viewer's own confirmations; null when they have no directory record to count them under. */
  confirmed: Record<ConfirmationKind, Date | null> | null
}

/** One agency's page for one product: its status and reach, its records and what the viewer may do. */
export type AgencyPage = {
  product: ProductHeadline
  agency: AgencyRef
  reach: AgencyReach
  records: DisseminationRecord[]
  canRecord: boolean
}

/** A matrix of agencies (rows) by products (columns). */
export type Matrix = {
  products: ProductHeadline[]
  agencies: { agencyId: string; agencyName: string; sector: string; cells: (AgencyReach | null)[] }[]
}

/** A confirmation link read: what it confirms, and when it was, if it was already. */
export type LinkedConfirmation =
  | { ok: false }
  | {
      ok: true
      partnership: PartnershipRef
      product: { id: string; title: string }
      kind: ConfirmationKind
      confirmedAt: Date | null
    }

/**
 * Dissemination of learning products: sending them to agencies, agencies' records of how
 * they passed them on, practitioners' one-click confirmations, and the matrices that show
 * who has done what.
 */
export function createDisseminationService(deps: {
  db: Database
  clock: Clock
  policy: Pick<PolicyService, 'rulesOn'>
  partnerships: Pick<Partnerships, 'bySlug'>
  publicUrl: string
  secret: string
  mailQueued?: () => void
}) {
  const { db, clock } = deps
  const today = () => londonDateOf(clock.now())
  const by = (ctx: Context) => ({
    byUser: ctx.actor.userId,
    byLabel: ctx.actor.userId ? null : (ctx.actor.label ?? null),
  })

  /** A product the actor may see here: a draft only its editors see; anything else is not found. */
  async function productFor(ctx: Context, sql: Sql, id: string): Promise<ProductHeadline> {
    const [product] = isUuid(id) ? await productHeadlines(sql, [id]) : []
    if (!product || (product.status === 'draft' && !edits(ctx))) throw new NotFoundError('Learning product')
    return product
  }

  /** The agency, which must exist: unknown in a body is a mistake in it, in an address not found. */
  async function agencyFor(sql: Sql, id: string, field?: string): Promise<AgencyRef> {
    const agency = isUuid(id) ? await agencyRef(sql, id) : undefined
    if (!agency) {
      if (field)
        throw new ValidationError([{ field, text: 'Select an agency from the partnership’s directory' }])
      throw new NotFoundError('Agency')
    }
    return agency
  }

  function refuseOtherAgency(ctx: Context, agency: AgencyRef) {
    if (!edits(ctx) && !leads(ctx, agency.id))
      throw new ForbiddenError(
        `You can record dissemination only for the agencies you lead, not ${agency.name}`,
      )
  }

  async function facts(sql: Sql, productId: string, agencyId: string): Promise<AgencyReach> {
    const [found] = await agencyFacts(sql, [productId], [agencyId])
    if (!found) throw new NotFoundError('Agency')
    return present(found)
  }

  function tokenFor(partnershipId: string, productId: string, personId: string, kind: ConfirmationKind) {
    return confirmationToken(deps.secret, partnershipId, productId, { personId, kind })
  }

  function matrixOf(products: ProductHeadline[], rows: AgencyReach[]): Matrix {
    const agencies = new Map<string, Matrix['agencies'][number]>()
    const column = new Map(products.map((p, i) => [p.id, i]))
    for (const row of rows) {
      let agency = agencies.get(row.agencyId)
      if (!agency) {
        agency = {
          agencyId: row.agencyId,
          agencyName: row.agencyName,
          sector: row.sector,
          cells: products.map(() => null),
        }
        agencies.set(row.agencyId, agency)
      }
      agency.cells[column.get(row.productId) ?? 0] = row
    }
    return {
      products,
      agencies: [...agencies.values()].sort((a, b) => a.agencyName.localeCompare(b.agencyName, 'en-GB')),
    }
  }

  function csvOf(products: ProductHeadline[], rows: AgencyReach[]): string {
    const title = new Map(products.map((p) => [p.id, p.title]))
    const when = (at: Date | null) => (at ? londonDateOf(new Date(at)) : '')
    return stringify(
      rows.map((r) =>
        [
          title.get(r.productId) ?? '',
          r.agencyName,
          sectorNames[r.sector as keyof typeof sectorNames] ?? r.sector,
          disseminationStatusNames[r.status],
          String(r.staffReached),
          String(r.headcount),
          r.headcountDeclared ? 'Declared' : 'Active people in the directory',
          r.reachPercent === null ? '' : String(r.reachPercent),
          String(r.confirmations),
          when(r.firstSentAt),
          r.sentVersion === null ? '' : String(r.sentVersion),
          when(r.lastRecordedAt),
        ].map(neutraliseFormula),
      ),
      {
        header: true,
        columns: [
          'Product',
          'Agency',
          'Sector',
          'Status',
          'Staff reached',
          'Headcount',
          'Headcount from',
          'Reach (% of headcount)',
          'Practitioner confirmations',
          'First sent',
          'Version sent',
          'Last recorded',
        ],
      },
    )
  }

  async function reviewMatrixOf(ctx: Context, reviewId: string) {
    requireRole(ctx, ...disseminationReaders)
    return db.tenant(scopeOf(ctx), async (sql) => {
      const visible = visibleReviewsSql(ctx, 'r', 2)
      const review = isUuid(reviewId)
        ? await sql.maybeOne<{ id: string; reference: string; title: string }>(
            `SELECT r.id, r.reference, r.title FROM reviews r WHERE r.id = $1 AND ${visible.where}`,
            [reviewId, ...visible.values],
          )
        : undefined
      if (!review) throw new NotFoundError('Review')
      const products = await publishedProductsOfReviews(sql, [review.id])
      const rows = await reachOf(
        sql,
        products.map((p) => p.id),
        rowScope(ctx),
      )
      return { review, products, rows }
    })
  }

  async function productMatrixOf(ctx: Context, productId: string) {
    requireRole(ctx, ...disseminationReaders)
    return db.tenant(scopeOf(ctx), async (sql) => {
      const product = await productFor(ctx, sql, productId)
      return { product, rows: await reachOf(sql, [product.id], rowScope(ctx)) }
    })
  }

  /** What has waited past the reminder and a second period, by the policy in force today. */
  async function overdueOf(ctx: Context, agencyIds: readonly string[] | null) {
    const day = today()
    const { disseminationReminderDays } = await deps.policy.rulesOn(ctx, day)
    const days = disseminationReminderDays
    const waiting = await db.tenant(scopeOf(ctx), (sql) => unanswered(sql, addDays(day, -days), agencyIds))
    const items = waiting.filter(
      (u) => chaseStage({ firstSentOn: u.firstSentOn, today: day, days, answered: false }) === 'overdue',
    )
    return { items, days }
  }

  return {
    today,

    /** Sends a published product to its audience's agencies (see `sendToAgencies`). */
    async send(ctx: Context, productId: string, options: { resend?: boolean } = {}): Promise<SendResult> {
      requireRole(ctx, ...disseminationEditors)
      const result = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('learning.send')
        return sendToAgencies(sql, ctx, productId, { publicUrl: deps.publicUrl, resend: options.resend })
      })
      if (result.emails) deps.mailQueued?.()
      return result
    },

    /** The product's matrix: every agency for overseers, a lead's own agencies for a lead. */
    async productMatrix(
      ctx: Context,
      productId: string,
    ): Promise<{ product: ProductHeadline; rows: AgencyReach[] }> {
      return productMatrixOf(ctx, productId)
    },

    async productMatrixCsv(
      ctx: Context,
      productId: string,
    ): Promise<{ product: ProductHeadline; csv: string }> {
      const { product, rows } = await productMatrixOf(ctx, productId)
      return { product, csv: csvOf([product], rows) }
    },

    /** A review's matrix: agencies by the review's published products. */
    async reviewMatrix(ctx: Context, reviewId: string) {
      const { review, products, rows } = await reviewMatrixOf(ctx, reviewId)
      return { review, matrix: matrixOf(products, rows) }
    },

    async reviewMatrixCsv(ctx: Context, reviewId: string): Promise<{ reference: string; csv: string }> {
      const { review, products, rows } = await reviewMatrixOf(ctx, reviewId)
      return { reference: review.reference, csv: csvOf(products, rows) }
    },

    /** One agency's page for a product; a lead sees only the agencies they lead. */
    async agencyPage(ctx: Context, productId: string, agencyId: string): Promise<AgencyPage> {
      requireRole(ctx, ...disseminationReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const product = await productFor(ctx, sql, productId)
        const agency = await agencyFor(sql, agencyId)
        if (!oversees(ctx)) refuseOtherAgency(ctx, agency)
        return {
          product,
          agency,
          reach: await facts(sql, product.id, agency.id),
          records: await recordsOf(sql, product.id, agency.id),
          canRecord: product.status === 'published' && (edits(ctx) || leads(ctx, agency.id)),
        }
      })
    },

    /**
     * Records how an agency passed a product on. Refused: a date in the future, no note and no
     * file, a file not taken as evidence, another agency's record by a lead (403). Staff
     * reached above the agency's headcount is saved only once confirmed, with the warning kept
     * in the answer; the API confirms by sending.
     */
    async record(
      ctx: Context,
      productId: string,
      input: RecordInput,
      options: { file?: EvidenceUpload; confirmAboveHeadcount: boolean },
    ): Promise<RecordOutcome> {
      requireRole(ctx, ...disseminationEditors, 'agency-lead')
      const { file } = options
      const checked = file ? await checkEvidence(file.bytes) : null
      return db.tenant(scopeOf(ctx), async (sql) => {
        const product = await productFor(ctx, sql, productId)
        const agency = await agencyFor(sql, input.agencyId, 'agencyId')
        refuseOtherAgency(ctx, agency)
        if (product.status !== 'published')
          throw new ConflictError(
            'This product has been withdrawn: dissemination is no longer recorded for it',
          )
        const errors: FieldError[] = []
        if (input.on > today())
          errors.push({ field: 'on', text: 'The date it was passed on must be today or in the past' })
        if (!input.note && !file)
          errors.push({
            field: 'note',
            text: 'Add a note or choose a file as evidence of how it was passed on',
          })
        if (checked && !checked.ok) errors.push({ field: 'file', text: checked.message })
        if (errors.length) throw new ValidationError(errors)
        const reach = await facts(sql, product.id, agency.id)
        const warning = headcountWarning({
          earlier: reach.staffReached,
          adding: input.staffReached,
          headcount: reach.headcount,
          agencyName: agency.name,
        })
        const warnings = warning ? [warning] : []
        if (warning && !options.confirmAboveHeadcount) return { saved: false, warnings }
        await sql.auditAs('learning.record-dissemination')
        const { id } = await insertRecord(sql, ctx.partnership.id, {
          productId: product.id,
          agencyId: agency.id,
          kind: 'dissemination',
          how: input.how,
          onDate: input.on,
          staffReached: input.staffReached,
          headcount: reach.headcount,
          note: input.note,
          ...by(ctx),
        })
        if (file && checked?.ok)
          await insertEvidence(sql, ctx.partnership.id, id, {
            filename: keptFilename(file.filename),
            contentType: checked.contentType,
            content: file.bytes,
          })
        return { saved: true, id, warnings }
      })
    },

    /** "We have received this and will pass it on": once per agency and product; again changes nothing. */
    async acknowledge(ctx: Context, productId: string, agencyId: string): Promise<{ already: boolean }> {
      requireRole(ctx, ...disseminationEditors, 'agency-lead')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const product = await productFor(ctx, sql, productId)
        const agency = await agencyFor(sql, agencyId)
        refuseOtherAgency(ctx, agency)
        const reach = await facts(sql, product.id, agency.id)
        if (reach.status === 'acknowledged' || reach.status === 'disseminated') return { already: true }
        await sql.auditAs('learning.acknowledge')
        await insertRecord(sql, ctx.partnership.id, {
          productId: product.id,
          agencyId: agency.id,
          kind: 'acknowledgement',
          how: null,
          onDate: null,
          staffReached: null,
          headcount: null,
          note: null,
          ...by(ctx),
        })
        return { already: false }
      })
    },

    /** An evidence file, only to those who may see the agency's page. */
    async evidence(ctx: Context, productId: string, agencyId: string, fileId: string) {
      requireRole(ctx, ...disseminationReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const product = await productFor(ctx, sql, productId)
        const agency = await agencyFor(sql, agencyId)
        if (!oversees(ctx)) refuseOtherAgency(ctx, agency)
        const file = isUuid(fileId) ? await evidenceFile(sql, product.id, agency.id, fileId) : undefined
        if (!file) throw new NotFoundError('Evidence')
        return file
      })
    },

    /**
     * Emails each active person of the agency their own one-click links to confirm they read the
     * product or discussed it in supervision; each person once per product, however often asked.
     */
    async emailStaffLinks(ctx: Context, productId: string, agencyId: string): Promise<number> {
      requireRole(ctx, ...disseminationEditors, 'agency-lead')
      const sent = await db.tenant(scopeOf(ctx), async (sql) => {
        const product = await productFor(ctx, sql, productId)
        const agency = await agencyFor(sql, agencyId)
        refuseOtherAgency(ctx, agency)
        if (product.status !== 'published') throw new ConflictError('This product is not published')
        await sql.auditAs('learning.email-staff-links')
        const people = await claimStaffLinks(sql, ctx.partnership.id, product.id, agency.id)
        const base = `${deps.publicUrl}/p/${ctx.partnership.slug}/learning/${product.id}/confirm?token=`
        const emails = people.map((p) =>
          staffLinks(p, product, agency.name, {
            product: `${deps.publicUrl}/learning/${product.id}`,
            read: base + tokenFor(ctx.partnership.id, product.id, p.id, 'read'),
            supervision: base + tokenFor(ctx.partnership.id, product.id, p.id, 'supervision'),
          }),
        )
        await enqueueEmails(sql, ctx.partnership.id, emails)
        return emails.length
      })
      if (sent) deps.mailQueued?.()
      return sent
    },

    /** A signed-in person confirms for themselves, counted under their agency in the directory. */
    async confirm(ctx: Context, productId: string, kind: ConfirmationKind): Promise<{ already: boolean }> {
      if (!ctx.actor.roles.length || !ctx.actor.userId) throw new ForbiddenError()
      const userId = ctx.actor.userId
      return db.tenant(scopeOf(ctx), async (sql) => {
        const product = await productFor(ctx, sql, productId)
        if (product.status !== 'published') throw new ConflictError('This product is not published')
        const person = await personOfUser(sql, userId)
        if (!person)
          throw new ConflictError(
            'Your account has no record in the partnership’s directory, so there is no agency to count you under: ask your agency lead to add you',
          )
        await sql.auditAs('learning.confirm')
        return { already: !(await insertConfirmation(sql, ctx.partnership.id, product.id, person, kind)) }
      })
    },

    /** The link's product and kind, when the token is genuine for this partnership, product and person. */
    async linkedConfirmation(slug: string, productId: string, token: string): Promise<LinkedConfirmation> {
      const found = await readLink(slug, productId, token)
      if (!found) return { ok: false }
      return found.view
    },

    /** Confirms through a signed link; a second use changes nothing and says when it was confirmed. */
    async confirmByLink(
      slug: string,
      productId: string,
      token: string,
    ): Promise<LinkedConfirmation & { already?: boolean }> {
      const found = await readLink(slug, productId, token)
      if (!found) return { ok: false }
      const ctx = systemContext(found.view.partnership, 'confirmation-link')
      const already = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('learning.confirm-by-link')
        return !(await insertConfirmation(sql, ctx.partnership.id, productId, found.person, found.view.kind))
      })
      const again = await readLink(slug, productId, token)
      return again ? { ...again.view, already } : { ok: false }
    },

    /** What the product page shows: sending, the matrix, the viewer's agencies and their own confirmations. */
    async panel(ctx: Context, productId: string): Promise<Panel> {
      return db.tenant(scopeOf(ctx), async (sql) => {
        const product = await productFor(ctx, sql, productId)
        const myAgencyIds = ctx.actor.roles.includes('agency-lead') ? ctx.actor.agencyIds : []
        const mine = myAgencyIds.length ? await reachOf(sql, [product.id], myAgencyIds) : []
        const person = ctx.actor.userId ? await personOfUser(sql, ctx.actor.userId) : undefined
        const confirmations = person ? await confirmationsOf(sql, product.id, person.id) : []
        const at = (kind: ConfirmationKind) => confirmations.find((c) => c.kind === kind)?.at ?? null
        return {
          canSend: edits(ctx) && product.status === 'published',
          canSeeMatrix: disseminationReaders.some((role) => ctx.actor.roles.includes(role)),
          myAgencies: mine.map((r) => ({
            ...r,
            href: `/learning/${product.id}/dissemination/${r.agencyId}`,
            statusName: disseminationStatusNames[r.status],
            statusTag: disseminationStatusTags[r.status],
          })),
          confirmed: person ? { read: at('read'), supervision: at('supervision') } : null,
        }
      })
    },

    /** For a lead: the products sent to their agencies, newest first, each with their agencies' rows. */
    async toPassOn(ctx: Context): Promise<{ product: ProductHeadline; rows: AgencyReach[] }[]> {
      requireRole(ctx, 'agency-lead')
      const agencyIds = ctx.actor.agencyIds
      if (!agencyIds.length) return []
      return db.tenant(scopeOf(ctx), async (sql) => {
        const sent = await productsSentTo(sql, agencyIds)
        const products = (
          await productHeadlines(
            sql,
            sent.map((s) => s.productId),
          )
        ).filter((p) => p.status === 'published')
        const rows = await reachOf(
          sql,
          products.map((p) => p.id),
          agencyIds,
        )
        return products.map((product) => ({ product, rows: rows.filter((r) => r.productId === product.id) }))
      })
    },

    /** Agencies sent a product that have recorded nothing after a reminder and a second period. */
    async overdue(ctx: Context) {
      requireRole(ctx, ...reviewOverseers)
      return overdueOf(ctx, null)
    },

    /** For the home page's to-do list: a lead's products waiting for an answer; the sub-group's overdue agencies. */
    async waiting(ctx: Context): Promise<{ toPassOn: number; overdue: number }> {
      const isLead = ctx.actor.roles.includes('agency-lead') && ctx.actor.agencyIds.length > 0
      const [toPassOn, overdue] = await Promise.all([
        isLead
          ? db.tenant(scopeOf(ctx), (sql) => unanswered(sql, today(), ctx.actor.agencyIds))
          : Promise.resolve([]),
        edits(ctx) ? overdueOf(ctx, null).then((o) => o.items) : Promise.resolve([]),
      ])
      return { toPassOn: toPassOn.length, overdue: overdue.length }
    },

    /** The words for records, for pages. */
    methodNames: disseminationMethodNames,
    dayText: (day: string) => londonDateText(new Date(`${day}T12:00:00Z`)),
  }

  /** A link's partnership, product, person and kind, when its token is genuine; nothing otherwise. */
  async function readLink(
    slug: string,
    productId: string,
    token: string,
  ): Promise<{ view: Extract<LinkedConfirmation, { ok: true }>; person: ConfirmingPerson } | null> {
    if (!isUuid(productId)) return null
    const partnership = await deps.partnerships.bySlug(slug)
    if (!partnership) return null
    const link = readConfirmationToken(deps.secret, partnership.id, productId, token)
    if (!link) return null
    const ctx = systemContext(partnership, 'confirmation-link')
    return db.tenant(scopeOf(ctx), async (sql) => {
      const [product] = await productHeadlines(sql, [productId])
      const person = await personById(sql, link.personId)
      if (product?.status !== 'published' || !person) return null
      const confirmations = await confirmationsOf(sql, product.id, person.id)
      return {
        person,
        view: {
          ok: true as const,
          partnership,
          product: { id: product.id, title: product.title },
          kind: link.kind,
          confirmedAt: confirmations.find((c) => c.kind === link.kind)?.at ?? null,
        },
      }
    })
  }
}

export type DisseminationService = ReturnType<typeof createDisseminationService>

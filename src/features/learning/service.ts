import { checkEvidence, keptFilename, tooLargeMessage } from '#features/actions/evidence.ts'
import { themesOf } from '#features/courses/queries.ts'
import { checkCitable, citableFindings } from '#features/reviews/citations.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import type { Partnerships } from '#platform/partnerships.ts'
import { sendToAgencies } from './dissemination/index.ts'
import type { LibraryFilter, ProductChange, ProductInput } from './forms.ts'
import { publishedProductHeadlines } from './index.ts'
import type { Product, ProductFile, ProductRow } from './queries.ts'
import {
  allSourceReviews,
  fileContent,
  filesOf,
  insertFile,
  insertProduct,
  insertVersion,
  knownReviews,
  knownThemes,
  linkCourseProduct,
  productById,
  productsDueForReview,
  productsMatching,
  productsOfCourse,
  publishedSourceReviews,
  relatedCourses,
  removeFile,
  setProductLinks,
  themeNamesOf,
  unlinkCourseProduct,
  versionsOf,
  writeProduct,
} from './queries.ts'
import type { ProductSnapshot } from './rules.ts'
import {
  changesBetween,
  changesSentence,
  mayRead,
  productEditors,
  productOverseers,
  statusChangeRefusal,
} from './rules.ts'

/** The largest file a product takes: a slide set with pictures, or a recorded briefing's transcript. */
export const MAX_PRODUCT_FILE_BYTES = 20 * 1024 * 1024

/** On publishing: whether to email the people subscribed to the product's themes too. */
export type PublishOptions = { toSubscribers?: boolean }

/** A file as a form or the API sends it. */
export type ProductUpload = { filename: string; bytes: Buffer; tooLarge?: boolean }

const snapshotOf = (product: Product, files: readonly ProductFile[]): ProductSnapshot => ({
  type: product.type,
  title: product.title,
  summary: product.summary,
  body: product.body,
  links: product.links,
  audience: product.audience,
  visibility: product.visibility,
  reviewBy: product.reviewBy,
  themeIds: product.themeIds,
  reviewIds: product.reviewIds,
  findingIds: product.findingIds,
  files: files.map((f) => ({ id: f.id, filename: f.filename })),
})

/**
 * Learning products: written and published by the partnership's admins and sub-group, read
 * by the workforce (or by anyone, when public). Once published, every change to what a
 * reader sees makes a new version that says what changed, so the learning an agency passed
 * on can always be read as it was.
 */
export function createLearningService(deps: {
  db: Database
  clock: Clock
  partnerships: Partnerships
  publicUrl: string
  mailQueued: () => void
  /** Emails the people subscribed to a product's themes, inside the caller's transaction. */
  notifySubscribers: (sql: Sql, ctx: Context, productId: string) => Promise<number>
}) {
  const { db } = deps
  const by = (ctx: Context) => ({
    byUser: ctx.actor.userId,
    byLabel: ctx.actor.userId ? null : (ctx.actor.label ?? null),
  })

  /** A product the actor may read; any other, or another partnership's, is not found. */
  async function readable(ctx: Context | null, sql: Sql, id: string, forUpdate = false): Promise<Product> {
    const product = isUuid(id) ? await productById(sql, id, forUpdate) : undefined
    if (!product || !mayRead(ctx, product)) throw new NotFoundError('Learning product')
    return product
  }

  /** Refuses themes and reviews that are not the partnership's, and findings the actor may not cite. */
  async function checkLinks(
    sql: Sql,
    ctx: Context,
    links: { themes?: string[]; reviewIds?: string[]; findingIds?: string[] },
  ) {
    const errors = []
    if (links.themes && (await knownThemes(sql, links.themes)) !== new Set(links.themes).size)
      errors.push({ field: 'themes', text: 'Select themes from the partnership’s list' })
    if (links.reviewIds && (await knownReviews(sql, links.reviewIds)) !== new Set(links.reviewIds).size)
      errors.push({ field: 'reviewIds', text: 'Select reviews from the register' })
    if (errors.length) throw new ValidationError(errors)
    if (links.findingIds) await checkCitable(sql, ctx, links.findingIds)
  }

  /** The reviews a product comes from include those of the findings it cites. */
  async function withFindingsReviews(sql: Sql, reviewIds: string[], findingIds: string[]): Promise<string[]> {
    if (!findingIds.length) return reviewIds
    const rows = await sql.query<{ reviewId: string }>(
      'SELECT DISTINCT review_id AS "reviewId" FROM findings WHERE id = ANY($1::uuid[])',
      [findingIds],
    )
    return [...new Set([...reviewIds, ...rows.map((r) => r.reviewId)])]
  }

  /**
   * Writes a product's new state: its fields and links, and (when it is or becomes published)
   * a new version if what readers see changed. Returns the product as it now is.
   */
  async function save(
    ctx: Context,
    sql: Sql,
    before: Product | null,
    next: ProductRow & { themeIds: string[]; reviewIds: string[]; findingIds: string[] },
    changeNote: string | null,
    id: string,
    options: PublishOptions = {},
  ): Promise<Product> {
    const files = await filesOf(sql, id)
    const published = next.status !== 'draft'
    const previousVersion = before?.version ?? 0
    const after: ProductSnapshot = {
      type: next.type,
      title: next.title,
      summary: next.summary,
      body: next.body,
      links: next.links,
      audience: next.audience,
      visibility: next.visibility,
      reviewBy: next.reviewBy,
      themeIds: next.themeIds,
      reviewIds: next.reviewIds,
      findingIds: next.findingIds,
      files: files.map((f) => ({ id: f.id, filename: f.filename })),
    }
    let version = previousVersion
    let changes = ''
    if (published && previousVersion === 0) {
      version = 1
      changes = 'First published'
    } else if (published && before) {
      changes = changesSentence(changesBetween(snapshotOf(before, files), after))
      if (changes) version = previousVersion + 1
    }
    await writeProduct(sql, id, { ...next, version })
    await setProductLinks(sql, ctx.partnership.id, id, 'themeIds', next.themeIds)
    await setProductLinks(sql, ctx.partnership.id, id, 'reviewIds', next.reviewIds)
    await setProductLinks(sql, ctx.partnership.id, id, 'findingIds', next.findingIds)
    if (version !== previousVersion)
      await insertVersion(
        sql,
        ctx.partnership.id,
        id,
        { version, snapshot: after, changes, changeNote },
        by(ctx),
      )
    // South Gloucestershire Appendix A: publishing notifies every agency in the audience, whose
    // lead passes it on; subscribers to its themes hear of it where the editor chooses.
    if (next.status === 'published' && before?.status !== 'published') {
      await sendToAgencies(sql, ctx, id, { publicUrl: deps.publicUrl })
      if (options.toSubscribers) await deps.notifySubscribers(sql, ctx, id)
    }
    return (await productById(sql, id)) as Product
  }

  /** After a file is added or removed, a published product takes a new version saying so. */
  async function versionForFiles(ctx: Context, sql: Sql, product: Product, filesBefore: ProductFile[]) {
    if (product.status === 'draft') return
    const files = await filesOf(sql, product.id)
    const changes = changesSentence(
      changesBetween(snapshotOf(product, filesBefore), snapshotOf(product, files)),
    )
    if (!changes) return
    const version = product.version + 1
    await sql.query('UPDATE learning_products SET version = $2, updated_at = cascade_now() WHERE id = $1', [
      product.id,
      version,
    ])
    await insertVersion(
      sql,
      ctx.partnership.id,
      product.id,
      { version, snapshot: snapshotOf(product, files), changes, changeNote: null },
      by(ctx),
    )
  }

  async function publicPartnership(slug: string) {
    const partnership = await deps.partnerships.bySlug(slug)
    if (!partnership) throw new NotFoundError('Partnership')
    return partnership
  }

  return {
    /** What the product form offers: themes, reviews and their findings, tiers come from the policy. */
    async formChoices(ctx: Context) {
      requireRole(ctx, ...productEditors)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const findings = await citableFindings(sql, ctx)
        const reviews = await sql.query<{ id: string; reference: string; title: string; status: string }>(
          'SELECT id, reference, title, status FROM reviews ORDER BY notified_on DESC, reference',
        )
        return { themes: await themesOf(sql), reviews, findings }
      })
    },

    async create(ctx: Context, input: ProductInput, options: PublishOptions = {}): Promise<Product> {
      requireRole(ctx, ...productEditors)
      const product = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('learning-product.create')
        await checkLinks(sql, ctx, input)
        const refusal = statusChangeRefusal('draft', input.status)
        if (refusal) throw new ValidationError([{ field: 'status', text: refusal }])
        const id = await insertProduct(sql, ctx.partnership.id, {
          ...input,
          status: 'draft',
          createdBy: ctx.actor.userId,
        })
        return save(
          ctx,
          sql,
          null,
          {
            ...input,
            themeIds: input.themes,
            reviewIds: await withFindingsReviews(sql, input.reviewIds, input.findingIds),
          },
          null,
          id,
          options,
        )
      })
      if (product.status === 'published') deps.mailQueued()
      return product
    },

    /**
     * Changes a product. Nothing goes back to draft once published; a change to a published
     * product's content makes a new version, and saving what is already there makes none.
     */
    async update(
      ctx: Context,
      id: string,
      change: ProductChange,
      options: PublishOptions = {},
    ): Promise<{ product: Product; newVersion: boolean }> {
      requireRole(ctx, ...productEditors)
      const result = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('learning-product.update')
        const before = await readable(ctx, sql, id, true)
        await checkLinks(sql, ctx, change)
        const status = change.status ?? before.status
        const refusal = statusChangeRefusal(before.status, status)
        if (refusal) throw new ConflictError(refusal)
        const findingIds = change.findingIds ?? before.findingIds
        const product = await save(
          ctx,
          sql,
          before,
          {
            type: change.type ?? before.type,
            title: change.title ?? before.title,
            summary: change.summary ?? before.summary,
            body: change.body ?? before.body,
            links: change.links ?? before.links,
            audience: change.audience ?? before.audience,
            visibility: change.visibility ?? before.visibility,
            reviewBy: change.reviewBy === undefined ? before.reviewBy : change.reviewBy,
            status,
            themeIds: change.themes ?? before.themeIds,
            reviewIds: await withFindingsReviews(sql, change.reviewIds ?? before.reviewIds, findingIds),
            findingIds,
          },
          change.changeNote ?? null,
          before.id,
          options,
        )
        return {
          product,
          newVersion: product.version !== before.version,
          published: before.status !== 'published' && status === 'published',
        }
      })
      if (result.published) deps.mailQueued()
      return { product: result.product, newVersion: result.newVersion }
    },

    /** A file for a product, checked by what its bytes are; refused whole if over 20 MB. */
    async addFile(ctx: Context, id: string, upload: ProductUpload): Promise<ProductFile> {
      requireRole(ctx, ...productEditors)
      if (upload.tooLarge || upload.bytes.length > MAX_PRODUCT_FILE_BYTES)
        throw new ValidationError([{ field: 'file', text: tooLargeMessage(MAX_PRODUCT_FILE_BYTES) }])
      const check = await checkEvidence(upload.bytes, MAX_PRODUCT_FILE_BYTES)
      if (!check.ok) throw new ValidationError([{ field: 'file', text: check.message }])
      return db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('learning-product.add-file')
        const product = await readable(ctx, sql, id, true)
        if (product.status === 'withdrawn')
          throw new ConflictError('This product is withdrawn: publish it again before adding files')
        const before = await filesOf(sql, product.id)
        const file = await insertFile(sql, ctx.partnership.id, product.id, {
          filename: keptFilename(upload.filename),
          contentType: check.contentType,
          bytes: upload.bytes,
        })
        await versionForFiles(ctx, sql, product, before)
        return file
      })
    },

    async removeFile(ctx: Context, id: string, fileId: string): Promise<void> {
      requireRole(ctx, ...productEditors)
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('learning-product.remove-file')
        const product = await readable(ctx, sql, id, true)
        const before = await filesOf(sql, product.id)
        if (!isUuid(fileId) || !(await removeFile(sql, product.id, fileId))) throw new NotFoundError('File')
        await versionForFiles(ctx, sql, product, before)
      })
    },

    /** A product's file, for whoever may read the product; the public passes no context. */
    async file(ctx: Context | null, id: string, fileId: string, slug?: string) {
      const scope = ctx
        ? scopeOf(ctx)
        : { partnershipId: (await publicPartnership(slug ?? '')).id, userId: null, actor: 'public' }
      return db.tenant(scope, async (sql) => {
        const product = await readable(ctx, sql, id)
        const file = isUuid(fileId) ? await fileContent(sql, product.id, fileId) : undefined
        if (!file) throw new NotFoundError('File')
        return file
      })
    },

    /** A product with what its page shows: files, themes, source reviews, related courses, history. */
    async product(ctx: Context, id: string) {
      requireRole(ctx, ...productEditors, 'executive', 'agency-lead', 'trainer', 'practitioner')
      return db.tenant(scopeOf(ctx), async (sql) => {
        const product = await readable(ctx, sql, id)
        const oversees = productOverseers.some((role) => ctx.actor.roles.includes(role))
        return {
          product,
          files: await filesOf(sql, product.id),
          themes: await themeNamesOf(sql, product.id),
          reviews: oversees
            ? await allSourceReviews(sql, product.id)
            : await publishedSourceReviews(sql, product.id),
          courses: await relatedCourses(sql, product.id),
          versions: await versionsOf(sql, product.id),
          may: { edit: productEditors.some((role) => ctx.actor.roles.includes(role)) },
        }
      })
    },

    /** A public product's page, for anyone. */
    async publicProduct(slug: string, id: string) {
      const partnership = await publicPartnership(slug)
      return db.tenant({ partnershipId: partnership.id, userId: null, actor: 'public' }, async (sql) => {
        const product = await readable(null, sql, id)
        return {
          partnership,
          product,
          files: await filesOf(sql, product.id),
          themes: await themeNamesOf(sql, product.id),
          reviews: await publishedSourceReviews(sql, product.id),
          courses: await relatedCourses(sql, product.id),
        }
      })
    },

    /** The library for someone signed in: every published product. */
    async library(ctx: Context, filter: LibraryFilter) {
      requireRole(ctx, ...productEditors, 'executive', 'agency-lead', 'trainer', 'practitioner')
      return db.tenant(scopeOf(ctx), async (sql) => ({
        ...(await productsMatching(sql, filter, {
          statuses: ['published'],
          visibilities: ['public', 'workforce'],
        })),
        themes: await themesOf(sql),
      }))
    },

    /** The public library: published products for anyone, without signing in. */
    async publicLibrary(slug: string, filter: LibraryFilter) {
      const partnership = await publicPartnership(slug)
      return db.tenant({ partnershipId: partnership.id, userId: null, actor: 'public' }, async (sql) => ({
        partnership,
        ...(await productsMatching(sql, filter, { statuses: ['published'], visibilities: ['public'] })),
        themes: await themesOf(sql),
      }))
    },

    /** How many published products have come to their review-by date, for the editors' home page. */
    async dueForReview(ctx: Context): Promise<number> {
      requireRole(ctx, ...productEditors)
      return db.tenant(scopeOf(ctx), (sql) => productsDueForReview(sql, londonDateOf(deps.clock.now())))
    },

    /** A review's themes, for a product written from it to start with. */
    async reviewThemes(ctx: Context, reviewId: string): Promise<string[]> {
      requireRole(ctx, ...productEditors)
      if (!isUuid(reviewId)) return []
      const rows = await db.tenant(scopeOf(ctx), (sql) =>
        sql.query<{ id: string }>('SELECT theme_id AS id FROM review_themes WHERE review_id = $1', [
          reviewId,
        ]),
      )
      return rows.map((r) => r.id)
    },

    /** The products that come from a review: published ones, and for overseers every one. */
    async ofReview(ctx: Context, reviewId: string) {
      if (!isUuid(reviewId)) return []
      const oversees = productOverseers.some((role) => ctx.actor.roles.includes(role))
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query<{ id: string; title: string; type: string; status: string }>(
          `SELECT p.id, p.title, p.type, p.status FROM learning_products p
             JOIN learning_product_reviews r ON r.product_id = p.id
            WHERE r.review_id = $1 AND ($2 OR p.status = 'published')
            ORDER BY p.published_at DESC NULLS FIRST, lower(p.title)`,
          [reviewId, oversees],
        ),
      )
    },

    /** The published products, for a form that gives one with a course. */
    async publishedChoices(ctx: Context) {
      requireRole(ctx, ...productEditors)
      return db.tenant(scopeOf(ctx), (sql) => publishedProductHeadlines(sql))
    },

    /** Every product, drafts and withdrawn ones too, for the admins, sub-group and executive. */
    async all(ctx: Context, filter: LibraryFilter, options: { reviewDue?: boolean } = {}) {
      requireRole(ctx, ...productOverseers)
      return db.tenant(scopeOf(ctx), async (sql) => ({
        ...(await productsMatching(sql, filter, {
          statuses: options.reviewDue ? ['published'] : ['draft', 'published', 'withdrawn'],
          visibilities: ['public', 'workforce'],
          reviewDueBy: options.reviewDue ? londonDateOf(deps.clock.now()) : undefined,
        })),
        themes: await themesOf(sql),
      }))
    },

    /**
     * The products a course gives, published ones only (editors see every one they linked).
     * A workforce product is named to the public, who are asked to sign in to read it.
     */
    async ofCourse(ctx: Context | null, partnershipId: string, courseId: string) {
      if (!isUuid(courseId)) return []
      const scope = ctx ? scopeOf(ctx) : { partnershipId, userId: null, actor: 'public' }
      const links = await db.tenant(scope, (sql) => productsOfCourse(sql, courseId))
      return links
        .filter((l) => l.status === 'published' || (ctx && mayRead(ctx, l)))
        .map((l) => ({ ...l, readable: mayRead(ctx, l) }))
    },

    /** Gives a product with a course (or one of its dates): to read before, or to follow up after. */
    async linkToCourse(
      ctx: Context,
      courseId: string,
      link: { productId: string; sessionId: string | null; purpose: 'pre_reading' | 'follow_up' },
    ) {
      requireRole(ctx, ...productEditors)
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('course.link-product')
        const course = isUuid(courseId)
          ? await sql.maybeOne<{ id: string }>('SELECT id FROM courses WHERE id = $1', [courseId])
          : undefined
        if (!course) throw new NotFoundError('Course')
        const product = isUuid(link.productId) ? await productById(sql, link.productId) : undefined
        if (!product || product.status === 'withdrawn')
          throw new ValidationError([{ field: 'productId', text: 'Select a product from the library' }])
        if (link.sessionId) {
          const session = isUuid(link.sessionId)
            ? await sql.maybeOne('SELECT id FROM sessions WHERE id = $1 AND course_id = $2', [
                link.sessionId,
                courseId,
              ])
            : undefined
          if (!session)
            throw new ValidationError([{ field: 'sessionId', text: 'Select a date of this course' }])
        }
        if (!(await linkCourseProduct(sql, ctx.partnership.id, { courseId, ...link })))
          throw new ConflictError('The course already gives this product for that purpose')
      })
    },

    async unlinkFromCourse(ctx: Context, courseId: string, linkId: string) {
      requireRole(ctx, ...productEditors)
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('course.unlink-product')
        if (!isUuid(courseId) || !isUuid(linkId) || !(await unlinkCourseProduct(sql, courseId, linkId)))
          throw new NotFoundError('Product link')
      })
    },
  }
}

export type LearningService = ReturnType<typeof createLearningService>

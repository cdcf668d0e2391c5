import type { PolicyService } from '#features/policy/service.ts'
import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { auditOverseers, auditResultReaders } from '../access.ts'
import type { TemplateKind } from '../words.ts'
import { defaultTemplates } from './default-sets.ts'
import type { TemplateInput, TemplateVersionInput } from './forms.ts'
import { checkTemplate } from './forms.ts'
import type { AuditTemplateSummary, AuditTemplateVersion, VersionHistoryRow } from './queries.ts'
import {
  currentVersionOf,
  currentVersions,
  insertTemplate,
  insertVersion,
  templateById,
  templateSummaries,
  titleTaken,
  versionById,
  versionHistory,
} from './queries.ts'

export type AuditTemplateDeps = {
  db: Database
  clock: Clock
  policy: PolicyService
  publicUrl: string
  mailQueued: () => void
}

/** Who reads templates: those who run audits and those who read their results. */
export const templateReaders = auditResultReaders
/** Who writes them. */
export const templateWriters = auditOverseers

/** A template as its page shows it: the current version whole, and every version's line. */
export type AuditTemplate = {
  id: string
  title: string
  kind: TemplateKind
  current: AuditTemplateVersion
  history: VersionHistoryRow[]
}

/**
 * Audit templates: what agencies are asked, kept in versions. Saving a change makes a new
 * version; the database refuses any change to a saved one, so a cycle always shows the
 * questions its agencies answered.
 */
export function createAuditTemplateService(deps: AuditTemplateDeps) {
  const { db } = deps

  async function save(
    ctx: Context,
    sql: Sql,
    input: TemplateVersionInput,
  ): Promise<{ templateId: string; versionId: string; version: number }> {
    if (await titleTaken(sql, input.title, input.templateId ?? null))
      throw new ValidationError([
        { field: 'title', text: `The partnership already has a template called ${input.title}` },
      ])
    let templateId = input.templateId
    if (templateId) {
      const template = await templateById(sql, templateId, true)
      if (!template) throw new NotFoundError('Audit template')
      await sql.auditAs('audits.templates.version')
      if (template.title !== input.title || template.kind !== input.kind)
        await sql.query('UPDATE audit_templates SET title = $2, kind = $3 WHERE id = $1', [
          templateId,
          input.title,
          input.kind,
        ])
    } else {
      await sql.auditAs('audits.templates.create')
      templateId = (await insertTemplate(sql, ctx.partnership.id, input)).id
    }
    const saved = await insertVersion(sql, ctx.partnership.id, templateId, {
      scale: input.scale,
      note: input.note,
      createdBy: ctx.actor.userId,
      sections: input.sections,
    })
    return { templateId, versionId: saved.id, version: saved.version }
  }

  function checked(raw: unknown): TemplateVersionInput {
    const result = checkTemplate(raw)
    if (!result.ok) throw new ValidationError(result.errors)
    return result.data
  }

  /** Two admins saving at once: the second's version number is taken, and it is told so. */
  async function saving<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new ConflictError(
          'Someone saved this template at the same moment: open it again and make your change',
        )
      throw error
    }
  }

  return {
    /** Every template with its current version's size, by title. */
    async list(ctx: Context): Promise<AuditTemplateSummary[]> {
      requireRole(ctx, ...templateReaders)
      return db.tenant(scopeOf(ctx), (sql) => templateSummaries(sql))
    },

    /** Every template's current version, whole: the API's list. */
    async currentVersions(ctx: Context): Promise<AuditTemplateVersion[]> {
      requireRole(ctx, ...templateReaders)
      return db.tenant(scopeOf(ctx), (sql) => currentVersions(sql))
    },

    async template(ctx: Context, id: string): Promise<AuditTemplate> {
      requireRole(ctx, ...templateReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const template = isUuid(id) ? await templateById(sql, id) : undefined
        const current = template ? await currentVersionOf(sql, template.id) : undefined
        if (!template || !current) throw new NotFoundError('Audit template')
        return { ...template, current, history: await versionHistory(sql, template.id) }
      })
    },

    /**
     * One version, whole. For readers of templates; other parts of audits (a return's page, the
     * results) read it through here after deciding for themselves who may see it, passing
     * `{ checked: true }`.
     */
    async version(
      ctx: Context,
      versionId: string,
      options: { checked?: boolean } = {},
    ): Promise<AuditTemplateVersion> {
      if (!options.checked) requireRole(ctx, ...templateReaders)
      return db.tenant(scopeOf(ctx), async (sql) => {
        const found = isUuid(versionId) ? await versionById(sql, versionId) : undefined
        if (!found) throw new NotFoundError('Version of the audit template')
        return found
      })
    },

    /** A new template and its first version. */
    async create(
      ctx: Context,
      raw: TemplateInput,
    ): Promise<{ templateId: string; versionId: string; version: number }> {
      requireRole(ctx, ...templateWriters)
      const input = checked(raw)
      if (input.templateId)
        throw new ValidationError([
          { field: 'templateId', text: 'A new template has no id yet: leave templateId out' },
        ])
      return saving(() => db.tenant(scopeOf(ctx), (sql) => save(ctx, sql, input)))
    },

    /** A new version of a template, numbered after its latest; earlier versions stay as they were. */
    async saveVersion(
      ctx: Context,
      templateId: string,
      raw: Omit<TemplateInput, 'templateId'>,
    ): Promise<{ templateId: string; versionId: string; version: number }> {
      requireRole(ctx, ...templateWriters)
      if (!isUuid(templateId)) throw new NotFoundError('Audit template')
      const input = checked({ ...raw, templateId })
      return saving(() => db.tenant(scopeOf(ctx), (sql) => save(ctx, sql, input)))
    },

    /** The suggested templates a partnership may start from. */
    suggested(kind: string): (typeof defaultTemplates)[number] | undefined {
      return defaultTemplates.find((t) => t.kind === kind)
    },
  }
}

export type AuditTemplateService = ReturnType<typeof createAuditTemplateService>

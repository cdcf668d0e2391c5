import type { Clock } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import { fieldErrors } from '#platform/http/forms.ts'
import type { Question } from './questions.ts'
import { questionsSchema } from './questions.ts'

export type Questionnaire = {
  id: string
  title: string
  draft: Question[]
  published: { versionId: string; version: number; questions: Question[]; publishedAt: Date } | null
}

/**
 * Questionnaires: an admin builds one from typed questions and publishes it, which freezes a
 * version. Answers (responses.ts) are always given against a published version.
 */
export function createQuestionnaireService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps

  function parseQuestions(questions: unknown): Question[] {
    const parsed = questionsSchema.safeParse(questions)
    if (!parsed.success)
      throw new ValidationError(
        fieldErrors(parsed.error).map((e) => ({ ...e, field: `questions.${e.field}` })),
      )
    return parsed.data
  }

  async function saveDraft(ctx: Context, id: string, questions: Question[], action: string) {
    await db.tenant(scopeOf(ctx), async (sql) => {
      await sql.auditAs(action)
      await sql.query('UPDATE questionnaires SET questions = $2, updated_at = $3 WHERE id = $1', [
        id,
        JSON.stringify(questions),
        clock.now(),
      ])
    })
  }

  async function questionnaire(ctx: Context, id: string): Promise<Questionnaire> {
    const found = isUuid(id)
      ? await db.tenant(scopeOf(ctx), (sql) =>
          sql.maybeOne<Questionnaire>(
            `SELECT q.id, q.title, q.questions AS draft,
                    (SELECT json_build_object('versionId', v.id, 'version', v.version, 'questions', v.questions,
                            'publishedAt', v.published_at)
                       FROM questionnaire_versions v WHERE v.questionnaire_id = q.id ORDER BY v.version DESC LIMIT 1) AS published
               FROM questionnaires q WHERE q.id = $1`,
            [id],
          ),
        )
      : undefined
    if (!found) throw new NotFoundError('Questionnaire')
    return found
  }

  return {
    questionnaire,

    async create(ctx: Context, input: { title: string; questions: unknown }): Promise<Questionnaire> {
      requireRole(ctx, 'admin')
      const title = input.title.trim()
      if (!title || title.length > 200)
        throw new ValidationError([{ field: 'title', text: 'Enter a title of 200 characters or fewer' }])
      const questions = parseQuestions(input.questions)
      const id = await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('questionnaire.create')
        const row = await sql.one<{ id: string }>(
          'INSERT INTO questionnaires (partnership_id, title, questions) VALUES ($1, $2, $3) RETURNING id',
          [ctx.partnership.id, title, JSON.stringify(questions)],
        )
        return row.id
      })
      return questionnaire(ctx, id)
    },

    /** Publishes the draft as a new version; answers already given keep the version they answered. */
    async publish(ctx: Context, id: string): Promise<Questionnaire> {
      requireRole(ctx, 'admin')
      const current = await questionnaire(ctx, id)
      if (!current.draft.length)
        throw new ValidationError([
          { field: 'questions', text: 'Add at least one question before publishing' },
        ])
      await db.tenant(scopeOf(ctx), async (sql) => {
        await sql.auditAs('questionnaire.publish')
        await sql.query(
          `INSERT INTO questionnaire_versions (partnership_id, questionnaire_id, version, questions, published_by)
           SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4 FROM questionnaire_versions WHERE questionnaire_id = $2`,
          [ctx.partnership.id, current.id, JSON.stringify(current.draft), ctx.actor.userId],
        )
      })
      return questionnaire(ctx, id)
    },

    /** The partnership's questionnaires, each with its latest published version, newest first. */
    async list(ctx: Context): Promise<Questionnaire[]> {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query<Questionnaire>(
          `SELECT q.id, q.title, q.questions AS draft,
                  (SELECT json_build_object('versionId', v.id, 'version', v.version, 'questions', v.questions,
                          'publishedAt', v.published_at)
                     FROM questionnaire_versions v WHERE v.questionnaire_id = q.id ORDER BY v.version DESC LIMIT 1) AS published
             FROM questionnaires q ORDER BY q.created_at DESC, q.title`,
        ),
      )
    },

    /** Every questionnaire's title, for choosing one in a course's plan and naming it there. */
    async titles(ctx: Context): Promise<{ id: string; title: string; published: boolean }[]> {
      return db.tenant(scopeOf(ctx), (sql) =>
        sql.query(
          `SELECT q.id, q.title, EXISTS (SELECT 1 FROM questionnaire_versions v WHERE v.questionnaire_id = q.id) AS published
             FROM questionnaires q ORDER BY lower(q.title)`,
        ),
      )
    },

    /** Adds a question to the draft, with the next free id (q1, q2, ...). */
    async addQuestion(ctx: Context, id: string, input: Record<string, unknown>): Promise<Questionnaire> {
      requireRole(ctx, 'admin')
      const current = await questionnaire(ctx, id)
      const taken = new Set(current.draft.map((q) => q.id))
      let n = current.draft.length + 1
      while (taken.has(`q${n}`)) n++
      const questions = parseQuestions([...current.draft, { ...input, id: `q${n}` }])
      await saveDraft(ctx, current.id, questions, 'questionnaire.add-question')
      return questionnaire(ctx, id)
    },

    /** Takes a question out of the draft; published versions keep it. */
    async removeQuestion(ctx: Context, id: string, questionId: string): Promise<Questionnaire> {
      requireRole(ctx, 'admin')
      const current = await questionnaire(ctx, id)
      if (!current.draft.some((q) => q.id === questionId)) throw new NotFoundError('Question')
      await saveDraft(
        ctx,
        current.id,
        current.draft.filter((q) => q.id !== questionId),
        'questionnaire.remove-question',
      )
      return questionnaire(ctx, id)
    },
  }
}

export type QuestionnaireService = ReturnType<typeof createQuestionnaireService>

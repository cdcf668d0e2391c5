import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { PartnershipRef } from '#platform/auth/identity.ts'
import type { FieldError } from '#platform/errors.ts'
import { NotFoundError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import type { Requirement } from '../queries.ts'
import type { PathwayWithDates } from '../service.ts'
import type { Question } from './tree.ts'

/**
 * The answers chosen so far, by position, as the query keeps them ("0.1"); null when the
 * path could not have come from the pages. Kept in the address, not a session, so the
 * finder works for anyone, without JavaScript, and its result can be bookmarked.
 */
function chosenOf(path: unknown): number[] | null {
  if (path === undefined || path === '') return []
  if (typeof path !== 'string' || !/^\d{1,3}(\.\d{1,3}){0,49}$/.test(path)) return null
  return path.split('.').map(Number)
}

/** The page of the finder after these answers; `was` marks the answer to show chosen again. */
function finderUrl(slug: string, chosen: readonly number[], was?: number): string {
  const query = new URLSearchParams()
  if (chosen.length) query.set('path', chosen.join('.'))
  if (was !== undefined) query.set('was', String(was))
  const text = query.toString()
  return `/p/${slug}/pathway${text ? `?${text}` : ''}`
}

/** A requirement's refresher interval in words: whole years where it is, months otherwise. */
function refresherWords(months: number | null): string {
  if (months === null) return 'No refresher'
  if (months % 12 === 0) return months === 12 ? 'Refresh every year' : `Refresh every ${months / 12} years`
  return months === 1 ? 'Refresh every month' : `Refresh every ${months} months`
}

/** What a visitor to the result may do with it: save it, or why they cannot. */
type SaveOffer =
  | { kind: 'sign-in'; href: string }
  | { kind: 'other-partnership'; signedInTo: string | null }
  | { kind: 'no-record' }
  | { kind: 'already' }
  | { kind: 'save'; currentTitle: string | null }

const oneAnswer = [{ field: 'answer', text: 'Select an answer' }]

/**
 * The public "Which training do I need?" finder: a partnership's decision tree asked one
 * question a page, ending on the pathway with its courses and next dates, which a signed-in
 * member of the partnership may save to their own record.
 */
export default async function finderRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { pathways, standing } = services

  async function saveOffer(
    request: FastifyRequest,
    partnership: PartnershipRef,
    pathwayId: string,
  ): Promise<SaveOffer> {
    const auth = request.auth?.via === 'session' ? request.auth : null
    if (!auth) return { kind: 'sign-in', href: `/sign-in?${new URLSearchParams({ returnTo: request.url })}` }
    if (auth.partnership?.id !== partnership.id)
      return { kind: 'other-partnership', signedInTo: auth.partnership?.name ?? null }
    const mine = await standing.mine(contextOf(request))
    if (!mine) return { kind: 'no-record' }
    if (mine.person.pathwayId === pathwayId) return { kind: 'already' }
    return { kind: 'save', currentTitle: mine.person.pathwayTitle }
  }

  function questionPage(
    reply: FastifyReply,
    found: { partnership: PartnershipRef; question: Question; chosen: number[]; was?: number | undefined },
    errors: FieldError[] = [],
  ) {
    const { partnership, question, chosen, was } = found
    return reply.status(errors.length ? 400 : 200).view('pathways/finder/views/question.njk', {
      title: question.text,
      partnership,
      question,
      path: chosen.join('.'),
      was,
      errors: errorSummary(errors),
      fieldErrors: errorFor(errors),
      // The first question goes back to the catalogue the finder is reached from.
      backLink: chosen.length
        ? finderUrl(partnership.slug, chosen.slice(0, -1), chosen.at(-1))
        : `/p/${partnership.slug}/courses`,
    })
  }

  const describe = (pathway: PathwayWithDates) => {
    const published = new Set(pathway.published)
    return (r: Requirement) => ({
      ...r,
      refresher: refresherWords(r.refresherMonths),
      courses: r.courses.map((c) => ({
        ...c,
        published: published.has(c.id),
        dates: pathway.dates[c.id] ?? [],
      })),
    })
  }

  async function resultPage(
    request: FastifyRequest,
    reply: FastifyReply,
    found: {
      partnership: PartnershipRef
      pathway: PathwayWithDates
      asked: { question: Question; answer: { label: string } }[]
      chosen: number[]
    },
    errors: FieldError[] = [],
  ) {
    const { partnership, pathway, asked, chosen } = found
    const requirement = describe(pathway)
    return reply.status(errors.length ? 400 : 200).view('pathways/finder/views/result.njk', {
      title: pathway.title,
      partnership,
      pathway,
      answers: asked.map((a, i) => ({
        question: a.question.text,
        answer: a.answer.label,
        href: finderUrl(partnership.slug, chosen.slice(0, i), chosen[i]),
      })),
      required: pathway.requirements.filter((r) => r.required).map(requirement),
      optional: pathway.requirements.filter((r) => !r.required).map(requirement),
      path: chosen.join('.'),
      save: await saveOffer(request, partnership, pathway.id),
      // Only saving fails here: its reasons point to the part of the page that saves.
      errors: errors.map((e) => ({ text: e.text, href: '#save' })),
      backLink: finderUrl(partnership.slug, chosen.slice(0, -1), chosen.at(-1)),
    })
  }

  app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/p/:slug/pathway',
    { config: { access: 'public' } },
    async (request, reply) => {
      const { slug } = request.params
      const chosen = chosenOf(request.query.path)
      if (!chosen) throw new NotFoundError('Question')
      const { partnership, step, pathway } = await pathways.find(slug, chosen)
      if (!step)
        return reply.view('pathways/finder/views/not-published.njk', {
          title: 'Which training do I need?',
          partnership,
          backLink: `/p/${partnership.slug}/courses`,
        })
      if (pathway) return resultPage(request, reply, { partnership, pathway, asked: step.asked, chosen })
      if (!('question' in step)) throw new NotFoundError('Question')
      const { question } = step
      // The form was sent (its hidden field says so, as a radio left unchosen sends nothing):
      // its answer leads on, and none chosen asks again.
      if (request.query.sent !== undefined) {
        const answer = request.query.answer
        if (answer === undefined || answer === '')
          return questionPage(reply, { partnership, question, chosen }, oneAnswer)
        const n = typeof answer === 'string' && /^\d{1,3}$/.test(answer) ? Number(answer) : -1
        if (!question.answers[n]) throw new NotFoundError('Answer')
        return reply.redirect(finderUrl(slug, [...chosen, n]), 303)
      }
      const was = typeof request.query.was === 'string' ? Number(request.query.was) : undefined
      return questionPage(reply, {
        partnership,
        question,
        chosen,
        was: was !== undefined && question.answers[was] ? was : undefined,
      })
    },
  )

  app.post<{ Params: { slug: string }; Body: Record<string, unknown> }>(
    '/p/:slug/pathway/save',
    { config: { access: 'signed-in' } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const { slug } = request.params
      // A record is saved to in the partnership signed in to: another's finder is not theirs.
      if (ctx.partnership.slug !== slug) throw new NotFoundError('Pathway')
      const chosen = chosenOf(request.body?.path)
      if (!chosen) throw new NotFoundError('Pathway')
      // The tree is walked again: the pathway is where the answers lead, never an id posted.
      const { partnership, step, pathway } = await pathways.find(slug, chosen)
      if (!step || !pathway) throw new NotFoundError('Pathway')
      const mine = await standing.mine(ctx)
      if (!mine) throw new NotFoundError('Person')
      try {
        await standing.setPathway(ctx, mine.person.id, pathway.id)
      } catch (error) {
        if (error instanceof ValidationError)
          return resultPage(request, reply, { partnership, pathway, asked: step.asked, chosen }, error.errors)
        throw error
      }
      return reply.redirect('/training?saved=pathway', 303)
    },
  )
}

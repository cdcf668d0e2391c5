import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { agencySectors, workforces } from '#features/directory/agency.ts'
import { sectorNames, workforceNames } from '#features/directory/page-forms.ts'
import { productTypeNames } from '#features/learning/index.ts'
import { sessionStatusNames } from '#features/sessions/forms.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { ConflictError, ValidationError } from '#platform/errors.ts'
import { errorFor, errorSummary, fieldErrors, parseForm } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import { courseFilterSchema, deliveryMethodNames, deliveryMethods, themeSchema } from './forms.ts'
import { courseFromForm, formValuesOf } from './page-forms.ts'
import type { Course } from './queries.ts'

const planners = ['admin', 'subgroup', 'executive', 'trainer'] as const

/** A course's field errors under the names of the page's fields. */
function onPage(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>()
  return errors
    .map((e) => {
      const [first, second] = e.field.split('.')
      const field =
        first === 'audience'
          ? (second ?? 'workforce')
          : first === 'evaluationPlan'
            ? (second ?? 'impact')
            : (first ?? 'title')
      return { field, text: e.text }
    })
    .filter((e) => !seen.has(e.field) && seen.add(e.field))
}

/** The programme's course pages, and the themes that tag them. */
export default async function courseRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { courses } = services

  async function formData(request: FastifyRequest) {
    const ctx = contextOf(request)
    const { tiers } = await services.policy.rulesOn(ctx, londonDateOf(services.clock.now()))
    return {
      tiers,
      themes: await courses.themes(ctx),
      findings: await services.findingTrace.citable(ctx),
      questionnaires: await services.questionnaires.titles(ctx),
      deliveryMethods,
      deliveryMethodNames,
      agencySectors,
      sectorNames,
      workforces,
      workforceNames,
    }
  }

  /** What the course's page shows: its content, versions, sessions from today and who waits for a date. */
  async function coursePage(request: FastifyRequest, course: Course) {
    const ctx = contextOf(request)
    const themes = await courses.themes(ctx, true)
    const sessions = await sessionsOf(request, course.id)
    return {
      title: course.title,
      course,
      themeNames: themes.filter((t) => course.themes.includes(t.id)).map((t) => t.name),
      cited: await services.findingTrace.visible(ctx, course.findings),
      courseProducts: await services.learning.ofCourse(ctx, ctx.partnership.id, course.id),
      productBase: '/learning',
      productTypeNames,
      canGiveProducts: ctx.actor.roles.some((r) => r === 'admin' || r === 'subgroup'),
      questionnaireTitles: Object.fromEntries(
        (await services.questionnaires.titles(ctx)).map((q) => [q.id, q.title]),
      ),
      versions: await courses.versions(ctx, course.id),
      sessions,
      drafts: sessions.filter((s) => s.status === 'draft'),
      sessionStatusNames,
      waiting: await services.interest.waiting(ctx, course.id),
      deliveryMethodNames,
      sectorNames,
      workforceNames,
      canChange: ctx.actor.roles.includes('admin'),
      canSeeImpact: ctx.actor.roles.some((r) => r === 'admin' || r === 'subgroup' || r === 'executive'),
      backLink: '/courses',
    }
  }

  /** The course's sessions from today, soonest first, for its page. */
  async function sessionsOf(request: FastifyRequest, courseId: string) {
    const from = londonDateOf(services.clock.now())
    const { items } = await services.courseSessions.list(contextOf(request), {
      courseId,
      from,
      page: 1,
      pageSize: 100,
    })
    return items
  }

  function again(reply: FastifyReply, data: Record<string, unknown>, errors: FieldError[]) {
    const shown = onPage(errors)
    return reply.status(400).view('courses/views/course-form.njk', {
      ...data,
      errors: errorSummary(shown),
      fieldErrors: errorFor(shown),
    })
  }

  app.get('/themes', { config: { access: planners } }, async (request, reply) => {
    const ctx = contextOf(request)
    return reply.view('courses/views/themes.njk', {
      title: 'Themes',
      themes: await courses.themes(ctx, true),
      canAdd: ctx.actor.roles.includes('admin'),
      values: {},
    })
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/themes',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const body = request.body ?? {}
      const form = parseForm(themeSchema, {
        name: typeof body.name === 'string' ? body.name : '',
        framework: typeof body.framework === 'string' && body.framework.trim() ? body.framework : null,
      })
      let errors = form.ok ? [] : form.errors
      if (form.ok) {
        try {
          await courses.addTheme(ctx, form.data)
          return reply.redirect('/themes', 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          errors = error.errors
        }
      }
      return reply.status(400).view('courses/views/themes.njk', {
        title: 'Themes',
        themes: await courses.themes(ctx, true),
        canAdd: true,
        values: body,
        errors: errorSummary(errors),
        fieldErrors: errorFor(errors),
      })
    },
  )

  app.get<{ Querystring: Record<string, string> }>(
    '/courses',
    { config: { access: planners } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const filter = courseFilterSchema.catch(courseFilterSchema.parse({})).parse(request.query)
      const { items, total } = await courses.list(ctx, filter)
      return reply.view('courses/views/courses.njk', {
        title: 'Courses',
        courses: items,
        total,
        filter,
        deliveryMethodNames,
        canAdd: ctx.actor.roles.includes('admin'),
      })
    },
  )

  app.get<{ Querystring: { need?: string } }>(
    '/courses/new',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      // A course for an endorsed need starts from what was asked for and what was proposed.
      const need = request.query.need
        ? await services.needs.checkCourseCanBeAdded(contextOf(request), request.query.need)
        : undefined
      return reply.view('courses/views/course-form.njk', {
        ...(await formData(request)),
        title: 'Add a course',
        action: '/courses/new',
        values: need
          ? {
              need: need.id,
              title:
                need.practiceChange.length > 200
                  ? `${need.practiceChange.slice(0, 199)}…`
                  : need.practiceChange,
              themes: need.themes,
              findings: need.findings,
              deliveryMethod: need.proposal?.recommendedMethod,
            }
          : {},
        backLink: need ? `/needs/${need.id}` : '/courses',
      })
    },
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/courses/new',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const data = {
        ...(await formData(request)),
        title: 'Add a course',
        action: '/courses/new',
        values: request.body ?? {},
        backLink: '/courses',
      }
      const ctx = contextOf(request)
      const needId = typeof request.body?.need === 'string' && request.body.need ? request.body.need : null
      // Checked before the course is made, so none is made for a need that cannot take it.
      if (needId) await services.needs.checkCourseCanBeAdded(ctx, needId)
      const parsed = courseFromForm(request.body ?? {}, 'draft')
      if (!parsed.success) return again(reply, data, fieldErrors(parsed.error))
      try {
        const course = await courses.create(ctx, parsed.data)
        if (needId) await services.needs.linkCourse(ctx, needId, course.id)
        return reply.redirect(`/courses/${course.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(reply, data, error.errors)
        throw error
      }
    },
  )

  app.get<{ Params: { id: string }; Querystring: { published?: string; of?: string } }>(
    '/courses/:id',
    { config: { access: planners } },
    async (request, reply) => {
      const course = await courses.course(contextOf(request), request.params.id)
      // Just published: how many of the chosen draft sessions opened with it (numbers only).
      const count = (value: string | undefined) =>
        value && /^\d{1,3}$/.test(value) && course.status === 'published' ? Number(value) : null
      const opened = count(request.query.published)
      const chosen = count(request.query.of)
      return reply.view('courses/views/course.njk', {
        ...(await coursePage(request, course)),
        justPublished: opened === null ? null : { opened, chosen: chosen ?? opened },
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/courses/:id/edit',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const course = await courses.course(contextOf(request), request.params.id)
      return reply.view('courses/views/course-form.njk', {
        ...(await formData(request)),
        title: `Change ${course.title}`,
        action: `/courses/${course.id}/edit`,
        values: formValuesOf(course),
        editing: true,
        backLink: `/courses/${course.id}`,
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/courses/:id/edit',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const course = await courses.course(ctx, request.params.id)
      const data = {
        ...(await formData(request)),
        title: `Change ${course.title}`,
        action: `/courses/${course.id}/edit`,
        values: request.body ?? {},
        editing: true,
        backLink: `/courses/${course.id}`,
      }
      const parsed = courseFromForm(request.body ?? {}, course.status)
      if (!parsed.success) return again(reply, data, fieldErrors(parsed.error))
      const reason = typeof request.body?.reason === 'string' ? request.body.reason.trim().slice(0, 1000) : ''
      try {
        await courses.change(ctx, course.id, { ...parsed.data, reason: reason || undefined })
        return reply.redirect(`/courses/${course.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(reply, data, error.errors)
        throw error
      }
    },
  )

  app.post<{ Params: { id: string } }>(
    '/courses/:id/publish',
    { config: { access: ['admin'] } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const course = await courses.course(ctx, request.params.id)
      try {
        await courses.change(ctx, course.id, { status: 'published' })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        // Shown on the course, each problem linking to the field to fill in.
        return reply.status(400).view('courses/views/course.njk', {
          ...(await coursePage(request, course)),
          errors: onPage(error.errors).map((e) => ({
            text: e.text,
            href: `/courses/${course.id}/edit#${e.field}`,
          })),
        })
      }
      // The draft sessions the admin chose open with the course; one that cannot (its own
      // rules refuse it) stays a draft, and the page says how many opened.
      const body = (request.body ?? {}) as Record<string, unknown>
      const chosen = [body.sessions].flat().filter((id): id is string => typeof id === 'string')
      const drafts = (await sessionsOf(request, course.id)).filter(
        (s) => s.status === 'draft' && chosen.includes(s.id),
      )
      let opened = 0
      for (const draft of drafts) {
        try {
          await services.courseSessions.change(ctx, draft.id, { status: 'open' })
          opened++
        } catch (error) {
          if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error
        }
      }
      return reply.redirect(`/courses/${course.id}?published=${opened}&of=${drafts.length}`, 303)
    },
  )
}

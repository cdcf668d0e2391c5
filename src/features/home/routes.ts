import type { FastifyInstance } from 'fastify'
import { changeText, formatted } from '#features/reports/page.ts'
import { contextOf } from '#platform/http/request-context.ts'
import { menuFor } from '#platform/views/navigation.ts'
import type { Services } from '#src/services.ts'
import { createToDo } from './to-do.ts'

/** The start page, the signed-in home page and menu, and the statements every service publishes. */
export default async function homeRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/', { config: { access: 'public' } }, async (request, reply) => {
    if (request.auth?.partnership) return reply.redirect('/dashboard', 303)
    const partnerships = await services.partnerships.list()
    return reply.view('home/views/start.njk', { title: 'Multi-agency safeguarding learning', partnerships })
  })

  const toDo = createToDo(services)

  app.get('/dashboard', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request)
    // What waits for the person comes first; anyone may have a place offered from a waiting
    // list, with a deadline to accept it, and a place to come.
    const showsQuarter = ctx.actor.roles.some((role) => role === 'admin' || role === 'executive')
    const [waiting, offers, nextPlace, quarter] = await Promise.all([
      toDo.forActor(ctx),
      services.booking.mine(ctx, 'offered'),
      toDo.nextPlace(ctx),
      showsQuarter ? services.reports.headlines(ctx) : null,
    ])
    return reply.view('home/views/dashboard.njk', {
      title: 'Home',
      waiting,
      // A practitioner's work is their own learning, shown below, unless an action they own is
      // overdue; every other role has a list.
      hasWork:
        waiting.length > 0 || ctx.actor.roles.some((role) => !['practitioner', 'registrant'].includes(role)),
      offers,
      nextPlace,
      // Those who read the board's reports see this quarter so far beside the quarter before.
      quarter: quarter && {
        label: quarter.period.label,
        figures: quarter.figures.map((f) => ({
          ...f,
          now: formatted(f, f.value),
          before: formatted(f, f.previous),
          change: changeText(f),
        })),
      },
    })
  })

  app.get('/menu', { config: { access: 'signed-in' } }, (request, reply) => {
    const ctx = contextOf(request)
    return reply.view('home/views/menu.njk', {
      title: 'Menu',
      groups: menuFor(ctx.actor.roles, ctx.partnership.slug),
    })
  })

  app.get('/accessibility', { config: { access: 'public' } }, (_request, reply) =>
    reply.view('home/views/accessibility.njk', { title: 'Accessibility statement' }),
  )

  app.get('/privacy', { config: { access: 'public' } }, (_request, reply) =>
    reply.view('home/views/privacy.njk', { title: 'Privacy notice' }),
  )
}

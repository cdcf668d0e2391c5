import type { FastifyInstance } from 'fastify'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'

/** The start page, the signed-in home page and the statements every service publishes. */
export default async function homeRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get('/', { config: { access: 'public' } }, async (request, reply) => {
    if (request.auth?.partnership) return reply.redirect('/dashboard', 303)
    const partnerships = await services.partnerships.list()
    return reply.view('home/views/start.njk', { title: 'Multi-agency safeguarding learning', partnerships })
  })

  app.get('/dashboard', { config: { access: 'signed-in' } }, async (request, reply) => {
    const ctx = contextOf(request)
    // What waits for an admin comes first on their home page: sessions to decide on, contracts to review.
    const isAdmin = ctx.actor.roles.includes('admin')
    const belowMinimum = isAdmin ? await services.booking.belowMinimum(ctx) : []
    const contractsDue = isAdmin ? await services.contracts.dueForReview(ctx) : []
    const toConfirm = isAdmin ? await services.booking.proposalsToConfirm(ctx) : []
    // A trainer's registers still to take, so a session that has ended is not forgotten.
    const registers = ctx.actor.roles.includes('trainer') ? await services.register.registersToTake(ctx) : []
    // Anyone may have a place offered from a waiting list, with a deadline to accept it.
    const offers = await services.booking.mine(ctx, 'offered')
    return reply.view('home/views/dashboard.njk', {
      title: 'Home',
      belowMinimum,
      contractsDue,
      toConfirm,
      offers,
      registers,
    })
  })

  app.get('/accessibility', { config: { access: 'public' } }, (_request, reply) =>
    reply.view('home/views/accessibility.njk', { title: 'Accessibility statement' }),
  )

  app.get('/privacy', { config: { access: 'public' } }, (_request, reply) =>
    reply.view('home/views/privacy.njk', { title: 'Privacy notice' }),
  )
}

import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { navigationFor } from '../views/navigation.ts'
import type { Views } from '../views/nunjucks.ts'
import { CSRF_MARK, sendKept } from './public-pages.ts'

/**
 * Adds `reply.view()`: every page gets the signed-in user, navigation and CSRF token; and
 * `reply.publicView()` for public pages whose content is kept (see public-pages.ts).
 */
export const rendering = fp(async (app: FastifyInstance, options: { views: Views }) => {
  function shared(reply: FastifyReply, csrfToken: string) {
    const request = reply.request
    const auth = request.auth
    const path = request.url.split('?')[0] ?? '/'
    return {
      auth: auth?.via === 'session' ? auth : null,
      navigation: auth?.partnership ? navigationFor(auth.roles, path) : [],
      canSwitchPartnership: (auth?.partnershipCount ?? 0) > 1,
      csrfToken,
      currentPath: path,
    }
  }

  app.decorateReply(
    'view',
    function view(this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      const request = this.request
      // A page kept for other visitors carries a mark where each one's form token goes.
      const keep = request.keepPage && this.statusCode === 200
      const html = options.views.render(template, {
        ...shared(this, keep ? CSRF_MARK : request.csrfToken),
        ...data,
      })
      if (keep) {
        request.server.keptPages.keep(request.url, html)
        return sendKept(request, this, html)
      }
      // Kept content carries the mark too: this user's token goes in its place.
      const sent = data.keptContent ? html.replaceAll(CSRF_MARK, request.csrfToken) : html
      return this.type('text/html; charset=utf-8').send(sent)
    },
  )

  app.decorateReply(
    'publicView',
    async function publicView(
      this: FastifyReply,
      template: string,
      load: () => Promise<Record<string, unknown> & { title: string }>,
    ) {
      const content = await this.request.server.keptPages.content(this.request.url, async () => {
        const data = await load()
        const html = options.views.render(template, {
          ...shared(this, CSRF_MARK),
          ...data,
          // The template's own content, without the layout, which differs for each user.
          frame: 'fragment.njk',
        })
        return {
          html,
          title: data.title,
          backLink: typeof data.backLink === 'string' ? data.backLink : undefined,
          columns: typeof data.columns === 'string' ? data.columns : undefined,
        }
      })
      return this.view('public-page.njk', { ...content, keptContent: content.html })
    },
  )
})

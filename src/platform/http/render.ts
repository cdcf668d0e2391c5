import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import type { MenuLink } from '../views/navigation.ts'
import { navigationFor } from '../views/navigation.ts'
import type { Views } from '../views/nunjucks.ts'
import type { LayoutData } from './layout-shells.ts'
import { createLayoutShells } from './layout-shells.ts'
import { CSRF_MARK, joined, segmentsOf, sendSegments } from './public-pages.ts'

/** Sets of header links kept rendered: roles by pages, a few hundred at most in practice. */
const MOST_NAVIGATIONS = 1000

/** Where a public page's kept content goes in the layout rendered for each visitor. */
const CONTENT_MARK = 'cascadecontentmark7q4x'

/** Tests render each page whole as well, and fail where the kept layout made it differ. */
type RenderingOptions = { views: Views; verifyLayouts?: boolean }

/**
 * Adds `reply.view()`: every page gets the signed-in user, navigation and CSRF token; and
 * `reply.publicView()` for public pages whose content is kept (see public-pages.ts).
 */

export const rendering = fp(async (app: FastifyInstance, options: RenderingOptions) => {
  const shells = createLayoutShells(options.views)

  /** The page of `template` with `data`: its content in the kept layout where it fits, else rendered whole. */
  function pageOf(template: string, data: LayoutData & Record<string, unknown>): string {
    if (!shells.fits(template)) return options.views.render(template, data)
    const html = shells.page(data, options.views.render(template, { ...data, contentOnly: true }))
    if (options.verifyLayouts && html !== options.views.render(template, data))
      throw new Error(`${template} in its kept layout differs from the page rendered whole`)
    return html
  }

  // The header's links are the same for everyone with the same roles on the same page, and the
  // GOV.UK macro that lays them out took half the time of a signed-in page's layout: each set
  // is rendered once. Its form token is the mark, filled in with the rest of the page's.
  const navigations = new Map<string, string>()
  function serviceNavigation(signedIn: boolean, navigation: readonly MenuLink[]): string {
    const key = `${signedIn}${JSON.stringify(navigation)}`
    let html = navigations.get(key)
    if (html === undefined) {
      html = options.views.render('service-navigation.njk', { signedIn, navigation, csrfToken: CSRF_MARK })
      if (navigations.size >= MOST_NAVIGATIONS) navigations.clear()
      navigations.set(key, html)
    }
    return html
  }

  function shared(reply: FastifyReply, asVisitor = false) {
    const request = reply.request
    const auth = asVisitor ? null : request.auth
    const path = request.url.split('?')[0] ?? '/'
    const signedIn = auth?.via === 'session' ? auth : null
    const navigation = auth?.partnership ? navigationFor(auth.roles, path, auth.partnership.slug) : []
    return {
      auth: signedIn,
      serviceNavigation: serviceNavigation(Boolean(signedIn), navigation),
      canSwitchPartnership: (auth?.partnershipCount ?? 0) > 1,
      csrfToken: CSRF_MARK,
      currentPath: path,
    }
  }

  app.decorateReply(
    'view',
    function view(this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
      // Rendered with a mark where a form's token goes, filled in only when a form is there:
      // reading the token gives a new visitor their cookie, and a page without a form sets none.
      const html = pageOf(template, { ...shared(this), ...data } as LayoutData & Record<string, unknown>)
      const page = html.includes(CSRF_MARK) ? html.replaceAll(CSRF_MARK, this.request.csrfToken) : html
      return this.type('text/html; charset=utf-8').send(page)
    },
  )

  app.decorateReply(
    'publicView',
    async function publicView(
      this: FastifyReply,
      template: string,
      load: () => Promise<Record<string, unknown> & { title: string }>,
    ) {
      const request = this.request
      const content = await request.server.keptPages.content(request.url, async () => {
        const data = await load()
        // Made as for a visitor who is not signed in, as it is kept for everyone: nothing of
        // whoever happened to ask first can be in it.
        const html = options.views.render(template, {
          ...shared(this, true),
          ...data,
          // The template's own content, without the layout, which differs for each user.
          frame: 'fragment.njk',
        })
        return {
          segments: segmentsOf(html),
          title: data.title,
          backLink: typeof data.backLink === 'string' ? data.backLink : undefined,
          columns: typeof data.columns === 'string' ? data.columns : undefined,
        }
      })
      // The layout for this visitor around the kept content; a page for visitors who are not
      // signed in is kept whole, with a mark where each one's token goes.
      const keep = request.keepPage
      const layout = pageOf('public-page.njk', {
        ...(shared(this) as LayoutData),
        title: content.title,
        backLink: content.backLink,
        columns: content.columns,
        keptContent: CONTENT_MARK,
      })
      const [head = '', tail = ''] = layout.split(CONTENT_MARK)
      const segments = [...segmentsOf(head), ...content.segments, ...segmentsOf(tail)]
      if (!keep) return sendSegments(request, this, segments)
      const page = joined(segments)
      request.server.keptPages.keep(request.url, page)
      return sendSegments(request, this, page)
    },
  )
})

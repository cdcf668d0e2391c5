import type { Authenticated } from '../auth/identity.ts'
import type { Access } from '../auth/roles.ts'
import type { PageContent, Segments } from './public-pages.ts'
import type { Upload } from './uploads.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may use this route. Required: the app refuses to start with a route that lacks it. */
    access?: Access
    /** API routes authenticate with Bearer tokens and answer with problem documents. */
    api?: boolean
    /** A public page the same for every visitor who is not signed in, so it may be kept a few seconds. */
    publicPage?: boolean
    /**
     * False for a POST that carries its own credential in a signed link and is made from outside
     * the service's pages: a mail client's one-click unsubscribe (RFC 8058) sends no form token.
     */
    csrf?: false
    /** False for a route that reads the session cookie itself without it counting as use (the timeout warning's check). */
    touchesSession?: false
  }
  interface FastifyRequest {
    auth: Authenticated | null
    /** The visitor's CSRF cookie (or the one this response gives them); its token is `csrfToken`. */
    csrfSeed: string
    /** Where a new visitor's cookie is set when a page first asks for their token (safe methods only). */
    csrfReply: FastifyReply | null
    /** The HMAC of `csrfSeed` that a form carries, made when first read. */
    readonly csrfToken: string
    sessionToken: string | null
    /** The API token presented has expired or was revoked: the refusal says which. */
    tokenRefused: 'expired' | 'revoked' | null
    /** Files sent with a multipart form, by field name. */
    uploads: Record<string, Upload> | null
    /** This page is to be kept for the next visitors (see public-pages.ts). */
    keepPage: boolean
  }
  interface FastifyInstance {
    /** Every route with the access it declares, in the order added. */
    declaredRoutes: { method: string; url: string; access: Access }[]
    keptPages: {
      keep(url: string, segments: Segments): void
      content(url: string, make: () => Promise<PageContent>): Promise<PageContent>
    }
  }
  interface FastifyReply {
    /** Renders a page with the layout's shared values (user, navigation, CSRF token). */
    view(template: string, data?: Record<string, unknown>): FastifyReply
    /**
     * Renders a public page whose content is the same for everyone and may be kept a few
     * seconds (see public-pages.ts): `load` reads what the template needs, when it must.
     */
    publicView(
      template: string,
      load: () => Promise<Record<string, unknown> & { title: string }>,
    ): Promise<FastifyReply>
  }
}

import type { Authenticated } from '../auth/identity.ts'
import type { Access } from '../auth/roles.ts'
import type { Upload } from './uploads.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may use this route. Required: the app refuses to start with a route that lacks it. */
    access?: Access
    /** API routes authenticate with Bearer tokens and answer with problem documents. */
    api?: boolean
  }
  interface FastifyRequest {
    auth: Authenticated | null
    csrfToken: string
    sessionToken: string | null
    /** Files sent with a multipart form, by field name. */
    uploads: Record<string, Upload> | null
  }
  interface FastifyInstance {
    /** Every route with the access it declares, in the order added. */
    declaredRoutes: { method: string; url: string; access: Access }[]
  }
  interface FastifyReply {
    /** Renders a page with the layout's shared values (user, navigation, CSRF token, CSP nonce). */
    view(template: string, data?: Record<string, unknown>): FastifyReply
  }
}

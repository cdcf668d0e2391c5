import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { govukFrontendDist } from '../views/nunjucks.ts'

/**
 * The hash of the GOV.UK template's one inline script (it marks the page as having
 * JavaScript), read from the template itself so an upgrade of govuk-frontend keeps it right.
 */
export function inlineScriptHash(): string {
  const template = readFileSync(join(govukFrontendDist, 'govuk', 'template.njk'), 'utf8')
  const script = /<script[^>]*>([^<]+)<\/script>/.exec(template)?.[1]
  if (!script) throw new Error('The GOV.UK template has no inline script to allow')
  return `sha256-${createHash('sha256').update(script).digest('base64')}`
}

/**
 * Security headers with a strict Content Security Policy: scripts and styles only from this
 * origin, and the template's one inline script allowed by its hash. A hash rather than a
 * nonce keeps every header and page the same for every visitor, so public pages can be kept
 * and sent as they are; the headers are written out once, as they are on every response.
 */
export const securityHeaders = fp(async (app: FastifyInstance, options: { production: boolean }) => {
  const policy = [
    "default-src 'self'",
    `script-src 'self' '${inlineScriptHash()}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    ...(options.production ? ['upgrade-insecure-requests'] : []),
  ].join(';')
  const headers: Record<string, string> = {
    'content-security-policy': policy,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
    ...(options.production ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  }
  // Hooks on every request take a callback: no promise to make and wait for.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
})

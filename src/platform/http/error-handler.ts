import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ZodError } from 'zod'
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../errors.ts'
import { isApiRequest } from './authentication.ts'
import { fieldErrors } from './forms.ts'
import { problem, validationProblem } from './problem.ts'

/** What the holder of a token that no longer works is told: about that token, and nothing else. */
const tokenRefusals = {
  expired: {
    type: 'https://cascade.example.org/problems/token-expired',
    title: 'API token expired',
    detail: 'This API token has expired. Ask an admin of your partnership for a new one.',
  },
  revoked: {
    type: 'https://cascade.example.org/problems/token-revoked',
    title: 'API token revoked',
    detail: 'This API token was revoked. Ask an admin of your partnership for a new one.',
  },
} as const

function sendProblem(reply: FastifyReply, body: ReturnType<typeof problem>) {
  return reply.status(body.status).type('application/problem+json').send(body)
}

function returnPath(request: FastifyRequest): string {
  const path = request.url
  return path.startsWith('/') && !path.startsWith('//') ? path : '/dashboard'
}

/**
 * One place turns errors into answers: a page for people, an RFC 9457 problem document for
 * the API. Nothing about the failure leaks out beyond the request id to quote.
 */
export function installErrorHandling(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) => {
    if (isApiRequest(request)) return sendProblem(reply, problem(404, 'Not found', { instance: request.url }))
    return reply.status(404).view('errors/404.njk', { title: 'Page not found' })
  })

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const api = isApiRequest(request)

    if (error instanceof NotFoundError) {
      if (api) return sendProblem(reply, problem(404, error.message, { instance: request.url }))
      return reply.status(404).view('errors/404.njk', { title: 'Page not found' })
    }
    if (error instanceof UnauthenticatedError) {
      if (api) {
        const refused = error.tokenRefused ? tokenRefusals[error.tokenRefused] : null
        reply.header(
          'www-authenticate',
          refused ? `Bearer error="invalid_token", error_description="${refused.title}"` : 'Bearer',
        )
        return sendProblem(
          reply,
          refused
            ? problem(401, refused.title, { type: refused.type, detail: refused.detail })
            : problem(401, 'Authentication required', { detail: 'Send an API token as a Bearer token' }),
        )
      }
      const returnTo = request.method === 'GET' ? `?returnTo=${encodeURIComponent(returnPath(request))}` : ''
      // A browser whose sign-in has ended (rather than one never signed in) is told why.
      if (request.sessionToken) return reply.redirect(`/session-ended${returnTo}`, 303)
      return reply.redirect(`/sign-in${returnTo}`, 303)
    }
    if (error instanceof ForbiddenError) {
      if (!api && error.message === 'Choose a partnership first')
        return reply.redirect('/choose-partnership', 303)
      if (api) return sendProblem(reply, problem(403, 'Forbidden', { detail: error.message }))
      return reply
        .status(403)
        .view('errors/403.njk', { title: 'You cannot use this page', message: error.message })
    }
    if (error instanceof ValidationError || error instanceof ZodError) {
      const errors = error instanceof ZodError ? fieldErrors(error) : error.errors
      if (api) return sendProblem(reply, validationProblem(errors, request.url))
      return reply.status(400).view('errors/400.njk', { title: 'There is a problem', problems: errors })
    }
    if (error instanceof ConflictError) {
      if (api) return sendProblem(reply, problem(409, 'Conflict', { detail: error.message }))
      return reply
        .status(409)
        .view('errors/400.njk', { title: 'There is a problem', problems: [{ text: error.message }] })
    }

    const fastifyError = error as FastifyError
    const status = fastifyError.statusCode ?? 500
    if (fastifyError.validation) {
      const errors = fastifyError.validation.map((v) => ({
        field:
          String(v.instancePath ?? '')
            .replace(/^\//, '')
            .replaceAll('/', '.') || String(v.params?.missingProperty ?? 'body'),
        text: v.message ?? 'is not valid',
      }))
      if (api) return sendProblem(reply, validationProblem(errors, request.url))
      return reply.status(400).view('errors/400.njk', { title: 'There is a problem', problems: errors })
    }
    if (status === 429) {
      if (api)
        return sendProblem(
          reply,
          problem(429, 'Too many requests', { detail: 'Wait a minute and try again' }),
        )
      return reply.status(429).view('errors/429.njk', { title: 'Too many attempts' })
    }
    if (status >= 400 && status < 500) {
      if (api)
        return sendProblem(
          reply,
          problem(status, 'Bad request', { detail: 'The request could not be understood' }),
        )
      return reply.status(status).view('errors/400.njk', {
        title: 'There is a problem',
        problems: [{ text: 'The request could not be understood.' }],
      })
    }

    request.log.error({ err: error }, 'request failed')
    if (api)
      return sendProblem(
        reply,
        problem(500, 'Internal server error', { detail: `Quote reference ${request.id}` }),
      )
    return reply
      .status(500)
      .view('errors/500.njk', { title: 'Sorry, there is a problem with the service', reference: request.id })
  })
}

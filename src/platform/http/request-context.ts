import type { FastifyRequest } from 'fastify'
import type { Context } from '../context.ts'
import { contextFrom } from '../context.ts'
import { UnauthenticatedError } from '../errors.ts'

/** The service context of a signed-in request: who, in which partnership, with which request id. */
export function contextOf(request: FastifyRequest): Context {
  if (!request.auth) throw new UnauthenticatedError()
  return contextFrom(request.auth, request.id)
}

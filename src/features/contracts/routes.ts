import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { londonDateOf } from '#platform/clock.ts'
import type { FieldError } from '#platform/errors.ts'
import { ValidationError } from '#platform/errors.ts'
import { errorFor } from '#platform/http/forms.ts'
import { contextOf } from '#platform/http/request-context.ts'
import type { Services } from '#src/services.ts'
import {
  contractStatuses,
  contractStatusNames,
  deliveryFormatNames,
  deliveryFormats,
  payerNames,
  payers,
} from './forms.ts'
import { contractFromForm, formValuesOf, onPage } from './page-forms.ts'
import type { Contract } from './queries.ts'
import { defaultReviewDate, describeReview, reviewStatus } from './rules.ts'

const admins = ['admin'] as const

// A date's error links to its first box, as the GOV.UK date input asks.
const dateFields = new Set(['startsOn', 'reviewOn'])
const summaryOf = (errors: readonly FieldError[]) =>
  errors.map((e) => ({ text: e.text, href: `#${e.field}${dateFields.has(e.field) ? '-day' : ''}` }))

/** The admin's pages for commissioned training contracts (Norfolk 12a). */
export default async function contractRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { contracts } = services

  const withReview = (c: Contract, today: string) => ({
    ...c,
    review: describeReview(reviewStatus(c, today)),
  })

  async function formData(request: FastifyRequest) {
    const { items } = await services.courses.list(contextOf(request), { page: 1, pageSize: 500 })
    return {
      courses: items.map((c) => ({ id: c.id, title: c.title })),
      deliveryFormats,
      deliveryFormatNames,
      payers,
      payerNames,
      contractStatuses,
      contractStatusNames,
    }
  }

  function again(reply: FastifyReply, data: Record<string, unknown>, errors: FieldError[]) {
    const shown = onPage(errors)
    return reply.status(400).view('contracts/views/contract-form.njk', {
      ...data,
      errors: summaryOf(shown),
      fieldErrors: errorFor(shown),
    })
  }

  app.get('/contracts', { config: { access: admins } }, async (request, reply) => {
    const { due, others, today } = await contracts.list(contextOf(request))
    return reply.view('contracts/views/contracts.njk', {
      title: 'Training contracts',
      due: due.map((c) => withReview(c, today)),
      others: others.map((c) => withReview(c, today)),
      contractStatusNames,
      columns: 'full',
    })
  })

  app.get('/contracts/new', { config: { access: admins } }, async (request, reply) =>
    reply.view('contracts/views/contract-form.njk', {
      ...(await formData(request)),
      title: 'Add a training contract',
      action: '/contracts/new',
      values: { venueCost: '0.00', trainerCost: '0.00' },
      backLink: '/contracts',
    }),
  )

  app.post<{ Body: Record<string, unknown> }>(
    '/contracts/new',
    { config: { access: admins } },
    async (request, reply) => {
      const data = {
        ...(await formData(request)),
        title: 'Add a training contract',
        action: '/contracts/new',
        values: request.body ?? {},
        backLink: '/contracts',
      }
      const form = contractFromForm(request.body ?? {}, 'active')
      if (!form.ok) return again(reply, data, form.errors)
      try {
        const contract = await contracts.create(contextOf(request), form.data)
        return reply.redirect(`/contracts/${contract.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(reply, data, error.errors)
        throw error
      }
    },
  )

  app.get<{ Params: { id: string } }>(
    '/contracts/:id',
    { config: { access: admins } },
    async (request, reply) => {
      const contract = await contracts.contract(contextOf(request), request.params.id)
      return reply.view('contracts/views/contract.njk', {
        title: contract.providerName,
        contract: withReview(contract, londonDateOf(services.clock.now())),
        deliveryFormatNames,
        payerNames,
        contractStatusNames,
        backLink: '/contracts',
      })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/contracts/:id/edit',
    { config: { access: admins } },
    async (request, reply) => {
      const contract = await contracts.contract(contextOf(request), request.params.id)
      return reply.view('contracts/views/contract-form.njk', {
        ...(await formData(request)),
        title: `Change the contract with ${contract.providerName}`,
        action: `/contracts/${contract.id}/edit`,
        values: formValuesOf(contract),
        editing: true,
        backLink: `/contracts/${contract.id}`,
      })
    },
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/contracts/:id/edit',
    { config: { access: admins } },
    async (request, reply) => {
      const ctx = contextOf(request)
      const contract = await contracts.contract(ctx, request.params.id)
      const data = {
        ...(await formData(request)),
        title: `Change the contract with ${contract.providerName}`,
        action: `/contracts/${contract.id}/edit`,
        values: request.body ?? {},
        editing: true,
        backLink: `/contracts/${contract.id}`,
      }
      const form = contractFromForm(request.body ?? {}, contract.status)
      if (!form.ok) return again(reply, data, form.errors)
      try {
        // A review date cleared on the form goes back to a year after the start.
        const reviewOn = form.data.reviewOn ?? defaultReviewDate(form.data.startsOn)
        await contracts.change(ctx, contract.id, { ...form.data, reviewOn })
        return reply.redirect(`/contracts/${contract.id}`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return again(reply, data, error.errors)
        throw error
      }
    },
  )
}

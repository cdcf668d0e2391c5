import { chargeById, chargesToInvoice, waiveCharge } from '#features/charges/queries.ts'
import { rulesInForceOn } from '#features/policy/queries.ts'
import type { Clock } from '#platform/clock.ts'
import { londonDateOf } from '#platform/clock.ts'
import type { Context } from '#platform/context.ts'
import { requireRole, scopeOf } from '#platform/context.ts'
import type { Database } from '#platform/db/database.ts'
import { isUuid } from '#platform/db/database.ts'
import { ConflictError, NotFoundError, ValidationError } from '#platform/errors.ts'
import { isCalendarDate as isDate } from '#platform/http/forms.ts'
import { enqueueEmail } from '#platform/mail/outbox.ts'
import { money } from '#platform/views/nunjucks.ts'
import type { InvoiceTerms } from './documents.ts'
import { invoiceCsv, invoicePdf, invoiceTitle } from './documents.ts'
import type { Invoice } from './queries.ts'
import { insertInvoice, invoiceById, invoicesList, takeNumber } from './queries.ts'

/**
 * Invoices: per agency and period, from its charges not yet invoiced or waived, numbered from
 * one sequence per partnership with no gaps, immutable once issued, and sent with their PDF
 * and CSV to the agency's invoicing contact. A correction is a credit note.
 */
export function createInvoiceService(deps: { db: Database; clock: Clock; mailQueued?: () => void }) {
  const { db, clock } = deps

  /** The policy's invoice terms in force on the day the invoice was issued. */
  async function termsOf(ctx: Context, invoice: Invoice): Promise<InvoiceTerms> {
    const rules = await db.tenant(scopeOf(ctx), (sql) => rulesInForceOn(sql, londonDateOf(invoice.issuedAt)))
    return { partnership: ctx.partnership.name, rules }
  }

  async function send(ctx: Context, invoice: Invoice, to: string | null) {
    if (!to) return
    const pdf = await invoicePdf(invoice, await termsOf(ctx, invoice), clock.now())
    await db.tenant(scopeOf(ctx), (sql) =>
      enqueueEmail(sql, ctx.partnership.id, {
        to,
        subject: `${invoiceTitle(invoice)} from ${ctx.partnership.name}`,
        text: [
          'Hello,',
          '',
          `${invoiceTitle(invoice)} for ${invoice.agencyName} is attached, for ${money(Math.abs(invoice.totalPence))}${
            invoice.kind === 'credit_note' ? ' in credit' : ''
          }, as a PDF and as a spreadsheet.`,
        ].join('\n'),
        attachments: [
          {
            filename: `${invoiceTitle(invoice).toLowerCase().replace(' ', '-')}.pdf`,
            contentType: 'application/pdf',
            contentBase64: pdf.toString('base64'),
          },
          {
            filename: `${invoiceTitle(invoice).toLowerCase().replace(' ', '-')}.csv`,
            contentType: 'text/csv; charset=utf-8',
            contentBase64: Buffer.from(invoiceCsv(invoice)).toString('base64'),
          },
        ],
      }),
    )
    deps.mailQueued?.()
  }

  return {
    async list(ctx: Context) {
      requireRole(ctx, 'admin')
      return db.tenant(scopeOf(ctx), invoicesList)
    },

    async invoice(ctx: Context, id: string): Promise<Invoice> {
      requireRole(ctx, 'admin')
      const found = isUuid(id) ? await db.tenant(scopeOf(ctx), (sql) => invoiceById(sql, id)) : undefined
      if (!found) throw new NotFoundError('Invoice')
      return found
    },

    async pdf(ctx: Context, id: string): Promise<{ invoice: Invoice; pdf: Buffer }> {
      const invoice = await this.invoice(ctx, id)
      return { invoice, pdf: await invoicePdf(invoice, await termsOf(ctx, invoice), clock.now()) }
    },

    /** Issues an agency's invoice for a period. With no charges to invoice, nothing is issued and no number used. */
    async issue(ctx: Context, input: { agencyId: string; from: string; to: string }): Promise<Invoice> {
      requireRole(ctx, 'admin')
      const problems = [
        ...(isUuid(input.agencyId) ? [] : [{ field: 'agencyId', text: 'Select the agency to invoice' }]),
        ...(isDate(input.from)
          ? []
          : [{ field: 'from', text: 'Enter the first day of the period as a real date' }]),
        ...(isDate(input.to)
          ? []
          : [{ field: 'to', text: 'Enter the last day of the period as a real date' }]),
      ]
      if (!problems.length && input.to < input.from)
        problems.push({ field: 'to', text: 'The period must end on or after the day it starts' })
      if (problems.length) throw new ValidationError(problems)
      const { invoice, contact } = await db.tenant(scopeOf(ctx), async (sql) => {
        const agency = await sql.maybeOne<{ name: string; contact: string | null }>(
          'SELECT name, invoicing_contact_email AS contact FROM agencies WHERE id = $1',
          [input.agencyId],
        )
        if (!agency) throw new NotFoundError('Agency')
        const charges = await chargesToInvoice(sql, input.agencyId, input.from, input.to)
        if (!charges.length)
          throw new ValidationError([
            { field: 'agencyId', text: `${agency.name} has no charges to invoice for that period` },
          ])
        await sql.auditAs('invoice.issue')
        const id = await insertInvoice(sql, {
          partnershipId: ctx.partnership.id,
          number: await takeNumber(sql, ctx.partnership.id),
          kind: 'invoice',
          agencyId: input.agencyId,
          periodFrom: input.from,
          periodTo: input.to,
          credits: null,
          reason: null,
          lines: charges.map((c) => ({
            chargeId: c.id,
            personName: c.personName,
            courseTitle: c.courseTitle,
            sessionDate: c.sessionDate,
            reason: c.reason,
            amountPence: c.amountPence,
          })),
          sentTo: agency.contact,
          by: ctx.actor.userId,
        })
        return { invoice: (await invoiceById(sql, id)) as Invoice, contact: agency.contact }
      })
      await send(ctx, invoice, contact)
      return invoice
    },

    /** Credits an invoiced charge: a credit note against its invoice, and the charge waived with the reason. */
    async credit(ctx: Context, chargeId: string, reason: string): Promise<Invoice> {
      requireRole(ctx, 'admin')
      const why = reason.trim()
      if (!why || why.length > 1000)
        throw new ValidationError([
          { field: 'reason', text: 'Enter why the charge is credited, in 1,000 characters or fewer' },
        ])
      const { invoice, contact } = await db.tenant(scopeOf(ctx), async (sql) => {
        const charge = isUuid(chargeId) ? await chargeById(sql, chargeId) : undefined
        if (!charge) throw new NotFoundError('Charge')
        if (!charge.invoiceId) throw new ConflictError('This charge has not been invoiced: waive it instead')
        if (charge.waived) throw new ConflictError('This charge has already been credited or waived')
        const original = await invoiceById(sql, charge.invoiceId)
        if (!original) throw new NotFoundError('Invoice')
        await sql.auditAs('invoice.credit')
        const id = await insertInvoice(sql, {
          partnershipId: ctx.partnership.id,
          number: await takeNumber(sql, ctx.partnership.id),
          kind: 'credit_note',
          agencyId: charge.agencyId,
          periodFrom: original.periodFrom,
          periodTo: original.periodTo,
          credits: original.id,
          reason: why,
          lines: [
            {
              chargeId: charge.id,
              personName: charge.personName,
              courseTitle: charge.courseTitle,
              sessionDate: charge.sessionDate,
              reason: charge.reason,
              amountPence: -charge.amountPence,
            },
          ],
          sentTo: original.sentTo,
          by: ctx.actor.userId,
        })
        await waiveCharge(sql, charge.id, why, ctx.actor.userId, clock.now())
        return { invoice: (await invoiceById(sql, id)) as Invoice, contact: original.sentTo }
      })
      await send(ctx, invoice, contact)
      return invoice
    },
  }
}

export type InvoiceService = ReturnType<typeof createInvoiceService>

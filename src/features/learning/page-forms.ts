import type { FieldError } from '#platform/errors.ts'
import type { FormResult } from '#platform/http/forms.ts'
import { dateBoxes, dateFromInput, fieldErrors, onDateBoxes } from '#platform/http/forms.ts'
import type { ProductChange, ProductInput } from './forms.ts'
import { productChangeSchema, productSchema } from './forms.ts'
import type { Product } from './queries.ts'

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')
const listOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : []

/** The fields in the order the form shows them, so the error summary reads top to bottom. */
const order = [
  'type',
  'title',
  'summary',
  'body',
  'links',
  'themes',
  'audience',
  'reviewIds',
  'findingIds',
  'visibility',
  'reviewBy',
  'status',
  'changeNote',
]

/** Links typed one a line, as "words | address" or just the address. */
export function linksFromText(text: string): { text: string; url: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const bar = line.lastIndexOf('|')
      if (bar === -1) return { text: line, url: line }
      return {
        text: line.slice(0, bar).trim() || line.slice(bar + 1).trim(),
        url: line.slice(bar + 1).trim(),
      }
    })
}

export const linksAsText = (links: readonly { text: string; url: string }[]) =>
  links.map((l) => (l.text === l.url ? l.url : `${l.text} | ${l.url}`)).join('\n')

function errorsOf(errors: FieldError[]): FieldError[] {
  const placed = errors.map((e) => {
    const field = e.field
      .replace(/^(themes|reviewIds|findingIds|links)\..*$/, '$1')
      .replace(/^audience\.(\w+).*$/, 'audience-$1')
    return { ...e, field }
  })
  const rank = (field: string) => {
    const i = order.findIndex((name) => field === name || field.startsWith(`${name}-`))
    return i === -1 ? order.length : i
  }
  return onDateBoxes(placed, ['reviewBy']).sort((a, b) => rank(a.field) - rank(b.field))
}

function fieldsOf(body: Record<string, unknown>) {
  const reviewBy = dateFromInput(body, 'reviewBy')
  const workforce = textOf(body.workforce)
  return {
    type: textOf(body.type) || undefined,
    title: textOf(body.title),
    summary: textOf(body.summary),
    body: textOf(body.body),
    links: linksFromText(textOf(body.links)),
    themes: listOf(body.themes),
    audience: {
      workforce: workforce && workforce !== 'any' ? workforce : null,
      sectors: listOf(body.sectors),
      tiers: listOf(body.tiers),
    },
    reviewIds: listOf(body.reviewIds),
    findingIds: listOf(body.findingIds),
    visibility: textOf(body.visibility) || undefined,
    reviewBy: reviewBy || null,
  }
}

/** The new product form: a draft, or published at once. */
export function productFromForm(body: Record<string, unknown>): FormResult<ProductInput> {
  const result = productSchema.safeParse({ ...fieldsOf(body), status: textOf(body.status) || 'draft' })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: errorsOf(fieldErrors(result.error)) }
}

/** The change form sends every field, so an emptied one is cleared. */
export function productChangeFromForm(body: Record<string, unknown>): FormResult<ProductChange> {
  const note = textOf(body.changeNote).trim()
  const result = productChangeSchema.safeParse({ ...fieldsOf(body), changeNote: note || undefined })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, errors: errorsOf(fieldErrors(result.error)) }
}

/** A product's values as the form shows them. */
export function productValuesOf(product: Product): Record<string, unknown> {
  return {
    type: product.type,
    title: product.title,
    summary: product.summary,
    body: product.body,
    links: linksAsText(product.links),
    themes: product.themeIds,
    workforce: product.audience.workforce ?? 'any',
    sectors: product.audience.sectors ?? [],
    tiers: product.audience.tiers ?? [],
    reviewIds: product.reviewIds,
    findingIds: product.findingIds,
    visibility: product.visibility,
    status: product.status,
    ...dateBoxes('reviewBy', product.reviewBy),
  }
}

/** What was sent, as the form shows it again with its errors. */
export function sentValuesOf(body: Record<string, unknown>): Record<string, unknown> {
  return {
    ...Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : ''])),
    themes: listOf(body.themes),
    sectors: listOf(body.sectors),
    tiers: listOf(body.tiers),
    reviewIds: listOf(body.reviewIds),
    findingIds: listOf(body.findingIds),
  }
}

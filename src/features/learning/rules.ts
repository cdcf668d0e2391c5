import type { Context } from '#platform/context.ts'
import type { ProductStatus, ProductVisibility } from './words.ts'

/** A published version's content, as kept with the version and compared with the next. */
export type ProductSnapshot = {
  type: string
  title: string
  summary: string
  body: string
  links: { text: string; url: string }[]
  audience: { workforce?: string | null; sectors?: string[]; tiers?: string[] }
  visibility: string
  reviewBy: string | null
  themeIds: string[]
  reviewIds: string[]
  findingIds: string[]
  files: { id: string; filename: string }[]
}

/** JSON with object keys in order: the database keeps a jsonb object's keys in its own order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  )
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b)
const sameSet = (a: readonly string[], b: readonly string[]) => same([...a].sort(), [...b].sort())

/** What each part of a product is called when a version says what changed. */
const partNames: [keyof ProductSnapshot, string][] = [
  ['type', 'the kind of product'],
  ['title', 'the title'],
  ['summary', 'the summary'],
  ['body', 'the text'],
  ['links', 'the links'],
  ['audience', 'who it is for'],
  ['visibility', 'who may read it'],
  ['reviewBy', 'the review-by date'],
  ['themeIds', 'the themes'],
  ['reviewIds', 'the reviews it comes from'],
  ['findingIds', 'the findings it comes from'],
]

/**
 * What changed between two versions of a product, in words a reader of its history
 * understands ("Changed the title and the text; added poster.pdf"). Empty when nothing did,
 * so saving an unchanged form makes no new version.
 */
export function changesBetween(before: ProductSnapshot, after: ProductSnapshot): string[] {
  const changed = partNames
    .filter(([key]) => {
      const a = before[key]
      const b = after[key]
      return Array.isArray(a) && Array.isArray(b) && typeof a[0] !== 'object' && typeof b[0] !== 'object'
        ? !sameSet(a as string[], b as string[])
        : !same(a, b)
    })
    .map(([, name]) => name)
  const beforeFiles = new Map(before.files.map((f) => [f.id, f.filename]))
  const afterFiles = new Map(after.files.map((f) => [f.id, f.filename]))
  const added = [...afterFiles].filter(([id]) => !beforeFiles.has(id)).map(([, name]) => name)
  const removed = [...beforeFiles].filter(([id]) => !afterFiles.has(id)).map(([, name]) => name)
  const out: string[] = []
  if (changed.length) out.push(`Changed ${listed(changed)}`)
  if (added.length) out.push(`added ${listed(added)}`)
  if (removed.length) out.push(`removed ${listed(removed)}`)
  return out
}

/** The changes as one sentence, capitalised. */
export function changesSentence(changes: readonly string[]): string {
  const text = changes.join('; ')
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}` : ''
}

function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

/** The roles that write and publish products: the partnership's admins and its sub-group. */
export const productEditors = ['admin', 'subgroup'] as const

/** The roles that see every product, drafts and withdrawn ones too. */
export const productOverseers = ['admin', 'subgroup', 'executive'] as const

/**
 * Who may read a product: overseers, anything; signed-in members of the partnership, what is
 * published; the public (no context), what is published for anyone. Anything else is not found.
 */
export function mayRead(
  ctx: Context | null,
  product: { status: ProductStatus; visibility: ProductVisibility },
): boolean {
  if (ctx && productOverseers.some((role) => ctx.actor.roles.includes(role))) return true
  if (product.status !== 'published') return false
  if (product.visibility === 'public') return true
  return ctx !== null && ctx.actor.roles.length > 0
}

/**
 * Whether a status may follow another: a draft is published; a published product is
 * withdrawn and may be published again; nothing goes back to draft once readers have seen it.
 */
export function statusChangeRefusal(from: ProductStatus, to: ProductStatus): string | null {
  if (from === to) return null
  if (to === 'draft') return 'A product that has been published cannot go back to draft: withdraw it instead'
  if (from === 'draft' && to === 'withdrawn')
    return 'A draft cannot be withdrawn: publish it first, or leave it as a draft'
  return null
}

import { z } from 'zod'
import { agencySectors, workforces } from '#features/directory/agency.ts'
import { calendarDate } from '#platform/http/forms.ts'
import { productStatuses, productTypes, productVisibilities } from './words.ts'

const text = (max: number, label: string) =>
  z
    .string({ message: `Enter ${label.toLowerCase()}` })
    .trim()
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

const ids = (message: string) => z.array(z.uuid({ message })).max(100, { message: 'Select 100 or fewer' })

/** A link a product gives: its words and a web address (https, or http for older sites). */
export const linkSchema = z
  .object({
    text: text(200, 'The link’s words').min(1, { message: 'Enter the words a link shows' }),
    url: z
      .string({ message: 'Enter the link’s web address' })
      .trim()
      .max(2000, { message: 'A link must be 2,000 characters or fewer' })
      .pipe(
        z.url({
          protocol: /^https?$/,
          message: 'Enter a link as a full web address starting https://, like https://example.org/report',
        }),
      ),
  })
  .strict()
export type ProductLink = z.infer<typeof linkSchema>

/** Who a product is for, as a course's audience: the workforce, sectors and tiers. */
export const productAudienceSchema = z
  .object({
    workforce: z
      .enum(workforces, { message: 'Select the children’s or adults’ workforce, or both' })
      .nullish(),
    sectors: z
      .array(z.enum(agencySectors, { message: 'Select sectors from the list' }))
      .max(agencySectors.length)
      .default([]),
    tiers: z.array(text(80, 'A tier').min(1)).max(20, { message: 'Select 20 tiers or fewer' }).default([]),
  })
  .strict()
export type ProductAudience = z.infer<typeof productAudienceSchema>

// Each field once, without defaults: a change names only what changes.
const productFields = {
  type: z.enum(productTypes, { message: 'Select the kind of product' }),
  title: text(200, 'The title').min(1, { message: 'Enter the product’s title' }),
  summary: text(2000, 'The summary'),
  body: z
    .string({ message: 'Enter the text' })
    .max(100_000, { message: 'The text must be 100,000 characters or fewer' })
    .describe('Markdown; HTML is shown as text and only web and email links are made'),
  links: z.array(linkSchema).max(20, { message: 'Give 20 links or fewer' }),
  themes: ids('Select themes from the partnership’s list').describe('Theme ids'),
  audience: productAudienceSchema,
  reviewIds: ids('Select reviews from the register').describe('The reviews the product comes from'),
  findingIds: ids('Select findings from the reviews’ findings').describe('The findings it comes from'),
  visibility: z.enum(productVisibilities, { message: 'Select who may read it' }),
  status: z.enum(productStatuses, { message: 'Select draft, published or withdrawn' }),
  reviewBy: calendarDate('Enter the review-by date as a real date, like 2027-11-30')
    .nullable()
    .describe('When the product should be checked it is still right (YYYY-MM-DD)'),
}

/** A new product: a draft unless published at once. */
export const productSchema = z
  .object({
    ...productFields,
    summary: productFields.summary.default(''),
    body: productFields.body.default(''),
    links: productFields.links.default([]),
    themes: productFields.themes.default([]),
    audience: productFields.audience.default({ sectors: [], tiers: [] }),
    reviewIds: productFields.reviewIds.default([]),
    findingIds: productFields.findingIds.default([]),
    visibility: productFields.visibility.default('workforce'),
    status: productFields.status.default('draft'),
    reviewBy: productFields.reviewBy.optional().default(null),
  })
  .strict()
export type ProductInput = z.infer<typeof productSchema>

/** A change: only what changes; after publishing it makes a new version, with a note on why. */
export const productChangeSchema = z
  .object({
    type: productFields.type.optional(),
    title: productFields.title.optional(),
    summary: productFields.summary.optional(),
    body: productFields.body.optional(),
    links: productFields.links.optional(),
    themes: productFields.themes.optional(),
    audience: productFields.audience.optional(),
    reviewIds: productFields.reviewIds.optional(),
    findingIds: productFields.findingIds.optional(),
    visibility: productFields.visibility.optional(),
    status: productFields.status.optional(),
    reviewBy: productFields.reviewBy.optional(),
    changeNote: text(2000, 'The note on what changed')
      .optional()
      .describe('Why a published product changed; kept with the new version'),
  })
  .strict()
export type ProductChange = z.infer<typeof productChangeSchema>

/** The library's filters: a kind, a theme, an audience, and words to search for. */
export const libraryFilterSchema = z.object({
  type: z.enum(productTypes).optional().catch(undefined),
  themeId: z.uuid().optional().catch(undefined),
  sector: z.enum(agencySectors).optional().catch(undefined),
  workforce: z.enum(workforces).optional().catch(undefined),
  tier: z.string().trim().max(80).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
})
export type LibraryFilter = z.infer<typeof libraryFilterSchema>

/** Products in the library, and in the admin's list, a page. */
export const PRODUCTS_A_PAGE = 20

import { z } from 'zod'

const textOf = (value: unknown) => (typeof value === 'string' ? value : '')
/** A checkbox group as a form sends it: nothing, one value or many. */
export const listOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : []

const themeIds = z
  .array(z.uuid({ message: 'Select themes from the list' }))
  .max(100, { message: 'Select 100 themes or fewer' })

/** The themes someone hears about: all of them (including new ones), or those chosen. */
export type ThemeChoice = { allThemes: boolean; themeIds: string[] }

const choiceFields = {
  scope: z.enum(['all', 'chosen'], { message: 'Select all themes, or the themes you want' }),
  themes: themeIds,
}
const chosenSome = (c: { scope: 'all' | 'chosen'; themes: string[] }) =>
  c.scope === 'all' || c.themes.length > 0
const noneChosen = { message: 'Select at least one theme, or choose all themes', path: ['themes'] }

const themeChoice = z
  .object(choiceFields)
  .refine(chosenSome, noneChosen)
  .transform(
    (c): ThemeChoice => ({ allThemes: c.scope === 'all', themeIds: c.scope === 'all' ? [] : c.themes }),
  )

/** A signed-in practitioner's choice of themes: their address is their account's. */
export const themeChoiceForm = z
  .record(z.string(), z.unknown())
  .transform((body) => ({ scope: textOf(body.scope) || undefined, themes: listOf(body.themes) }))
  .pipe(themeChoice)

export type SubscribeInput = ThemeChoice & { email: string }

/** Subscribing from the public page: an address to confirm, and the themes. */
export const subscribeForm = z
  .record(z.string(), z.unknown())
  .transform((body) => ({
    email: textOf(body.email),
    scope: textOf(body.scope) || undefined,
    themes: listOf(body.themes),
  }))
  .pipe(
    z
      .object({
        email: z
          .string()
          .trim()
          .max(320, { message: 'Your email address must be 320 characters or fewer' })
          .pipe(z.email({ message: 'Enter an email address in the correct format, like name@example.org' })),
        ...choiceFields,
      })
      .refine(chosenSome, noneChosen),
  )
  .transform(
    (v): SubscribeInput => ({
      email: v.email,
      allThemes: v.scope === 'all',
      themeIds: v.scope === 'all' ? [] : v.themes,
    }),
  )

export type NewsletterInput = {
  title: string
  introduction: string
  body: string
  productIds: string[]
  allSubscribers: boolean
  themeIds: string[]
}

/** A newsletter as the admin writes it: words, products, and who it goes to. */
export const newsletterForm = z
  .record(z.string(), z.unknown())
  .transform((body) => ({
    title: textOf(body.title),
    introduction: textOf(body.introduction),
    body: textOf(body.body),
    productIds: listOf(body.products),
    audience: textOf(body.audience) || undefined,
    themes: listOf(body.themes),
  }))
  .pipe(
    z
      .object({
        title: z
          .string()
          .trim()
          .min(1, { message: 'Enter the newsletter’s title' })
          .max(200, { message: 'The title must be 200 characters or fewer' }),
        introduction: z
          .string()
          .trim()
          .max(2000, { message: 'The introduction must be 2,000 characters or fewer' }),
        body: z.string().max(50_000, { message: 'The text must be 50,000 characters or fewer' }),
        productIds: z
          .array(z.uuid({ message: 'Select products from the list' }))
          .max(50, { message: 'Select 50 products or fewer' }),
        audience: z.enum(['all', 'themes'], {
          message: 'Select whether it goes to every subscriber or to those of some themes',
        }),
        themes: themeIds,
      })
      .refine((n) => n.audience === 'all' || n.themes.length > 0, {
        message: 'Select the themes whose subscribers it goes to',
        path: ['themes'],
      })
      .refine((n) => n.productIds.length > 0 || n.body.trim().length > 0, {
        message: 'Choose products or write the text: a newsletter cannot be empty',
        path: ['products'],
      }),
  )
  .transform(
    (n): NewsletterInput => ({
      title: n.title,
      introduction: n.introduction,
      body: n.body,
      productIds: [...new Set(n.productIds)],
      allSubscribers: n.audience === 'all',
      themeIds: n.audience === 'all' ? [] : n.themes,
    }),
  )

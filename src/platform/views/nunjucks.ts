import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import nunjucks from 'nunjucks'
import { roleNames } from '../auth/roles.ts'
import { londonTimeText } from '../clock.ts'

const require = createRequire(import.meta.url)
const src = fileURLToPath(new URL('../../', import.meta.url))

export const govukFrontendDist = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist')
export const mojFrontendRoot = dirname(require.resolve('@ministryofjustice/frontend/package.json'))

const londonDate = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})
const londonDateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
})
const londonMonth = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  month: 'long',
  year: 'numeric',
})
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })

/** Formats pence as pounds: 4000 → "£40.00". */
export function money(pence: number): string {
  return pounds.format(pence / 100)
}

function asDate(value: unknown): Date | null {
  if (value instanceof Date) return value
  if (typeof value === 'string' && value)
    return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value)
  return null
}

/**
 * One Nunjucks environment for every page: the app's layout, each feature's views (named
 * 'feature/views/page.njk'), and the GOV.UK and MOJ component macros. Autoescaping is on, so
 * text a user typed is never rendered as HTML.
 */
export function createViews(options: { watch?: boolean; assetUrl?: (path: string) => string } = {}) {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [join(src, 'views'), join(src, 'features'), govukFrontendDist, mojFrontendRoot],
      { noCache: Boolean(options.watch) },
    ),
    { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  )
  env.addFilter('londonDate', (value: unknown) => {
    const date = asDate(value)
    return date ? londonDate.format(date) : ''
  })
  // A month as its first day (YYYY-MM-01), named: "December 2026".
  env.addFilter('londonMonth', (value: unknown) =>
    typeof value === 'string' && /^\d{4}-\d{2}-01$/.test(value)
      ? londonMonth.format(new Date(`${value}T12:00:00Z`))
      : '',
  )
  env.addFilter('londonDateTime', (value: unknown) => {
    const date = asDate(value)
    return date ? londonDateTime.format(date).replace(' am', 'am').replace(' pm', 'pm') : ''
  })
  env.addFilter('londonTime', (value: unknown) => {
    const date = asDate(value)
    return date ? londonTimeText(date) : ''
  })
  env.addFilter('money', (value: unknown) => (typeof value === 'number' ? money(value) : ''))
  env.addGlobal('roleNames', roleNames)
  // The address of a stylesheet, script or image under /assets, fingerprinted by its content.
  env.addGlobal('asset', options.assetUrl ?? ((path: string) => path))
  // What a page extends: the layout, or only its content for a public page kept for everyone.
  env.addGlobal('frame', 'layout.njk')
  env.addFilter('json', (value: unknown) => JSON.stringify(value, null, 2))
  return env
}

export type Views = ReturnType<typeof createViews>

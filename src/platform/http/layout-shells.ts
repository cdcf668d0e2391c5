import nunjucks from 'nunjucks'
import type { Views } from '../views/nunjucks.ts'
import { CSRF_MARK } from './public-pages.ts'

/**
 * The layout around every page (the GOV.UK template: head, header, footer) is the same for
 * every page of the same shape, and laying it out was about a third of rendering a small page.
 * It is rendered once for each shape, with marks where what differs goes (the title, the
 * partnership's and the user's names, the back link, the page's content), and kept; a page
 * renders only its own content (`contentOnly`), which goes in the marks with the rest.
 *
 * A shape is everything else the layout reads: whether someone is signed in and in a
 * partnership, their header links, whether they may change partnership, whether the page has
 * a back link or errors, the partnership its footer links to, and whether it keeps a draft.
 */

/** Letters and digits only, so escaping leaves them as they are. */
const MARKS = {
  title: 'cascadeshelltitle7q4x',
  partnership: 'cascadeshellpartnership7q4x',
  user: 'cascadeshelluser7q4x',
  backLink: 'cascadeshellbacklink7q4x',
  content: 'cascadeshellcontent7q4x',
} as const
type Slot = keyof typeof MARKS
const SLOT_OF = new Map<string, Slot>(Object.entries(MARKS).map(([slot, mark]) => [mark, slot as Slot]))
const ANY_MARK = new RegExp(`(${Object.values(MARKS).join('|')})`)

/** Shapes kept for each set of header links: a few dozen in practice. */
const MOST_SHAPES = 200

/** What the layout reads of a page's data. */
export type LayoutData = {
  auth?: { partnership?: { name: string } | null; user: { displayName: string } } | null
  serviceNavigation: string
  canSwitchPartnership?: boolean
  currentPath?: string
  title?: unknown
  backLink?: unknown
  errors?: unknown
  draftForm?: unknown
}

/** A kept layout: text between slots, then each slot's name, in turn. */
type Shell = (string | Slot)[]

/** Text as `{{ value }}` outputs it with autoescaping on. */
const output = (
  nunjucks as unknown as { runtime: { suppressValue(value: unknown, autoescape: boolean): unknown } }
).runtime.suppressValue

/** The footer's links go to the partnership of a public page (`/p/{slug}/…`), else the service's own. */
function footerPrefixOf(path: string | undefined): string {
  const [, first, slug] = (path ?? '').split('/')
  return first === 'p' && slug ? `/p/${slug}` : ''
}

/**
 * Templates whose page is only their content: they extend the layout, fill only its body and
 * set nothing the layout reads. Any other (one adding to the head, say) is rendered whole.
 */
function contentOnlyTemplate(views: Views, name: string): boolean {
  const source = (views.getTemplate(name) as unknown as { tmplStr: string }).tmplStr
  const blocks = [...source.matchAll(/{%-?\s*block\s+(\w+)/g)].map((m) => m[1])
  return (
    /^\s*(?:{#[\s\S]*?#}\s*)*{%-?\s*extends\s+"layout\.njk"/.test(source) &&
    blocks.every((b) => b === 'body') &&
    !/{%-?\s*set\s+(title|backLink|errors|auth|currentPath|draftForm|canSwitchPartnership|serviceNavigation|csrfToken)\b/.test(
      source,
    )
  )
}

export function createLayoutShells(views: Views) {
  // Keyed first by the header's links, kept as one string for each set (render.ts), so the
  // longest part of a shape's key is found by the string it already is.
  const shells = new Map<string, Map<string, Shell>>()
  const templates = new Map<string, boolean>()

  function shellFor(data: LayoutData): Shell {
    const signedIn = Boolean(data.auth)
    const inPartnership = Boolean(data.auth?.partnership)
    const hasBackLink = Boolean(data.backLink)
    const hasErrors = Array.isArray(data.errors) && data.errors.length > 0
    const footerPrefix = footerPrefixOf(data.currentPath)
    const key = `${signedIn}|${inPartnership}|${Boolean(data.canSwitchPartnership)}|${hasBackLink}|${hasErrors}|${Boolean(data.draftForm)}|${footerPrefix}`
    let shapes = shells.get(data.serviceNavigation)
    if (!shapes) {
      if (shells.size >= MOST_SHAPES) shells.clear()
      shapes = new Map()
      shells.set(data.serviceNavigation, shapes)
    }
    let shell = shapes.get(key)
    if (!shell) {
      const html = views.render('shell.njk', {
        auth: signedIn
          ? {
              partnership: inPartnership ? { name: MARKS.partnership } : null,
              user: { displayName: MARKS.user },
            }
          : null,
        serviceNavigation: data.serviceNavigation,
        canSwitchPartnership: Boolean(data.canSwitchPartnership),
        csrfToken: CSRF_MARK,
        currentPath: `${footerPrefix}/`,
        title: MARKS.title,
        backLink: hasBackLink ? MARKS.backLink : '',
        errors: hasErrors ? [{}] : [],
        draftForm: Boolean(data.draftForm),
        shellContent: MARKS.content,
      })
      shell = html.split(ANY_MARK).map((part, i) => (i % 2 ? (SLOT_OF.get(part) as Slot) : part))
      if (shapes.size >= MOST_SHAPES) shapes.clear()
      shapes.set(key, shell)
    }
    return shell
  }

  return {
    /** Whether the template's page is its content inside the kept layout (see above). */
    fits(template: string): boolean {
      let fits = templates.get(template)
      if (fits === undefined) {
        fits = contentOnlyTemplate(views, template)
        templates.set(template, fits)
      }
      return fits
    },

    /** The whole page: `content`, the layout's content block as rendered for the page, in its layout. */
    page(data: LayoutData, content: string): string {
      const values: Record<Slot, string> = {
        title: String(output(data.title, true)),
        partnership: String(output(data.auth?.partnership?.name, true)),
        user: String(output(data.auth?.user.displayName, true)),
        backLink: String(output(data.backLink, true)),
        content,
      }
      let page = ''
      for (const [i, part] of shellFor(data).entries()) page += i % 2 ? values[part as Slot] : part
      return page
    },
  }
}

export type LayoutShells = ReturnType<typeof createLayoutShells>

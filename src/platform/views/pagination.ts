/** The GOV.UK pagination component's parameters: links to the pages around this one. */
export type Pagination = {
  previous?: { href: string }
  next?: { href: string }
  items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[]
  /** What the links are pages of, where a page has more than one list ("Pages of dates"). */
  landmarkLabel?: string
}

/**
 * Pagination for page `page` of `pages`, each page's address made by `href`: the first and the
 * last page and two either side of this one, with a gap between where pages are left out, so
 * a long list's links still fit on a phone. Nothing for a single page.
 */
export function pagination(
  page: number,
  pages: number,
  href: (n: number) => string,
  landmarkLabel?: string,
): Pagination | null {
  if (pages <= 1) return null
  return {
    landmarkLabel,
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pages ? { href: href(page + 1) } : undefined,
    items: Array.from({ length: pages }, (_, i) => i + 1)
      .filter((n) => n === 1 || n === pages || Math.abs(n - page) <= 2)
      .flatMap((n, i, shown) => {
        const gap = i > 0 && n - (shown[i - 1] as number) > 1 ? [{ ellipsis: true as const }] : []
        return [...gap, { number: n, href: href(n), current: n === page }]
      }),
  }
}

/**
 * Page `page` of `items`, `size` a page: a page before the first is the first, one past the
 * end the last, so a stale or edited address still shows something.
 */
export function onePage<T>(
  items: readonly T[],
  size: number,
  page: number,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size))
  const current = Math.min(Math.max(1, page), pages)
  return { items: items.slice((current - 1) * size, current * size), page: current, pages }
}

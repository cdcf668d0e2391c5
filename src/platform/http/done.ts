/**
 * What the success banner says: a heading naming what happened, and optionally what follows.
 * Rendered by `success-banner.njk`, after a change redirects to its page with `?done=<word>`.
 */
export type SuccessBanner = { heading: string; text?: string }

/**
 * The `done` word of a page's address when it is one the page knows, else undefined. A page
 * shows a banner only for its own words, so a typed or stale address never shows one it did
 * not mean (and `?done=constructor` is not read off an object's prototype).
 */
export function doneOf<Word extends string>(query: unknown, words: readonly Word[]): Word | undefined {
  const done = (query as { done?: unknown } | undefined)?.done
  return words.find((word) => word === done)
}

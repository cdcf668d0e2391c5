import type { Email } from '#platform/mail/outbox.ts'
import { markdownAsText } from '#platform/views/markdown.ts'

/** A product as a subscriber email presents it, with where to read it. */
export type ProductItem = { title: string; summary: string; url: string; workforceOnly: boolean }

/**
 * The headers that let a mail client offer its own unsubscribe button (RFC 2369), which
 * posts to the link without opening a page (RFC 8058).
 */
export function unsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  }
}

const footer = (partnership: string, unsubscribeUrl: string) => [
  '',
  '--',
  `You get this because you subscribed to ${partnership}’s learning newsletter.`,
  `Unsubscribe with one click: ${unsubscribeUrl}`,
]

const productLines = (p: ProductItem) => [
  p.title,
  ...(p.summary ? [p.summary] : []),
  p.workforceOnly ? `For the workforce: sign in to read it: ${p.url}` : `Read it: ${p.url}`,
  '',
]

/** Asks the owner of an address to confirm a subscription; nothing is sent to it until they do. */
export function confirmSubscription(s: {
  partnership: string
  themes: string[] | 'all'
  confirmUrl: string
  days: number
}): Omit<Email, 'to'> {
  return {
    subject: `Confirm your subscription to ${s.partnership}’s learning newsletter`,
    text: [
      `Someone, we hope you, asked to subscribe this address to ${s.partnership}’s learning newsletter, about ${
        s.themes === 'all' ? 'every theme' : s.themes.join(', ')
      }.`,
      '',
      `To confirm, follow this link and press the button within ${s.days} days:`,
      s.confirmUrl,
      '',
      'If it was not you, ignore this email: nothing will be sent to you and your address is not kept.',
    ].join('\n'),
  }
}

/**
 * A newsletter as an email, for each subscriber in turn: the words are worked out once, and
 * each copy carries its subscriber's own unsubscribe link and headers.
 */
export function newsletterEmail(n: {
  partnership: string
  title: string
  introduction: string
  body: string
  products: ProductItem[]
  webUrl: string
}): (to: string, unsubscribeUrl: string) => Email {
  const content = [
    n.title,
    '',
    ...(n.introduction ? [n.introduction, ''] : []),
    ...(n.body.trim() ? [markdownAsText(n.body).trim(), ''] : []),
    ...(n.products.length ? ['In this issue', '', ...n.products.flatMap(productLines)] : []),
    `Read this newsletter on the web: ${n.webUrl}`,
  ].join('\n')
  const subject = `${n.title}: ${n.partnership}`
  return (to, unsubscribeUrl) => ({
    to,
    subject,
    text: [content, ...footer(n.partnership, unsubscribeUrl)].join('\n'),
    headers: unsubscribeHeaders(unsubscribeUrl),
  })
}

/** Tells a subscriber of a new product on their themes. */
export function productNotice(n: {
  partnership: string
  product: ProductItem
}): (to: string, unsubscribeUrl: string) => Email {
  const subject = `New from ${n.partnership}: ${n.product.title}`
  const text = [
    `${n.partnership} has published new learning on a theme you follow.`,
    '',
    ...productLines(n.product),
  ]
  return (to, unsubscribeUrl) => ({
    to,
    subject,
    text: [...text, ...footer(n.partnership, unsubscribeUrl)].join('\n'),
    headers: unsubscribeHeaders(unsubscribeUrl),
  })
}

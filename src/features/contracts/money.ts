/** The most a single cost may be: £10 million, well inside a 32-bit count of pence. */
export const MAX_PENCE = 1_000_000_000

export type PoundsParse =
  | { ok: true; pence: number }
  | { ok: false; problem: 'missing' | 'not-a-number' | 'negative' | 'fraction-of-a-penny' | 'too-large' }

const POUNDS = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/

/**
 * Reads an amount typed in pounds, like "1,250.50", "£40" or "0.5", as whole pence, with no
 * floating point anywhere: the digits are put together as an integer.
 */
export function parsePounds(typed: string): PoundsParse {
  const text = typed.trim().replace(/^£\s*/, '')
  if (text === '') return { ok: false, problem: 'missing' }
  if (/^-\s*£?\s*[\d.,]+$/.test(text)) return { ok: false, problem: 'negative' }
  const match = POUNDS.exec(text)
  if (!match) return { ok: false, problem: 'not-a-number' }
  const [whole = '0', fraction = ''] = text.replaceAll(',', '').split('.')
  if (fraction.length > 2) return { ok: false, problem: 'fraction-of-a-penny' }
  if (whole.replace(/^0+/, '').length > 8) return { ok: false, problem: 'too-large' }
  const pence = Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
  if (pence > MAX_PENCE) return { ok: false, problem: 'too-large' }
  return { ok: true, pence }
}

/** Pence as the form shows them again: 125050 → "1,250.50". */
export function formatPounds(pence: number): string {
  const whole = Math.floor(pence / 100)
  const fraction = String(pence % 100).padStart(2, '0')
  return `${whole.toLocaleString('en-GB')}.${fraction}`
}

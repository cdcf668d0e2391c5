import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enqueueEmail } from '#platform/mail/outbox.ts'
import type { TestApp } from '#test/support/app.ts'
import { page, testApp } from '#test/support/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(() => t?.close())

describe('the development outbox', () => {
  it('shows each email as it will arrive, with links that work and nothing of its text run as markup', async () => {
    await t.db.platform(async (sql) => {
      await enqueueEmail(sql, null, {
        to: 'someone@example.org',
        subject: 'Plain',
        text: 'Answer at https://cascade.example.org/p/norfolk/evaluate/abc-123?x=1&y=2 before <b>Friday</b>.',
      })
      await enqueueEmail(sql, null, {
        to: 'someone@example.org',
        subject: 'Formatted',
        text: 'Formatted text',
        html: '<p>Hello <a href="https://cascade.example.org/bookings">your places</a></p><script>alert(1)</script>',
      })
    })
    const outbox = page((await t.browser().get('/dev/outbox')).body)
    const link = outbox('pre a[href^="https://cascade.example.org/p/norfolk/evaluate/"]')
    expect(link.attr('href')).toBe('https://cascade.example.org/p/norfolk/evaluate/abc-123?x=1&y=2')
    expect(outbox('pre b')).toHaveLength(0)
    expect(outbox('pre').text()).toContain('<b>Friday</b>')

    const frame = outbox('iframe.cascade-outbox-mail')
    expect(frame).toHaveLength(1)
    // Sandboxed without scripts; its links open in this tab.
    expect(frame.attr('sandbox')).not.toContain('allow-scripts')
    expect(frame.attr('srcdoc')).toContain('<base target="_top">')
    expect(frame.attr('srcdoc')).toContain('<a href="https://cascade.example.org/bookings">')
  })
})

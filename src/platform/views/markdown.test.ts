import { describe, expect, it } from 'vitest'
import { renderMarkdown } from './markdown.ts'

describe('renderMarkdown', () => {
  it('shows a script a writer typed as text, never as markup', () => {
    const html = renderMarkdown('Before <script>alert(1)</script> after\n\n<img src=x onerror=alert(1)>')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;script&gt;')
  })

  it('leaves javascript: and data: links as text', () => {
    const html = renderMarkdown('[click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)')
    expect(html).not.toMatch(/href="javascript/i)
    expect(html).not.toMatch(/href="data/i)
    expect(html).not.toContain('<a ')
  })

  it('links web pages and email addresses, with GOV.UK classes', () => {
    const html = renderMarkdown(
      'Read [the report](https://example.org/report) or email [us](mailto:lscp@example.org)',
    )
    expect(html).toContain(
      '<a href="https://example.org/report" class="govuk-link" rel="noopener noreferrer">',
    )
    expect(html).toContain('href="mailto:lscp@example.org"')
  })

  it('starts a writer’s headings at level 2, under the page’s title', () => {
    const html = renderMarkdown('# Why it matters\n\n## What to do')
    expect(html).toContain('<h2 class="govuk-heading-m">Why it matters</h2>')
    expect(html).toContain('<h3 class="govuk-heading-s">What to do</h3>')
  })
})

import MarkdownIt from 'markdown-it'

/**
 * Markdown as people write briefings and newsletters, rendered so that nothing they type can
 * become markup of its own: HTML is off (a `<script>` shows as text), and a link may only go
 * to a web page or an email address, so `javascript:` and `data:` links stay plain text.
 * Headings start at level 2 on the page, under the page's own title.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: true })

const safeLink = /^(https?:|mailto:)/i
markdown.validateLink = (url: string) => safeLink.test(url.trim())

// GOV.UK classes on what a briefing uses, so it reads as the rest of the service.
const classes: Record<string, string> = {
  paragraph_open: 'govuk-body',
  bullet_list_open: 'govuk-list govuk-list--bullet',
  ordered_list_open: 'govuk-list govuk-list--number',
  link_open: 'govuk-link',
  table_open: 'govuk-table',
  blockquote_open: 'govuk-inset-text',
}
const headingClasses: Record<string, string> = { h2: 'govuk-heading-m', h3: 'govuk-heading-s' }

markdown.core.ruler.push('govuk', (state) => {
  for (const token of state.tokens) {
    const list = token.type === 'inline' ? (token.children ?? []) : [token]
    for (const t of list) {
      if (t.type === 'heading_open' || t.type === 'heading_close') {
        // A writer's "#" is the first heading under the page's title: h2, and so on down.
        const level = Math.min(6, Number(t.tag.slice(1)) + 1)
        t.tag = `h${level}`
        if (t.type === 'heading_open') t.attrSet('class', headingClasses[`h${level}`] ?? 'govuk-heading-s')
      } else if (classes[t.type]) t.attrSet('class', classes[t.type] as string)
      if (t.type === 'link_open' && /^https?:/i.test(t.attrGet('href') ?? ''))
        t.attrSet('rel', 'noopener noreferrer')
    }
  }
})

/** The HTML of a Markdown text, safe to put in a page as it is. */
export function renderMarkdown(text: string): string {
  return markdown.render(text)
}

/** The plain words of a Markdown text, for emails and summaries. */
export function markdownAsText(text: string): string {
  return text
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1 ($2)')
    .replace(/[*_`]/g, '')
}

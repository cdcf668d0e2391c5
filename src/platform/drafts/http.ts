import type { FastifyReply } from 'fastify'
import type { Draft } from './drafts.ts'

/**
 * What a form's submission asks of its draft: 'save' from the "Save as draft" button (the page
 * comes back with a banner), 'autosave' from the page's script (answered with JSON), or nothing:
 * the form is being sent.
 */
export function draftAction(body: Record<string, unknown> | undefined): 'save' | 'autosave' | null {
  const asked = body?._draft
  if (asked === 'save') return 'save'
  if (asked === 'auto') return 'autosave'
  return null
}

/** The answer to the page's own saving: when it was kept, for the words beside the button. */
export function replyAutosaved(reply: FastifyReply, draft: Draft) {
  return reply.header('cache-control', 'no-store').send({ savedAt: draft.savedAt.toISOString() })
}

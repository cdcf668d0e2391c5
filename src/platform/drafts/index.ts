export type { Draft, DraftOwner, Drafts, DraftValues } from './drafts.ts'
export { createDrafts, DRAFT_DAYS, draftOwnerOf, draftValuesOf } from './drafts.ts'
export { draftAction, replyAutosaved } from './http.ts'

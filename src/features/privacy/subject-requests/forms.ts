import { z } from 'zod'

export const REASON_LIMIT = 1000

/** An erasure request: why it is asked for, which the record of it keeps. */
export const erasureForm = z.object({
  reason: z
    .string({ error: 'Enter why the person’s data is to be erased' })
    .trim()
    .min(1, { message: 'Enter why the person’s data is to be erased' })
    .max(REASON_LIMIT, {
      message: `The reason must be ${REASON_LIMIT.toLocaleString('en-GB')} characters or fewer`,
    }),
})

export type ErasureInput = z.output<typeof erasureForm>

/** What each kind of request and outcome is called on screen. */
export const kindNames: Record<string, string> = {
  export: 'Subject access: everything held, downloaded',
  erasure: 'Erasure',
}

export const outcomeNames: Record<string, string> = {
  exported: 'Downloaded',
  erased: 'Erased',
  'partly-refused': 'Erased in part: some records must be kept',
}

/**
 * A case in a case audit is known only by each agency's own case reference: never a person's
 * name, date of birth or NHS number, so the audit holds nothing that identifies the child or
 * adult outside the agency's own records (UK GDPR data minimisation). A reference that looks
 * like any of them is refused with the words a person will read.
 */

export const REFERENCE_MESSAGE =
  'A case reference must be the agency’s own case number, like CH-20931, not a name, a date of birth or an NHS number'

export type ReferenceDecision =
  | { ok: true }
  | { ok: false; reason: 'name' | 'date' | 'nhs_number'; message: string }

// Two or more capitalised words of letters in a row: "Jane Smith", "Mary-Ann O'Neil".
const personalName = /(?:^|[^\p{L}])\p{Lu}[\p{L}'’-]*\p{Ll}(?:\s+\p{Lu}[\p{L}'’-]*\p{Ll})+(?![\p{L}])/u

const months =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?'

const dateLike = [
  // dd/mm/yyyy, d.m.yy, dd-mm-yyyy
  /(?:^|\D)\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?:\d{2})?(?!\d)/,
  // yyyy-mm-dd, yyyy/mm/dd
  /(?:^|\D)\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?!\d)/,
  // 3 March 2015, 3rd Mar 15
  new RegExp(`(?:^|[^\\p{L}\\d])\\d{1,2}(?:st|nd|rd|th)?\\s*(?:${months})(?![\\p{L}])`, 'iu'),
  // March 3 2015
  new RegExp(`(?:^|[^\\p{L}])(?:${months})\\s*\\d{1,2}(?:st|nd|rd|th)?[\\s,]+\\d{2,4}(?!\\d)`, 'iu'),
  // DOB, D.O.B., date of birth, born
  /(?:^|[^a-z])d\.?\s?o\.?\s?b(?![a-z])/i,
  /date\s+of\s+birth|(?:^|[^a-z])born(?![a-z])/i,
]

// Ten digits, perhaps spaced or hyphenated 3-3-4, standing alone.
const nhsNumber = /(?:^|\D)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)/

/** Whether a case reference may be kept, and if not, why. */
export function checkReference(reference: string): ReferenceDecision {
  const value = reference.trim()
  if (dateLike.some((pattern) => pattern.test(value)))
    return { ok: false, reason: 'date', message: REFERENCE_MESSAGE }
  if (nhsNumber.test(value)) return { ok: false, reason: 'nhs_number', message: REFERENCE_MESSAGE }
  if (personalName.test(value)) return { ok: false, reason: 'name', message: REFERENCE_MESSAGE }
  return { ok: true }
}

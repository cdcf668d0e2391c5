import { z } from 'zod'
import { isCalendarDate } from '#platform/http/forms.ts'
import { MAX_PENCE } from './money.ts'

/** Who carries a cost (Norfolk 12a: "financial responsibility for all aspects of the programme"). */
export const payers = ['partnership', 'provider', 'agency'] as const
export type Payer = (typeof payers)[number]
export const payerNames: Record<Payer, string> = {
  partnership: 'The partnership',
  provider: 'The provider',
  agency: 'A partner agency',
}

/** Norfolk 12a: "nature of delivery (online or face to face)". */
export const deliveryFormats = ['in_person', 'online', 'both'] as const
export type DeliveryFormat = (typeof deliveryFormats)[number]
export const deliveryFormatNames: Record<DeliveryFormat, string> = {
  in_person: 'Face to face',
  online: 'Online',
  both: 'Face to face and online',
}

export const contractStatuses = ['active', 'ended'] as const
export type ContractStatus = (typeof contractStatuses)[number]
export const contractStatusNames: Record<ContractStatus, string> = { active: 'Active', ended: 'Ended' }

const text = (max: number, label: string) =>
  z
    .string({ message: `Enter ${label.toLowerCase()}` })
    .trim()
    .max(max, { message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` })

const required = (max: number, label: string, missing: string) =>
  text(max, label).min(1, { message: missing })

const date = (label: string) =>
  z
    .string({ message: `Enter ${label}` })
    .refine(isCalendarDate, { message: `Enter ${label} as a real date, like 2027-04-01` })

const pence = (label: string) =>
  z
    .number({ message: `Enter ${label} in pence, as a whole number` })
    .int({ message: `Enter ${label} in whole pence` })
    .min(0, { message: `${label} cannot be negative` })
    .max(MAX_PENCE, { message: `${label} must be £10,000,000 or less` })

// Each field once, without defaults: a change names only what changes.
const contractFields = {
  providerName: required(200, 'The provider’s name', 'Enter the provider’s name'),
  providerContactName: text(200, 'The contact’s name').nullable(),
  providerContactEmail: z
    .string()
    .trim()
    .max(320, { message: 'The contact’s email must be 320 characters or fewer' })
    .pipe(
      z.email({ message: 'Enter the contact’s email address in the correct format, like name@example.org' }),
    )
    .nullable(),
  providerContactPhone: text(40, 'The contact’s phone number').nullable(),
  courseId: z.uuid({ message: 'Select a course from the programme' }).nullable(),
  trainingType: required(500, 'The type of training', 'Enter the type of training'),
  expectedOutcomes: required(5000, 'The expected outcomes', 'Enter the outcomes expected'),
  impactMeasures: required(5000, 'How impact is measured', 'Say how the training’s impact will be measured'),
  materials: text(5000, 'The materials'),
  materialsOwnership: text(2000, 'Who owns the materials'),
  deliveryFormat: z.enum(deliveryFormats, {
    message: 'Select whether it is delivered face to face or online',
  }),
  relevantPolicies: text(5000, 'The relevant policies'),
  venuePaidBy: z.enum(payers, { message: 'Select who pays for the venue' }),
  venueCostPence: pence('The venue cost'),
  trainerPaidBy: z.enum(payers, { message: 'Select who pays for the trainer' }),
  trainerCostPence: pence('The trainer cost'),
  otherCosts: text(2000, 'Other costs'),
  startsOn: date('the start date'),
  reviewOn: date('the review date'),
  status: z.enum(contractStatuses, { message: 'The status is active or ended' }),
}

/** A contract as the API and the pages take it. The review date defaults to a year after the start. */
export const contractSchema = z
  .object({
    ...contractFields,
    providerContactName: contractFields.providerContactName.default(null),
    providerContactEmail: contractFields.providerContactEmail.default(null),
    providerContactPhone: contractFields.providerContactPhone.default(null),
    courseId: contractFields.courseId.default(null),
    materials: contractFields.materials.default(''),
    materialsOwnership: contractFields.materialsOwnership.default(''),
    relevantPolicies: contractFields.relevantPolicies.default(''),
    venueCostPence: contractFields.venueCostPence.default(0),
    trainerCostPence: contractFields.trainerCostPence.default(0),
    otherCosts: contractFields.otherCosts.default(''),
    reviewOn: contractFields.reviewOn.optional(),
    status: contractFields.status.default('active'),
  })
  .strict()
export type ContractInput = z.infer<typeof contractSchema>

/** A change to a contract: any of its fields. */
export const contractPatchSchema = z.object(contractFields).partial().strict()
export type ContractPatch = z.infer<typeof contractPatchSchema>

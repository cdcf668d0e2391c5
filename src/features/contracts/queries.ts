import type { Sql } from '#platform/db/database.ts'
import type { ContractStatus, DeliveryFormat, Payer } from './forms.ts'

export type Contract = {
  id: string
  providerName: string
  providerContactName: string | null
  providerContactEmail: string | null
  providerContactPhone: string | null
  courseId: string | null
  courseTitle: string | null
  trainingType: string
  expectedOutcomes: string
  impactMeasures: string
  materials: string
  materialsOwnership: string
  deliveryFormat: DeliveryFormat
  relevantPolicies: string
  venuePaidBy: Payer
  venueCostPence: number
  trainerPaidBy: Payer
  trainerCostPence: number
  otherCosts: string
  startsOn: string
  reviewOn: string
  status: ContractStatus
  updatedAt: Date
}

/** A contract as it is written: every field, the review date settled. */
export type ContractRow = Omit<Contract, 'id' | 'courseTitle' | 'updatedAt'>

const contractColumns = `k.id, k.provider_name AS "providerName", k.provider_contact_name AS "providerContactName",
  k.provider_contact_email AS "providerContactEmail", k.provider_contact_phone AS "providerContactPhone",
  k.course_id AS "courseId", c.title AS "courseTitle", k.training_type AS "trainingType",
  k.expected_outcomes AS "expectedOutcomes", k.impact_measures AS "impactMeasures", k.materials,
  k.materials_ownership AS "materialsOwnership", k.delivery_format AS "deliveryFormat",
  k.relevant_policies AS "relevantPolicies", k.venue_paid_by AS "venuePaidBy", k.venue_cost_pence AS "venueCostPence",
  k.trainer_paid_by AS "trainerPaidBy", k.trainer_cost_pence AS "trainerCostPence", k.other_costs AS "otherCosts",
  k.starts_on AS "startsOn", k.review_on AS "reviewOn", k.status, k.updated_at AS "updatedAt"`

const fromContracts = 'training_contracts k LEFT JOIN courses c ON c.id = k.course_id'

export function contractById(sql: Sql, id: string): Promise<Contract | undefined> {
  return sql.maybeOne<Contract>(`SELECT ${contractColumns} FROM ${fromContracts} WHERE k.id = $1`, [id])
}

/** Every contract, the soonest review first and ended ones last. */
export function contractsByReviewDate(sql: Sql): Promise<Contract[]> {
  return sql.query<Contract>(
    `SELECT ${contractColumns} FROM ${fromContracts}
      ORDER BY (k.status = 'ended'), k.review_on, lower(k.provider_name), k.id`,
  )
}

/** Active contracts whose review date is on or before a day: those due for review by then. */
export function contractsToReviewBy(sql: Sql, date: string): Promise<Contract[]> {
  return sql.query<Contract>(
    `SELECT ${contractColumns} FROM ${fromContracts}
      WHERE k.status = 'active' AND k.review_on <= $1::date
      ORDER BY k.review_on, lower(k.provider_name), k.id`,
    [date],
  )
}

export async function courseExists(sql: Sql, id: string): Promise<boolean> {
  return Boolean(await sql.maybeOne('SELECT 1 FROM courses WHERE id = $1', [id]))
}

const values = (row: ContractRow) => [
  row.providerName,
  row.providerContactName,
  row.providerContactEmail,
  row.providerContactPhone,
  row.courseId,
  row.trainingType,
  row.expectedOutcomes,
  row.impactMeasures,
  row.materials,
  row.materialsOwnership,
  row.deliveryFormat,
  row.relevantPolicies,
  row.venuePaidBy,
  row.venueCostPence,
  row.trainerPaidBy,
  row.trainerCostPence,
  row.otherCosts,
  row.startsOn,
  row.reviewOn,
  row.status,
]

export async function insertContract(sql: Sql, partnershipId: string, row: ContractRow): Promise<string> {
  const { id } = await sql.one<{ id: string }>(
    `INSERT INTO training_contracts (partnership_id, provider_name, provider_contact_name, provider_contact_email,
       provider_contact_phone, course_id, training_type, expected_outcomes, impact_measures, materials,
       materials_ownership, delivery_format, relevant_policies, venue_paid_by, venue_cost_pence, trainer_paid_by,
       trainer_cost_pence, other_costs, starts_on, review_on, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
     RETURNING id`,
    [partnershipId, ...values(row)],
  )
  return id
}

export async function updateContract(sql: Sql, id: string, row: ContractRow, now: Date): Promise<void> {
  await sql.query(
    `UPDATE training_contracts SET provider_name = $2, provider_contact_name = $3, provider_contact_email = $4,
       provider_contact_phone = $5, course_id = $6, training_type = $7, expected_outcomes = $8, impact_measures = $9,
       materials = $10, materials_ownership = $11, delivery_format = $12, relevant_policies = $13,
       venue_paid_by = $14, venue_cost_pence = $15, trainer_paid_by = $16, trainer_cost_pence = $17,
       other_costs = $18, starts_on = $19, review_on = $20, status = $21, updated_at = $22
     WHERE id = $1`,
    [id, ...values(row), now],
  )
}

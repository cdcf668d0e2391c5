import type { Tree } from '#features/pathways/finder/tree.ts'
import { insertPathway, replaceRequirements, saveFinderTree } from '#features/pathways/queries.ts'
import type { Database, Sql } from '#platform/db/database.ts'
import { seedDemoSession } from './seed.ts'

/** The South Gloucestershire certificate the demo practitioner holds, which North Somerset recognises. */
export const DEMO_RECOGNISED_CODE = 'CSEA-WARE-SG26'

const WORKING_TOGETHER = 'Working together to safeguard children and adults'
const CSE_AWARENESS = 'Child Sexual Exploitation (Awareness Raising)'
const CSE_ADVANCED = 'Child Sexual Exploitation Advanced'
const INTERVENTIONS = [
  'Missing and Return Interview Training',
  'Working with Child Sexual Exploitation: Skills and Practice',
  'Working with Parents and Child Sexual Exploitation',
]

/**
 * North Somerset appendix two's courses, with what each is for, as its flow chart says; each with
 * one session some weeks off, open for applications beyond the shortlisting lead time.
 */
const nsCourses: { title: string; tier: string; summary: string; objectives: string[]; days: number }[] = [
  {
    title: CSE_AWARENESS,
    tier: 'Universal',
    summary:
      'Essential knowledge for all practitioners who have direct contact with children: who might be at risk, models of child sexual exploitation, recognising vulnerabilities and risk indicators, and what to do if you are concerned.',
    objectives: [
      'Recognise the vulnerabilities and risk indicators of child sexual exploitation',
      'Know who to contact and seek advice from when concerned',
    ],
    days: 77,
  },
  {
    title: CSE_ADVANCED,
    tier: 'Advanced',
    summary:
      'For managers and supervisors, designated safeguarding leads and decision makers: different forms of exploitation, applying the threshold document to CSE, the grooming process, learning from serious case reviews, and screening tools that support professional judgement about risk.',
    objectives: [
      'Apply the threshold document to concerns about child sexual exploitation',
      'Use screening tools to support judgements about risk',
    ],
    days: 91,
  },
  ...INTERVENTIONS.map((title, i) => ({
    title,
    tier: 'Specialist',
    summary:
      'Knowledge, skills and tools for work with children, young people and families affected by, or at risk of, child sexual exploitation.',
    objectives: ['Use interventions that fit the child’s situation and the practitioner’s role'],
    days: 105 + i * 14,
  })),
]

async function publishedCourse(
  sql: Sql,
  partnershipId: string,
  course: { title: string; tier: string; summary: string; objectives: string[] },
): Promise<string> {
  // The evaluation plan of the partnership's first demo course: every published course has one.
  const row = await sql.one<{ id: string }>(
    `INSERT INTO courses (partnership_id, title, summary, objectives, delivery_method, duration_minutes, evaluation_plan, status, tier)
     SELECT $1, $2, $3, $4, 'multi_agency_training', 180, evaluation_plan, 'published', $5
       FROM courses WHERE title = $6 LIMIT 1
     RETURNING id`,
    [
      partnershipId,
      course.title,
      course.summary,
      JSON.stringify(course.objectives),
      course.tier,
      WORKING_TOGETHER,
    ],
  )
  return row.id
}

/**
 * North Somerset's mandatory pathway and its child sexual exploitation pathways (appendix two),
 * with the courses they name and the decision tree that leads to them; and, in South
 * Gloucestershire, a CSE awareness course the demo practitioner completed, which North Somerset
 * recognises for its own CSE awareness requirement. Safe to run again.
 */
export async function seedDemoPathways(
  db: Database,
  partnerships: { id: string; slug: string }[],
): Promise<void> {
  const ns = partnerships.find((p) => p.slug === 'north-somerset')
  const sg = partnerships.find((p) => p.slug === 'south-gloucestershire')
  const scope = (partnershipId: string) => ({ partnershipId, userId: null, actor: 'demo-seed' })

  let sgCourse: string | undefined
  if (sg) {
    sgCourse = await db.tenant(scope(sg.id), async (sql) => {
      await sql.auditAs('demo.seed')
      const existing = await sql.maybeOne<{ id: string }>(
        "SELECT id FROM courses WHERE title = 'Child Sexual Exploitation: awareness'",
      )
      if (existing) return existing.id
      const courseId = await publishedCourse(sql, sg.id, {
        title: 'Child Sexual Exploitation: awareness',
        tier: 'Universal',
        summary: 'Who might be at risk of child sexual exploitation, how to recognise it and what to do.',
        objectives: ['Recognise the signs of child sexual exploitation and act on them'],
      })
      const sessionId = await seedDemoSession(sql, sg.id, courseId, -120, undefined, 'delivered')
      const practitioner = await sql.maybeOne<{ id: string; agencyId: string }>(
        `SELECT id, agency_id AS "agencyId" FROM people WHERE email = 'practitioner@south-gloucestershire.example.org'`,
      )
      if (practitioner) {
        const application = await sql.one<{ id: string }>(
          `INSERT INTO applications (partnership_id, session_id, person_id, agency_id, manager_email, status, applied_at, confirmed_at)
           VALUES ($1, $2, $3, $4, 'line.manager@example.org', 'confirmed', cascade_now() - interval '6 months', cascade_now() - interval '5 months')
           RETURNING id`,
          [sg.id, sessionId, practitioner.id, practitioner.agencyId],
        )
        await sql.query(
          `INSERT INTO certificates (partnership_id, application_id, person_id, session_id, code, issued_at)
           VALUES ($1, $2, $3, $4, $5, cascade_now() - interval '119 days')`,
          [sg.id, application.id, practitioner.id, sessionId, DEMO_RECOGNISED_CODE],
        )
      }
      return courseId
    })
  }

  if (!ns) return
  await db.tenant(scope(ns.id), async (sql) => {
    await sql.auditAs('demo.seed')
    if (await sql.maybeOne('SELECT 1 FROM pathways')) return
    const ids = new Map<string, string>()
    const basic = await sql.maybeOne<{ id: string }>('SELECT id FROM courses WHERE title = $1', [
      WORKING_TOGETHER,
    ])
    if (!basic) return
    ids.set(WORKING_TOGETHER, basic.id)
    for (const course of nsCourses) {
      const id = await publishedCourse(sql, ns.id, course)
      await seedDemoSession(sql, ns.id, id, course.days, undefined)
      ids.set(course.title, id)
    }
    const course = (title: string) => [ids.get(title) as string]
    const foundation = {
      title: 'Multi-agency safeguarding, refreshed every three years',
      required: true,
      refresherMonths: 36,
      courseIds: course(WORKING_TOGETHER),
    }
    const optional = INTERVENTIONS.map((title) => ({
      title,
      required: false,
      refresherMonths: null,
      courseIds: course(title),
    }))
    const pathways = [
      {
        title: 'Mandatory pathway',
        audience: 'Everyone in North Somerset’s children’s workforce, staff and volunteers',
        summary:
          'The multi-agency safeguarding training every member of the workforce needs, refreshed every three years.',
        requirements: [foundation],
      },
      {
        title: 'CSE pathway',
        audience:
          'Practitioners who work with or have contact with children, young people, parents and carers',
        summary:
          'You need to know what may indicate that a child is at risk of, or is being, sexually exploited, and who to contact and seek advice from if you have concerns. The optional courses are for those who work directly with children affected by, or at risk of, child sexual exploitation.',
        requirements: [
          foundation,
          {
            title: 'Child sexual exploitation awareness',
            required: true,
            refresherMonths: 36,
            courseIds: course(CSE_AWARENESS),
          },
          ...optional,
        ],
      },
      {
        title: 'CSE pathway: managers and safeguarding leads',
        audience:
          'Managers and supervisors, designated safeguarding leads and decision makers, and those already familiar with the signs of child sexual exploitation',
        summary:
          'The advanced course, with the optional courses for those who work directly with children affected by, or at risk of, child sexual exploitation.',
        requirements: [
          foundation,
          {
            title: 'Child sexual exploitation: advanced',
            required: true,
            refresherMonths: 36,
            courseIds: course(CSE_ADVANCED),
          },
          ...optional,
        ],
      },
    ]
    const pathwayIds: string[] = []
    for (const p of pathways) {
      const { id } = await insertPathway(sql, ns.id, { ...p, status: 'active', createdBy: null })
      await replaceRequirements(sql, ns.id, id, p.requirements)
      pathwayIds.push(id)
    }
    const [mandatory, cse, managers] = pathwayIds as [string, string, string]
    const tree: Tree = {
      start: 'contact',
      questions: [
        {
          id: 'contact',
          text: 'Do you work with or have contact with children, young people, parents or carers?',
          answers: [
            { label: 'Yes', next: 'lead' },
            { label: 'No', pathwayId: mandatory },
          ],
        },
        {
          id: 'lead',
          text: 'Are you a manager or (designated) safeguarding lead, or are you already familiar with the signs and indicators of child sexual exploitation?',
          answers: [
            { label: 'Yes', pathwayId: managers },
            { label: 'No', pathwayId: cse },
          ],
        },
      ],
    }
    await saveFinderTree(sql, ns.id, tree, null)
    // South Gloucestershire's CSE awareness course meets the CSE pathway's awareness requirement.
    if (sg && sgCourse) {
      const requirement = await sql.one<{ id: string }>(
        `SELECT id FROM pathway_requirements WHERE pathway_id = $1 AND title = 'Child sexual exploitation awareness'`,
        [cse],
      )
      await sql.query(
        `INSERT INTO recognitions (partnership_id, recognised_partnership_id, recognised_course_id, recognised_course_title, requirement_id)
         VALUES ($1, $2, $3, 'Child Sexual Exploitation: awareness', $4)`,
        [ns.id, sg.id, sgCourse, requirement.id],
      )
    }
  })
}

import type { Scale, TemplateKind } from '../words.ts'
import type { SectionInput, StandardInput } from './forms.ts'

/** A suggested template: what a partnership may start from and change into its own. */
export type DefaultTemplate = { kind: TemplateKind; title: string; scale: Scale; sections: SectionInput[] }

const standard = (
  ref: string,
  title: string,
  question: string,
  guidance: string,
  evidenceExpected: string,
): StandardInput => ({ ref, title, question, guidance, evidenceExpected })

/**
 * Section 11 of the Children Act 2004: the duty on named agencies to make sure their functions
 * are discharged having regard to the need to safeguard and promote the welfare of children.
 * The standards follow Working Together to Safeguard Children (2023), chapter 2, in the words
 * partnerships' own section 11 audits use. Rated on four points.
 */
export const section11: DefaultTemplate = {
  kind: 'section_11',
  title: 'Section 11 safeguarding self-assessment',
  scale: 'four_point',
  sections: [
    {
      title: 'Leadership and accountability',
      standards: [
        standard(
          '1.1',
          'Safeguarding is a clear priority of the agency’s leadership',
          'How do your senior leaders make safeguarding children a visible priority across the agency?',
          'Good looks like: safeguarding appears in the agency’s strategic plan and business plan; leaders talk about it with staff; the board or governing body receives a safeguarding report at least once a year and asks questions of it.',
          'The strategic or business plan; the last annual safeguarding report to the board and its minutes; examples of leaders’ messages to staff.',
        ),
        standard(
          '1.2',
          'A current safeguarding policy that staff know',
          'Does the agency have a safeguarding children policy, reviewed in the last year, that staff can find and follow?',
          'The policy names the designated lead, says what to do when worried about a child, links to the partnership’s multi-agency procedures and thresholds, and covers escalation when staff disagree with another agency.',
          'The policy with its review date; where staff find it; a sample of staff who could say how to raise a concern.',
        ),
        standard(
          '1.3',
          'Safeguarding performance is monitored',
          'How does the agency know its safeguarding arrangements work in practice?',
          'The agency audits its own safeguarding practice (case files, referrals, supervision records), reports what it found and acts on it; learning from complaints and incidents is used.',
          'The single-agency audit programme and a recent audit report with its action plan; safeguarding performance figures reported to leaders.',
        ),
      ],
    },
    {
      title: 'Senior board-level lead',
      standards: [
        standard(
          '2.1',
          'A named senior lead for safeguarding',
          'Who is the senior board-level lead for safeguarding children, and how do staff and partners know?',
          'A named person at board or executive level is accountable for safeguarding, has the authority to act and is known to the partnership.',
          'The lead’s name and role in the organisation chart; their job description or terms of reference; how the name is published to staff.',
        ),
        standard(
          '2.2',
          'The senior lead takes part in the partnership',
          'How does the senior lead take part in the safeguarding partnership and bring its priorities back into the agency?',
          'The agency is represented at the partnership’s meetings at the right level, attendance is good, and partnership priorities and learning reach the agency’s own plans.',
          'Attendance at partnership meetings over the year; examples of partnership priorities in the agency’s plans.',
        ),
      ],
    },
    {
      title: 'Safer recruitment and allegations management',
      standards: [
        standard(
          '3.1',
          'Safer recruitment for every post working with children',
          'How does the agency make sure everyone who works with children has been safely recruited?',
          'Recruitment follows safer recruitment practice: at least one person on each panel is trained; references are taken before appointment; DBS checks at the right level are made and renewed as policy says; gaps in employment are explored.',
          'The recruitment policy; the list of staff trained in safer recruitment; a sample of personnel files checked; the single central record or equivalent.',
        ),
        standard(
          '3.2',
          'Allegations against staff are referred to the LADO',
          'What happens when an allegation is made against someone who works with children in your agency?',
          'A named senior manager handles allegations; the local authority designated officer (LADO) is told within one working day; the agency takes part in strategy discussions and keeps records; referrals to the DBS and professional bodies are made when the threshold is met.',
          'The allegations procedure naming the senior manager; the log of allegations and LADO referrals in the year, with dates; an anonymised example.',
        ),
        standard(
          '3.3',
          'A culture in which staff can raise concerns',
          'How can staff raise a concern about a colleague’s conduct, and how do you know they feel able to?',
          'A whistleblowing policy that covers safeguarding, known to staff, with a route outside line management; staff survey results or supervision records show people use it.',
          'The whistleblowing policy; staff survey questions and results; the number of concerns raised and how they were handled.',
        ),
      ],
    },
    {
      title: 'Training and supervision',
      standards: [
        standard(
          '4.1',
          'Staff are trained to the level of their role',
          'How do you make sure every member of staff has safeguarding training at the right level and refreshes it?',
          'A training needs analysis says what level each role needs; induction covers safeguarding; completion is recorded and reported; refresher intervals match the partnership’s policy; staff attend multi-agency training where their role needs it.',
          'The training strategy or matrix by role; compliance figures by level; the induction programme; take-up of partnership courses.',
        ),
        standard(
          '4.2',
          'Safeguarding supervision for those who work with children',
          'How are staff who work directly with children and families supervised in their safeguarding practice?',
          'Regular, recorded supervision with time for reflection on cases; supervisors are trained; complex cases get specialist safeguarding supervision or advice.',
          'The supervision policy; frequency achieved; an anonymised supervision record; how supervisors are trained.',
        ),
        standard(
          '4.3',
          'Learning from reviews changes practice',
          'How does learning from local and national safeguarding practice reviews reach your staff and change what they do?',
          'Briefings from reviews are shared and discussed in team meetings and supervision; the agency’s actions from reviews are completed and checked for impact.',
          'Records of briefings disseminated and discussed; progress on the agency’s review actions; an example of practice that changed.',
        ),
      ],
    },
    {
      title: 'Information sharing',
      standards: [
        standard(
          '5.1',
          'Staff share information to keep children safe',
          'Do staff know when and how to share information about a child with other agencies, including without consent when needed?',
          'Guidance follows the government’s information sharing advice: staff know that data protection law does not prevent sharing to keep a child safe, and record what they shared, with whom and why.',
          'The information sharing guidance given to staff; a sample of records showing decisions to share; training content on information sharing.',
        ),
        standard(
          '5.2',
          'Referrals are clear and timely',
          'How do you make sure referrals to children’s social care say what was seen, what it means for the child and why the referrer is worried?',
          'Referrals use the partnership’s form and thresholds, are made promptly, and are followed up in writing; staff escalate when they do not hear back or disagree with the outcome.',
          'An audit of referral quality; the number of referrals and their outcomes; use of the escalation policy.',
        ),
        standard(
          '5.3',
          'Records are accurate and kept securely',
          'How do you make sure safeguarding records are accurate, up to date and kept securely?',
          'Records include a chronology for children of concern, distinguish fact from opinion, and are kept and shared securely under the agency’s retention policy.',
          'The record-keeping policy; a case-file audit on record quality; how records are kept and who can see them.',
        ),
      ],
    },
    {
      title: 'Listening to and hearing the voice of the child',
      standards: [
        standard(
          '6.1',
          'Children’s wishes and feelings shape services',
          'How are the wishes, feelings and experiences of the children you work with recorded and used in decisions about them?',
          'Practitioners see the child, speak to them alone when safe, and record what they said in their own words; plans show how the child’s view was taken into account.',
          'A case-file audit of the child’s voice in records and plans; examples of direct work.',
        ),
        standard(
          '6.2',
          'Children and families help to improve the service',
          'How do children, young people and families influence the way your agency safeguards children?',
          'The agency asks children and families for feedback, including those who find it hard to be heard (disabled children, very young children, those who do not speak English), and can show changes made as a result.',
          'Feedback gathered in the year; a “you said, we did” example; the agency’s complaints process for children.',
        ),
      ],
    },
    {
      title: 'Early help',
      standards: [
        standard(
          '7.1',
          'Needs are identified early',
          'How do staff recognise children and families who would benefit from early help, and what do they do?',
          'Staff know the partnership’s early help offer and threshold document, complete early help assessments or refer to the early help service, and take the lead professional role when it is theirs.',
          'The number of early help assessments started or contributed to; training on the threshold document; an example of early help led by the agency.',
        ),
        standard(
          '7.2',
          'Early help is reviewed and stepped up or down safely',
          'How does the agency make sure early help is reviewed and that concerns are stepped up when things do not improve?',
          'Plans are reviewed with the family; drift is noticed; step-up to children’s social care and step-down from it follow the partnership’s procedures with a clear handover.',
          'Review records from early help plans; examples of step-up and step-down with the information shared.',
        ),
      ],
    },
    {
      title: 'Multi-agency working',
      standards: [
        standard(
          '8.1',
          'The agency contributes to child protection processes',
          'How does the agency take part in strategy discussions, child protection conferences and core groups?',
          'The right people attend, on time, with a written report shared beforehand; actions given to the agency are completed; attendance is monitored.',
          'Attendance and report-submission figures for conferences; a sample of reports; the agency’s actions from plans completed.',
        ),
        standard(
          '8.2',
          'Professional disagreements are resolved',
          'When staff disagree with another agency’s decision about a child, what do they do?',
          'Staff know and use the partnership’s escalation (resolving professional differences) policy; escalations are recorded with their outcomes.',
          'The number of escalations made and received, and their outcomes; staff awareness of the policy.',
        ),
        standard(
          '8.3',
          'The agency contributes to the partnership’s reviews and audits',
          'How does the agency contribute to rapid reviews, safeguarding practice reviews and multi-agency audits?',
          'Information is provided within the partnership’s timescales; staff take part in practitioner events; the agency completes its actions.',
          'Information returns made and their timeliness; attendance at practitioner events; progress on actions.',
        ),
      ],
    },
    {
      title: 'Contractors and volunteers',
      standards: [
        standard(
          '9.1',
          'Commissioned services meet safeguarding standards',
          'How do you make sure services you commission or contract safeguard children to the same standard as your own?',
          'Contracts state the safeguarding requirements (policy, training, safer recruitment, reporting concerns); compliance is checked during the contract.',
          'The safeguarding clauses in a recent contract; contract monitoring that covers safeguarding.',
        ),
        standard(
          '9.2',
          'Volunteers and students are safely recruited and supported',
          'How are volunteers and students who have contact with children recruited, trained and supervised?',
          'Volunteers and students are checked as staff in similar roles are, are trained in safeguarding at induction, and know who to tell when worried.',
          'The volunteer policy; checks and training records for a sample of volunteers; their induction content.',
        ),
      ],
    },
  ],
}

/**
 * Section 175 (maintained schools and further education) and section 157 (independent schools
 * and academies) of the Education Act 2002, as Keeping Children Safe in Education (2024) sets
 * the duties out. Rated red, amber or green, as most schools' audits are.
 */
export const section175: DefaultTemplate = {
  kind: 'section_175',
  title: 'Section 175 / 157 schools’ safeguarding audit',
  scale: 'rag',
  sections: [
    {
      title: 'Leadership and governance',
      standards: [
        standard(
          '1.1',
          'Governors hold the school to account for safeguarding',
          'How do the governing body or proprietors make sure the school meets its safeguarding duties?',
          'A named safeguarding governor; governors have safeguarding training; they receive an annual safeguarding report and challenge it; the child protection policy is reviewed and approved each year.',
          'Governing body minutes; the annual safeguarding report to governors; the safeguarding governor’s training and visit notes.',
        ),
        standard(
          '1.2',
          'A child protection policy that meets KCSIE',
          'Does the school have a child protection policy, updated since the latest Keeping Children Safe in Education, published on its website?',
          'The policy reflects the current KCSIE and the partnership’s procedures, covers child-on-child abuse, online safety and children missing education, and is published.',
          'The policy with its approval date and the link to it on the website.',
        ),
        standard(
          '1.3',
          'A staff code of conduct and low-level concerns',
          'How do staff know the standards of behaviour expected, and how are low-level concerns about adults handled?',
          'A staff code of conduct covers relationships, communications and online behaviour; a low-level concerns policy is in place, known, used and recorded.',
          'The code of conduct; the low-level concerns policy and the (anonymised) log.',
        ),
      ],
    },
    {
      title: 'Designated safeguarding lead',
      standards: [
        standard(
          '2.1',
          'A designated safeguarding lead with time and authority',
          'Who is the designated safeguarding lead (DSL), are they on the senior leadership team, and do they have the time to do the role?',
          'The DSL is a senior leader, the role is in their job description, they have protected time, and deputies are trained to the same level so cover is always available.',
          'The DSL’s and deputies’ job descriptions; the timetable showing protected time; how staff know who the DSL is.',
        ),
        standard(
          '2.2',
          'The DSL is trained and keeps current',
          'When did the DSL and deputies last complete DSL training, and how do they keep current between courses?',
          'DSL training at least every two years, with updates at least once a year (briefings, networks, reading); they attend the partnership’s DSL network.',
          'Training certificates with dates; records of updates and network attendance.',
        ),
        standard(
          '2.3',
          'Concerns are recorded and acted on',
          'How are concerns about pupils recorded, passed to the DSL and acted on?',
          'A recording system (paper or electronic) used by all staff; the DSL reviews concerns the same day; decisions and outcomes recorded; files move securely when pupils change school.',
          'The recording system; a sample of concerns with the DSL’s decisions; how files are transferred.',
        ),
      ],
    },
    {
      title: 'Safer recruitment and allegations management',
      standards: [
        standard(
          '3.1',
          'Safer recruitment and the single central record',
          'How does the school make sure everyone who works there has been safely recruited and checked?',
          'At least one person on every appointment panel has safer recruitment training; the single central record is complete and checked by a governor; online searches are done for shortlisted candidates.',
          'The single central record and the date it was last checked; safer recruitment training certificates.',
        ),
        standard(
          '3.2',
          'Allegations against staff are referred to the LADO',
          'What happens when an allegation is made that an adult working in the school may have harmed a child?',
          'The headteacher (or chair of governors when it concerns the headteacher) tells the LADO within one working day, follows the LADO’s advice, and keeps records; referrals to the DBS and the Teaching Regulation Agency are made when required.',
          'The allegations procedure; the log of LADO referrals and outcomes.',
        ),
        standard(
          '3.3',
          'Visitors are managed safely',
          'How are visitors, including visiting speakers, checked and supervised?',
          'Visitors sign in and wear identification; those unchecked are supervised; visiting speakers are checked beforehand for suitability.',
          'The visitors’ policy and sign-in system; the visiting speakers’ checks.',
        ),
      ],
    },
    {
      title: 'Training and induction',
      standards: [
        standard(
          '4.1',
          'Every member of staff is trained and reads KCSIE part one',
          'How do you make sure every member of staff, including support staff, has safeguarding training and has read KCSIE part one?',
          'Whole-staff training at induction and regularly after; all staff confirm they have read part one (or annex A); governors are trained.',
          'Training records for all staff; signed confirmations of reading KCSIE; the induction checklist.',
        ),
        standard(
          '4.2',
          'Staff receive regular safeguarding updates',
          'How are staff kept up to date between training courses?',
          'Updates at least once a year through briefings, bulletins and staff meetings, including local learning from reviews and the partnership’s priorities.',
          'Staff meeting agendas and bulletins in the year; a briefing passed on from the partnership.',
        ),
        standard(
          '4.3',
          'Staff recognise the signs of abuse and exploitation',
          'Can staff describe the signs of abuse, neglect and exploitation, and what they would do?',
          'Staff understand the categories of abuse, child-on-child abuse, criminal and sexual exploitation, radicalisation (Prevent) and female genital mutilation (including the mandatory reporting duty).',
          'Training content; Prevent training records; the results of a staff knowledge check.',
        ),
      ],
    },
    {
      title: 'Online safety, filtering and monitoring',
      standards: [
        standard(
          '5.1',
          'Filtering and monitoring meet the DfE standards',
          'How does the school make sure its filtering and monitoring systems work and meet the Department for Education’s standards?',
          'Roles for filtering and monitoring are assigned (the DSL leads); systems are checked at least once a year and after changes; alerts are reviewed and acted on.',
          'The annual filtering and monitoring review; the record of checks; an anonymised example of an alert acted on.',
        ),
        standard(
          '5.2',
          'Pupils learn to keep themselves safe online',
          'How do pupils learn about staying safe online, in a way suited to their age?',
          'Online safety is taught through the curriculum (relationships, sex and health education, computing), covering content, contact, conduct and commerce.',
          'The curriculum map for online safety; examples of pupils’ work; pupil voice on online safety.',
        ),
        standard(
          '5.3',
          'Parents are helped to keep children safe online',
          'How does the school support parents and carers with online safety?',
          'Parents receive information on what their children are asked to do online, who they will talk to, and how to use parental controls.',
          'Communications to parents on online safety in the year; attendance at parent sessions.',
        ),
      ],
    },
    {
      title: 'Information sharing and records',
      standards: [
        standard(
          '6.1',
          'Information is shared to keep pupils safe',
          'Do staff and the DSL share information with other agencies promptly, including when consent is not given and sharing is needed to protect a child?',
          'The DSL makes referrals to children’s social care in line with the thresholds; contributes to assessments and plans; staff know that data protection does not prevent sharing to keep a child safe.',
          'Referrals made in the year and their outcomes; the information sharing guidance used.',
        ),
        standard(
          '6.2',
          'Children missing education are followed up',
          'How does the school respond when a pupil is absent without explanation or leaves without a known destination?',
          'Absence is followed up on the first day; repeated and unexplained absence is treated as a possible safeguarding concern; the local authority is told of pupils removed from the roll.',
          'The attendance policy; first-day calling records; notifications to the local authority.',
        ),
      ],
    },
    {
      title: 'The voice of the child',
      standards: [
        standard(
          '7.1',
          'Pupils know who to talk to',
          'Do pupils know who they can talk to when they are worried, and do they feel listened to?',
          'Pupils can name trusted adults; there are ways to raise a worry without speaking (worry boxes, online forms); pupil surveys show they feel safe.',
          'Pupil survey results; how pupils are told who to talk to; the ways they can report.',
        ),
        standard(
          '7.2',
          'Child-on-child abuse is taken seriously',
          'How does the school prevent and respond to child-on-child abuse, including sexual violence and harassment?',
          'A zero-tolerance approach: it is never passed off as banter; reports are recorded and risk-assessed; victims are supported; the curriculum addresses consent and healthy relationships.',
          'The child-on-child abuse policy; records of reports and the risk assessments made.',
        ),
      ],
    },
    {
      title: 'Early help',
      standards: [
        standard(
          '8.1',
          'Pupils who need early help are identified',
          'How does the school identify pupils and families who would benefit from early help, and what does it do?',
          'Staff know the signs (including young carers, children with special educational needs, those missing education); the school completes early help assessments and leads where appropriate.',
          'Early help assessments led or contributed to; an anonymised example with its outcome.',
        ),
        standard(
          '8.2',
          'Vulnerable groups are supported',
          'How are children looked after, previously looked after and those with a social worker supported?',
          'A designated teacher for looked-after children; the DSL knows which pupils have a social worker and uses it to inform support, attendance and exclusion decisions.',
          'The designated teacher’s report; how information on pupils with a social worker is kept and used.',
        ),
      ],
    },
    {
      title: 'Multi-agency working',
      standards: [
        standard(
          '9.1',
          'The school takes part in child protection processes',
          'Does the school attend and report to child protection conferences, core groups and child in need meetings?',
          'The DSL or a deputy attends, with a written report shared beforehand; the school completes its actions from plans.',
          'Attendance at conferences and core groups in the year; a sample report.',
        ),
        standard(
          '9.2',
          'Professional disagreements are escalated',
          'When the school disagrees with another agency’s decision about a pupil, does it use the partnership’s escalation policy?',
          'The DSL knows and uses the escalation policy; escalations are recorded with their outcomes.',
          'Escalations made in the year and their outcomes.',
        ),
      ],
    },
    {
      title: 'Contractors, lettings and volunteers',
      standards: [
        standard(
          '10.1',
          'Contractors and lettings are safe',
          'How does the school make sure contractors and organisations hiring its premises safeguard children?',
          'Contractors working on site during the school day are checked or supervised; hire agreements require the hirer’s safeguarding policy and checks, with the right to cancel.',
          'The lettings agreement with its safeguarding clauses; contractor checks.',
        ),
        standard(
          '10.2',
          'Volunteers are checked and trained',
          'How are volunteers (including parent helpers and governors) checked, trained and supervised?',
          'A risk assessment decides the checks for each volunteer; volunteers are trained in safeguarding and know how to report a concern.',
          'The volunteer risk assessments; training records for volunteers.',
        ),
      ],
    },
  ],
}

export const defaultTemplates: readonly DefaultTemplate[] = [section11, section175]

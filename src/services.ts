import type { CustomFetch } from 'openid-client'
import type { Config } from './config.ts'
import { createAccountService } from './features/account/service.ts'
import { createSignOnService } from './features/account/sso/service.ts'
import { createSessionTimeout } from './features/account/timeout/service.ts'
import { createSecondFactorService } from './features/account/two-factor/service.ts'
import { createActionChasing } from './features/actions/chasing.ts'
import { createActionService } from './features/actions/service.ts'
import { createApiTokenService } from './features/api-tokens/service.ts'
import { createAuditService } from './features/audit/service.ts'
import { createCaseAuditService } from './features/audits/case-audits/service.ts'
import { createAuditChallengeService } from './features/audits/challenge/service.ts'
import { createAuditCycleService } from './features/audits/cycles/service.ts'
import { createAuditResultsService } from './features/audits/results/service.ts'
import { createAuditReturnService } from './features/audits/returns/service.ts'
import { createAuditTemplateService } from './features/audits/templates/service.ts'
import { createBookingService } from './features/booking/service.ts'
import { createCatalogueService } from './features/catalogue/service.ts'
import { createCertificateService } from './features/certificates/service.ts'
import { createChargeService } from './features/charges/service.ts'
import { createComplianceService } from './features/compliance/service.ts'
import { createConcernService } from './features/concerns/service.ts'
import { createContractService } from './features/contracts/service.ts'
import { createCourseService } from './features/courses/service.ts'
import { createImportService } from './features/directory/import/service.ts'
import { createMergeService } from './features/directory/merge/service.ts'
import { createRegistrationService } from './features/directory/registration/service.ts'
import { createDirectoryService } from './features/directory/service.ts'
import { createEvaluationCycle } from './features/evaluation/cycle.ts'
import { createImpactService } from './features/evaluation/impact.ts'
import { createQuestionnaireService } from './features/evaluation/questionnaires.ts'
import { createResponseService } from './features/evaluation/responses.ts'
import { createSurveyService } from './features/evaluation/surveys.ts'
import { createTelephoneService } from './features/evaluation/telephone.ts'
import { createInterestService } from './features/interest/service.ts'
import { createInvoiceService } from './features/invoices/service.ts'
import { createKnowledgeAuditService } from './features/knowledge-audits/service.ts'
import { createDisseminationChasing } from './features/learning/dissemination/chasing.ts'
import { createDisseminationService } from './features/learning/dissemination/service.ts'
import { createNewsletterService } from './features/learning/newsletters/service.ts'
import { createLearningService } from './features/learning/service.ts'
import { createNeedService } from './features/needs/service.ts'
import { createEvidenceImport } from './features/pathways/evidence/import.ts'
import { createEvidenceService } from './features/pathways/evidence/service.ts'
import { createRecognitionService } from './features/pathways/recognitions.ts'
import { createLearningRecordService } from './features/pathways/record/service.ts'
import { createPathwayReminders } from './features/pathways/reminders/service.ts'
import { createPathwayService } from './features/pathways/service.ts'
import { createStandingService } from './features/pathways/standing/service.ts'
import { createPolicyService } from './features/policy/service.ts'
import { createRetentionService } from './features/privacy/retention/service.ts'
import { createStatementService } from './features/privacy/statements/service.ts'
import { createSubjectRequestService } from './features/privacy/subject-requests/service.ts'
import { createProgrammeService } from './features/programme/service.ts'
import { createCpdService } from './features/quality/cpd/service.ts'
import { createObservationService } from './features/quality/observations/service.ts'
import { createRoundService } from './features/quality/rounds/service.ts'
import { createStandardsService } from './features/quality/standards/service.ts'
import { createQaSummaryService } from './features/quality/summary/service.ts'
import { createRegisterService } from './features/register/service.ts'
import { createBoardReportService } from './features/reports/board/service.ts'
import { createDigestMail } from './features/reports/digest/mail.ts'
import { createDigestService } from './features/reports/digest/service.ts'
import { createReportService } from './features/reports/service.ts'
import { createFindingTraceService } from './features/reviews/findings-trace-service.ts'
import { createReviewService } from './features/reviews/service.ts'
import { createSessionService } from './features/sessions/service.ts'
import { createTrainerService } from './features/trainers/service.ts'
import { createApiTokens, createSessions } from './platform/auth/identity.ts'
import type { Clock } from './platform/clock.ts'
import type { Database } from './platform/db/database.ts'
import { createDrafts } from './platform/drafts/index.ts'
import { createPartnerships } from './platform/partnerships.ts'
import { createReadiness, type Readiness } from './platform/readiness.ts'

export type ServiceDeps = {
  config: Config
  db: Database
  clock: Clock
  /** Called after a transaction that wrote to the outbox commits, to send without waiting for the next sweep. */
  mailQueued?: () => void
  /** Called after the last mark of a session that has ended, to invite its evaluation without waiting for the next pass. */
  registerCompleted?: () => void
  /** Whether the process can serve everything yet; ready from the start unless the process says otherwise. */
  readiness?: Readiness
  /** Replaces `fetch` for requests to identity providers: tests tamper with a provider's answers. */
  oidcFetch?: CustomFetch
}

/** Wires every service by hand, in one place. A test passes its own database, clock and config. */
export function createServices(deps: ServiceDeps) {
  const { config, db, clock } = deps
  const mailQueued = () => deps.mailQueued?.()
  const policy = createPolicyService({ db, clock })
  const partnerships = createPartnerships(db)
  const courses = createCourseService({ db, clock, policy })
  const register = createRegisterService({
    db,
    clock,
    policy,
    publicUrl: config.publicUrl,
    mailQueued,
    registerCompleted: () => deps.registerCompleted?.(),
  })
  const evaluationCycle = createEvaluationCycle({
    db,
    clock,
    policy,
    publicUrl: config.publicUrl,
    secret: config.sessionSecret,
    mailQueued,
  })
  const needs = createNeedService({ db, clock, policy, courses, publicUrl: config.publicUrl, mailQueued })
  const newsletters = createNewsletterService({
    db,
    clock,
    partnerships,
    secret: config.sessionSecret,
    publicUrl: config.publicUrl,
    mailQueued,
  })
  const qaStandards = createStandardsService({ db })
  const impact = createImpactService({ db, clock })
  const reports = createReportService({ db, clock, impact })
  const auditDeps = { db, clock, policy, publicUrl: config.publicUrl, mailQueued }
  const registrations = createRegistrationService({
    db,
    clock,
    partnerships,
    publicUrl: config.publicUrl,
    secret: config.sessionSecret,
    mailQueued,
  })
  return {
    config,
    db,
    clock,
    readiness: deps.readiness ?? createReadiness(),
    partnerships,
    sessions: createSessions(db, clock, {
      idleMinutes: config.sessionIdleMinutes,
      maxHours: config.sessionMaxHours,
    }),
    tokens: createApiTokens(db, clock),
    sessionTimeout: createSessionTimeout({ db, clock, idleMinutes: config.sessionIdleMinutes }),
    drafts: createDrafts({ db, clock }),
    apiTokens: createApiTokenService({ db, clock }),
    accounts: createAccountService({
      db,
      clock,
      publicUrl: config.publicUrl,
      secret: config.sessionSecret,
      attemptsPerMinute: config.signInAttemptsPerMinute,
      mailQueued,
    }),
    secondFactors: createSecondFactorService({
      db,
      clock,
      encryptionKey: config.dataEncryptionKey,
      production: config.production,
      mailQueued,
    }),
    policy,
    directory: createDirectoryService({ db, clock, policy }),
    compliance: createComplianceService({ db, clock }),
    pathways: createPathwayService({ db, clock, partnerships }),
    standing: createStandingService({ db, clock }),
    evidence: createEvidenceService({ db, clock }),
    evidenceImport: createEvidenceImport({ db, clock }),
    recognitions: createRecognitionService({ db }),
    learningRecords: createLearningRecordService({ db, clock }),
    reports,
    boardReports: createBoardReportService({ db, clock, reports }),
    agencyDigests: createDigestService({ db, clock, impact }),
    agencyDigestMail: createDigestMail({ db, clock, publicUrl: config.publicUrl, mailQueued }),
    imports: createImportService({ db, clock, policy }),
    merges: createMergeService({ db, clock }),
    subjectRequests: createSubjectRequestService({ db, clock }),
    registrations,
    signOn: createSignOnService({
      db,
      clock,
      production: config.production,
      publicUrl: config.publicUrl,
      encryptionKey: config.dataEncryptionKey,
      registrations,
      mailQueued,
      fetch: deps.oidcFetch,
    }),
    audit: createAuditService({ db }),
    courses,
    needs,
    actions: createActionService({ db, clock }),
    findingTrace: createFindingTraceService({ db }),
    courseSessions: createSessionService({ db, clock, policy, mailQueued }),
    trainers: createTrainerService({ db, clock }),
    qaStandards,
    qaRounds: createRoundService({
      db,
      clock,
      publicUrl: config.publicUrl,
      standards: qaStandards,
      mailQueued,
    }),
    qaSummary: createQaSummaryService({ db, clock, policy }),
    auditTemplates: createAuditTemplateService(auditDeps),
    auditCycles: createAuditCycleService(auditDeps),
    auditReturns: createAuditReturnService(auditDeps),
    auditChallenge: createAuditChallengeService(auditDeps),
    auditResults: createAuditResultsService(auditDeps),
    caseAudits: createCaseAuditService(auditDeps),
    observations: createObservationService({ db, clock, policy, publicUrl: config.publicUrl, mailQueued }),
    programme: createProgrammeService({ db, clock, policy, needs }),
    booking: createBookingService({
      db,
      clock,
      policy,
      publicUrl: config.publicUrl,
      mailFrom: config.mailFrom,
      mailQueued,
      evaluationLink: evaluationCycle.linkFor,
    }),
    register,
    questionnaires: createQuestionnaireService({ db, clock }),
    responses: createResponseService({ db, clock, register, partnerships, secret: config.sessionSecret }),
    evaluationCycle,
    telephone: createTelephoneService({ db, clock, policy }),
    actionChasing: createActionChasing({ db, clock, publicUrl: config.publicUrl, mailQueued }),
    dissemination: createDisseminationService({
      db,
      clock,
      policy,
      partnerships,
      publicUrl: config.publicUrl,
      secret: config.sessionSecret,
      mailQueued,
    }),
    disseminationChasing: createDisseminationChasing({
      db,
      clock,
      policy,
      publicUrl: config.publicUrl,
      mailQueued,
    }),
    surveys: createSurveyService({ db, clock }),
    impact,
    charges: createChargeService({ db, clock }),
    concerns: createConcernService({ db, clock, mailQueued }),
    invoices: createInvoiceService({ db, clock, mailQueued }),
    certificates: createCertificateService({ db, clock, publicUrl: config.publicUrl }),
    catalogue: createCatalogueService({ db, clock, partnerships, policy }),
    contracts: createContractService({ db, clock }),
    reviews: createReviewService({ db, clock, policy, courses }),
    learning: createLearningService({
      db,
      clock,
      partnerships,
      publicUrl: config.publicUrl,
      mailQueued,
      notifySubscribers: newsletters.notifySubscribers,
    }),
    newsletters,
    knowledgeAudits: createKnowledgeAuditService({
      db,
      clock,
      policy,
      partnerships,
      publicUrl: config.publicUrl,
      secret: config.sessionSecret,
      mailQueued,
    }),
    interest: createInterestService({
      db,
      clock,
      partnerships,
      policy,
      publicUrl: config.publicUrl,
      mailQueued,
    }),
    trainerCpd: createCpdService({ db, clock, policy, publicUrl: config.publicUrl, mailQueued }),
    pathwayReminders: createPathwayReminders({ db, clock, publicUrl: config.publicUrl, mailQueued }),
    privacyStatements: createStatementService({ db, clock, partnerships, policy }),
    retention: createRetentionService({ db, clock, policy }),
  }
}

export type Services = ReturnType<typeof createServices>

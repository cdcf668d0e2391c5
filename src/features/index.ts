import type { FastifyInstance } from 'fastify'
import type { Services } from '#src/services.ts'
import accountRoutes from './account/routes.ts'
import identityProvidersApi from './account/sso/api.ts'
import signOnRoutes from './account/sso/routes.ts'
import timeoutRoutes from './account/timeout/routes.ts'
import secondFactorRoutes from './account/two-factor/routes.ts'
import actionsApi from './actions/api.ts'
import actionRoutes from './actions/routes.ts'
import apiTokenRoutes from './api-tokens/routes.ts'
import auditRoutes from './audit/routes.ts'
import caseAuditApi from './audits/case-audits/api.ts'
import caseAuditRoutes from './audits/case-audits/routes.ts'
import auditChallengeApi from './audits/challenge/api.ts'
import auditChallengeRoutes from './audits/challenge/routes.ts'
import auditCycleApi from './audits/cycles/api.ts'
import auditCycleRoutes from './audits/cycles/routes.ts'
import auditResultsApi from './audits/results/api.ts'
import auditResultsRoutes from './audits/results/routes.ts'
import auditReturnApi from './audits/returns/api.ts'
import auditReturnRoutes from './audits/returns/routes.ts'
import auditsRoutes from './audits/routes.ts'
import auditTemplateApi from './audits/templates/api.ts'
import auditTemplateRoutes from './audits/templates/routes.ts'
import bookingApi from './booking/api.ts'
import placesApi from './booking/places-api.ts'
import placesRoutes from './booking/places-routes.ts'
import bookingRoutes from './booking/routes.ts'
import staffRoutes from './booking/staff-routes.ts'
import catalogueRoutes from './catalogue/routes.ts'
import certificatesApi from './certificates/api.ts'
import certificateRoutes from './certificates/routes.ts'
import complianceRoutes from './compliance/routes.ts'
import concernRoutes from './concerns/routes.ts'
import contractsApi from './contracts/api.ts'
import contractRoutes from './contracts/routes.ts'
import coursesApi from './courses/api.ts'
import courseRoutes from './courses/routes.ts'
import developmentRoutes from './development/routes.ts'
import directoryApi from './directory/api.ts'
import importRoutes from './directory/import/routes.ts'
import mergeRoutes from './directory/merge/routes.ts'
import registrationRoutes from './directory/registration/routes.ts'
import directoryRoutes from './directory/routes.ts'
import evaluationAdminRoutes from './evaluation/admin-routes.ts'
import evaluationApi from './evaluation/api.ts'
import impactRoutes from './evaluation/impact-routes.ts'
import respondRoutes from './evaluation/respond-routes.ts'
import homeRoutes from './home/routes.ts'
import interestRoutes from './interest/routes.ts'
import invoicesApi from './invoices/api.ts'
import invoiceRoutes from './invoices/routes.ts'
import knowledgeAuditsApi from './knowledge-audits/api.ts'
import knowledgeAuditRespondRoutes from './knowledge-audits/respond-routes.ts'
import knowledgeAuditRoutes from './knowledge-audits/routes.ts'
import learningApi from './learning/api.ts'
import courseLearningRoutes from './learning/course-routes.ts'
import disseminationApi from './learning/dissemination/api.ts'
import disseminationRoutes from './learning/dissemination/routes.ts'
import learningEditorRoutes from './learning/editor-routes.ts'
import newsletterRoutes from './learning/newsletters/routes.ts'
import learningRoutes from './learning/routes.ts'
import needsApi from './needs/api.ts'
import needRoutes from './needs/routes.ts'
import pathwaysApi from './pathways/api.ts'
import evidenceImportRoutes from './pathways/evidence/import-routes.ts'
import evidenceQueueRoutes from './pathways/evidence/queue-routes.ts'
import evidenceRoutes from './pathways/evidence/routes.ts'
import finderRoutes from './pathways/finder/routes.ts'
import learningRecordRoutes from './pathways/record/routes.ts'
import pathwayRoutes from './pathways/routes.ts'
import standingRoutes from './pathways/standing/routes.ts'
import policyApi from './policy/api.ts'
import policyRoutes from './policy/routes.ts'
import retentionApi from './privacy/retention/api.ts'
import retentionRoutes from './privacy/retention/routes.ts'
import statementRoutes from './privacy/statements/routes.ts'
import subjectRequestsApi from './privacy/subject-requests/api.ts'
import subjectRequestRoutes from './privacy/subject-requests/routes.ts'
import programmeRoutes from './programme/routes.ts'
import cpdApi from './quality/cpd/api.ts'
import cpdRoutes from './quality/cpd/routes.ts'
import observationsApi from './quality/observations/api.ts'
import observationRoutes from './quality/observations/routes.ts'
import qaRoundsApi from './quality/rounds/api.ts'
import qaRoundRoutes from './quality/rounds/routes.ts'
import qualityRoutes from './quality/routes.ts'
import standardsRoutes from './quality/standards/routes.ts'
import qaSummaryRoutes from './quality/summary/routes.ts'
import registerApi from './register/api.ts'
import registerRoutes from './register/routes.ts'
import reportsApi from './reports/api.ts'
import boardReportsApi from './reports/board/api.ts'
import boardReportRoutes from './reports/board/routes.ts'
import digestApi from './reports/digest/api.ts'
import digestRoutes from './reports/digest/routes.ts'
import reportRoutes from './reports/routes.ts'
import reviewsApi from './reviews/api.ts'
import findingRoutes from './reviews/finding-routes.ts'
import reviewLearningRoutes from './reviews/learning-routes.ts'
import reviewRoutes from './reviews/routes.ts'
import reviewStepRoutes from './reviews/step-routes.ts'
import sessionsApi from './sessions/api.ts'
import sessionRoutes from './sessions/routes.ts'
import trainersApi from './trainers/api.ts'
import trainerRoutes from './trainers/routes.ts'

type FeaturePlugin = (app: FastifyInstance, options: { services: Services }) => Promise<void>

/** Every feature's routes. A new feature adds its plugin here; app.ts does not change. */
export const features: FeaturePlugin[] = [
  homeRoutes,
  accountRoutes,
  signOnRoutes,
  identityProvidersApi,
  secondFactorRoutes,
  timeoutRoutes,
  policyRoutes,
  policyApi,
  statementRoutes,
  retentionApi,
  retentionRoutes,
  auditRoutes,
  apiTokenRoutes,
  directoryApi,
  complianceRoutes,
  pathwaysApi,
  pathwayRoutes,
  finderRoutes,
  evidenceRoutes,
  evidenceQueueRoutes,
  standingRoutes,
  learningRecordRoutes,
  evidenceImportRoutes,
  reportsApi,
  reportRoutes,
  boardReportsApi,
  boardReportRoutes,
  digestApi,
  digestRoutes,
  coursesApi,
  courseRoutes,
  sessionsApi,
  sessionRoutes,
  bookingApi,
  placesApi,
  placesRoutes,
  bookingRoutes,
  staffRoutes,
  registerApi,
  registerRoutes,
  certificatesApi,
  certificateRoutes,
  invoicesApi,
  invoiceRoutes,
  concernRoutes,
  evaluationApi,
  evaluationAdminRoutes,
  impactRoutes,
  respondRoutes,
  programmeRoutes,
  trainersApi,
  trainerRoutes,
  cpdApi,
  cpdRoutes,
  needsApi,
  needRoutes,
  actionsApi,
  actionRoutes,
  findingRoutes,
  catalogueRoutes,
  interestRoutes,
  contractsApi,
  contractRoutes,
  reviewsApi,
  reviewRoutes,
  reviewStepRoutes,
  reviewLearningRoutes,
  learningApi,
  learningRoutes,
  learningEditorRoutes,
  newsletterRoutes,
  courseLearningRoutes,
  disseminationApi,
  disseminationRoutes,
  knowledgeAuditsApi,
  knowledgeAuditRoutes,
  qaRoundsApi,
  qaRoundRoutes,
  knowledgeAuditRespondRoutes,
  qualityRoutes,
  standardsRoutes,
  qaSummaryRoutes,
  observationsApi,
  observationRoutes,
  auditsRoutes,
  auditTemplateApi,
  auditTemplateRoutes,
  auditCycleApi,
  auditCycleRoutes,
  auditReturnApi,
  auditReturnRoutes,
  auditChallengeApi,
  auditChallengeRoutes,
  auditResultsApi,
  auditResultsRoutes,
  caseAuditApi,
  caseAuditRoutes,
  directoryRoutes,
  importRoutes,
  mergeRoutes,
  subjectRequestsApi,
  subjectRequestRoutes,
  registrationRoutes,
  developmentRoutes,
]

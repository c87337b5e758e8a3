import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { GraphqlModule } from '../plugins/graphql.js';
import { assessmentLoaders, assessmentResolvers, assessmentTypeDefs } from './assessments/graphql.js';
import { assessmentRoutes } from './assessments/routes.js';
import { auditRoutes } from './audit/routes.js';
import { auditResolvers, auditTypeDefs } from './audit/graphql.js';
import { auditCheckpoints, auditSealer } from './audit/schedule.js';
import { criteriaLoaders, criteriaResolvers, criteriaTypeDefs } from './criteria/graphql.js';
import { criteriaRoutes } from './criteria/routes.js';
import { cycleResolvers, cycleTypeDefs } from './cycles/graphql.js';
import { cycleRoutes } from './cycles/routes.js';
import { departmentLoaders, departmentResolvers, departmentTypeDefs } from './departments/graphql.js';
import { departmentRoutes } from './departments/routes.js';
import { departmentImportLeaseSweep } from './departments/schedule.js';
import { enrollmentLoaders, enrollmentResolvers, enrollmentTypeDefs } from './enrollments/graphql.js';
import { enrollmentRoutes } from './enrollments/routes.js';
import { regionLoaders, regionResolvers, regionTypeDefs } from './regions/graphql.js';
import { regionRoutes } from './regions/routes.js';
import { unitLoaders, unitResolvers, unitTypeDefs } from './units/graphql.js';
import { unitRoutes } from './units/routes.js';
import { unitImportLeaseSweep } from './units/schedule.js';
import { webhookResolvers, webhookTypeDefs } from './webhooks/graphql.js';
import { webhookRoutes } from './webhooks/routes.js';
import { complaintLoaders, complaintResolvers, complaintTypeDefs } from './complaints/graphql.js';
import { complaintRoutes } from './complaints/routes.js';
import { open311Routes } from './open311/routes.js';
import { integrationClientResolvers, integrationClientTypeDefs } from './integration-clients/graphql.js';
import { oauthRoutes } from './integration-clients/oauth.routes.js';
import { integrationClientRoutes } from './integration-clients/routes.js';
import { problemLoaders, problemResolvers, problemTypeDefs } from './problems/graphql.js';
import { problemRoutes } from './problems/routes.js';
import { deedLoaders, deedResolvers, deedTypeDefs } from './deeds/graphql.js';
import { deedRoutes } from './deeds/routes.js';
import { accountabilityLoaders, accountabilityResolvers, accountabilityTypeDefs } from './accountability/graphql.js';
import { accountabilityRoutes } from './accountability/routes.js';
import { personLoaders, personResolvers, personTypeDefs } from './persons/graphql.js';
import { personRoutes } from './persons/routes.js';
import { supervisionLoaders, supervisionResolvers, supervisionTypeDefs } from './supervision/graphql.js';
import { supervisionRoutes } from './supervision/routes.js';
import { rankingLoaders, rankingPureFields, rankingResolvers, rankingTypeDefs, rankingWeights } from './rankings/graphql.js';
import { rankingRoutes } from './rankings/routes.js';
import { awardLoaders, awardResolvers, awardTypeDefs, awardWeights } from './awards/graphql.js';
import { awardRoutes } from './awards/routes.js';
import { scoreboardLoaders, scoreboardResolvers, scoreboardTypeDefs } from './scoreboard/graphql.js';
import { scoreboardRoutes } from './scoreboard/routes.js';
import { ratingLoaders, ratingResolvers, ratingTypeDefs } from './ratings/graphql.js';
import { ratingRoutes } from './ratings/routes.js';
import { qrCodeRoutes } from './qr-codes/routes.js';
import { statisticsResolvers, statisticsTypeDefs, statisticsWeights } from './statistics/graphql.js';
import { statisticsRoutes } from './statistics/routes.js';
import { calendarResolvers, calendarTypeDefs } from './calendar/graphql.js';
import { calendarRoutes } from './calendar/routes.js';
import { awardPublications } from './awards/graphql.js';
import { outreachResolvers, outreachTypeDefs } from './outreach/graphql.js';
import { outreachRoutes } from './outreach/routes.js';
import { mediaResolvers, mediaTypeDefs } from './media/graphql.js';
import { mediaRoutes } from './media/routes.js';
import { powerListResolvers, powerListTypeDefs } from './power-list/graphql.js';
import { powerListRoutes } from './power-list/routes.js';
import { investmentResolvers, investmentTypeDefs } from './investments/graphql.js';
import { investmentRoutes } from './investments/routes.js';
import { appealLoaders, appealResolvers, appealTypeDefs } from './appeals/graphql.js';
import { appealRoutes } from './appeals/routes.js';
import { ratingIntegrityResolvers, ratingIntegrityTypeDefs } from './ratings/integrity.graphql.js';
import type { Publication } from '../plugins/pubsub.js';
import type { ScheduledJob } from '../plugins/schedules.js';
import { awardEscalation } from './awards/schedule.js';
import { problemOverdueNotices } from './problems/schedule.js';
import { ratingImportLeaseSweep, ratingIntegrityScan, ratingIntegritySoon } from './ratings/schedule.js';
import { webhookDispatch } from './webhooks/schedule.js';
import { idempotencyKeySweep } from './idempotency/schedule.js';
import { serviceItemLoaders, serviceItemResolvers, serviceItemTypeDefs } from './service-items/graphql.js';
import { serviceItemRoutes } from './service-items/routes.js';
import { caseLoaders, caseResolvers, caseTypeDefs } from './cases/graphql.js';
import { caseRoutes } from './cases/routes.js';
import { exchangeRoutes } from './exchange/routes.js';
import { caseImportLeaseSweep, defaultRatingJob } from './cases/schedule.js';

/** Every module's REST routes, mounted under /api/v1. */
export const restModules: FastifyPluginAsyncZod[] = [auditRoutes, webhookRoutes, assessmentRoutes, regionRoutes, departmentRoutes, unitRoutes, cycleRoutes, enrollmentRoutes, criteriaRoutes, problemRoutes, deedRoutes, accountabilityRoutes, personRoutes, complaintRoutes, supervisionRoutes, ratingRoutes, qrCodeRoutes, rankingRoutes, statisticsRoutes, awardRoutes, scoreboardRoutes, calendarRoutes, outreachRoutes, mediaRoutes, powerListRoutes, investmentRoutes, integrationClientRoutes, appealRoutes, serviceItemRoutes, caseRoutes, exchangeRoutes];

/** Every module's GraphQL part, merged into one schema. */
export const graphqlModules: GraphqlModule[] = [
  { typeDefs: auditTypeDefs, resolvers: auditResolvers },
  { typeDefs: webhookTypeDefs, resolvers: webhookResolvers },
  { typeDefs: assessmentTypeDefs, resolvers: assessmentResolvers, loaders: assessmentLoaders },
  { typeDefs: regionTypeDefs, resolvers: regionResolvers, loaders: regionLoaders },
  { typeDefs: departmentTypeDefs, resolvers: departmentResolvers, loaders: departmentLoaders },
  { typeDefs: unitTypeDefs, resolvers: unitResolvers, loaders: unitLoaders },
  { typeDefs: complaintTypeDefs, resolvers: complaintResolvers, loaders: complaintLoaders },
  { typeDefs: problemTypeDefs, resolvers: problemResolvers, loaders: problemLoaders },
  { typeDefs: deedTypeDefs, resolvers: deedResolvers, loaders: deedLoaders },
  { typeDefs: accountabilityTypeDefs, resolvers: accountabilityResolvers, loaders: accountabilityLoaders },
  { typeDefs: personTypeDefs, resolvers: personResolvers, loaders: personLoaders },
  { typeDefs: cycleTypeDefs, resolvers: cycleResolvers },
  { typeDefs: enrollmentTypeDefs, resolvers: enrollmentResolvers, loaders: enrollmentLoaders },
  { typeDefs: criteriaTypeDefs, resolvers: criteriaResolvers, loaders: criteriaLoaders },
  { typeDefs: supervisionTypeDefs, resolvers: supervisionResolvers, loaders: supervisionLoaders },
  { typeDefs: rankingTypeDefs, resolvers: rankingResolvers, loaders: rankingLoaders, weights: rankingWeights, pure: rankingPureFields },
  { typeDefs: awardTypeDefs, resolvers: awardResolvers, loaders: awardLoaders, weights: awardWeights },
  { typeDefs: scoreboardTypeDefs, resolvers: scoreboardResolvers, loaders: scoreboardLoaders },
  { typeDefs: ratingTypeDefs, resolvers: ratingResolvers, loaders: ratingLoaders },
  { typeDefs: statisticsTypeDefs, resolvers: statisticsResolvers, weights: statisticsWeights },
  { typeDefs: calendarTypeDefs, resolvers: calendarResolvers },
  { typeDefs: outreachTypeDefs, resolvers: outreachResolvers },
  { typeDefs: mediaTypeDefs, resolvers: mediaResolvers },
  { typeDefs: powerListTypeDefs, resolvers: powerListResolvers },
  { typeDefs: investmentTypeDefs, resolvers: investmentResolvers },
  { typeDefs: integrationClientTypeDefs, resolvers: integrationClientResolvers },
  { typeDefs: appealTypeDefs, resolvers: appealResolvers, loaders: appealLoaders },
  { typeDefs: ratingIntegrityTypeDefs, resolvers: ratingIntegrityResolvers },
  { typeDefs: serviceItemTypeDefs, resolvers: serviceItemResolvers, loaders: serviceItemLoaders },
  { typeDefs: caseTypeDefs, resolvers: caseResolvers, loaders: caseLoaders },
];

/** Standard facades mounted outside /api/v1 at their own prefix (Open311 GeoReport v2, the OAuth 2.0 token endpoint). */
export const facadeModules: { prefix: string; plugin: FastifyPluginAsyncZod }[] = [
  { prefix: '/open311/v2', plugin: open311Routes },
  { prefix: '/oauth', plugin: oauthRoutes },
];

/** What modules publish to GraphQL subscribers, wired by the pubsub plugin. */
export const graphqlPublications: Publication[] = [...awardPublications];

/** Every module's periodic jobs, each behind its own config switch; the schedules plugin runs them. */
export const scheduledJobs: ScheduledJob[] = [auditSealer, auditCheckpoints, webhookDispatch, awardEscalation, problemOverdueNotices, ratingImportLeaseSweep, ratingIntegrityScan, ratingIntegritySoon, idempotencyKeySweep, caseImportLeaseSweep, unitImportLeaseSweep, departmentImportLeaseSweep, defaultRatingJob];

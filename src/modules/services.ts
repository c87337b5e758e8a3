import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { KeyPair } from '../lib/keys.js';
import { evidenceChecker } from '../lib/evidence.js';
import { registerSettingsGroup } from './cycles/schemas.js';
import { scoringSettings } from './rankings/scoring.js';
import { periodSettings } from './rankings/periods.js';
import { awardSettings } from './awards/settings.js';
import { complaintQueries } from './complaints/queries.js';
import { problemQueries } from './problems/queries.js';
import { supervisionQueries } from './supervision/queries.js';
import { createAssessmentsService } from './assessments/service.js';
import { createAuditService } from './audit/service.js';
import { createCriteriaService } from './criteria/service.js';
import { createCyclesService } from './cycles/service.js';
import { createDepartmentsService } from './departments/service.js';
import { createDepartmentImportsService } from './departments/import-service.js';
import { createEnrollmentsService } from './enrollments/service.js';
import { enrollmentQueries } from './enrollments/queries.js';
import { createRegionsService } from './regions/service.js';
import { createUnitsService } from './units/service.js';
import { createWebhooksService } from './webhooks/service.js';
import { createComplaintsService } from './complaints/service.js';
import { createOpen311Service } from './open311/service.js';
import { createProblemsService } from './problems/service.js';
import { createDeedsService } from './deeds/service.js';
import { createAccountabilityService } from './accountability/service.js';
import { accountabilitySettings } from './accountability/schemas.js';
import { createPersonsService } from './persons/service.js';
import { createSupervisionService } from './supervision/service.js';
import { createRankingsService } from './rankings/service.js';
import { createAwardsService } from './awards/service.js';
import { awardQueries } from './awards/queries.js';
import { createScoreboardService } from './scoreboard/service.js';
import { createRatingFollowUpsService } from './ratings/follow-ups.service.js';
import { callBackLinks } from './ratings/call-back-links.js';
import { createQrCodesService } from './qr-codes/service.js';
import { createRatingImportsService } from './ratings/import-service.js';
import { respondentHasher, DEVELOPMENT_RESPONDENT_KEY_SECRET } from './ratings/rules.js';
import { createRatingsService } from './ratings/service.js';
import { createStatisticsService } from './statistics/service.js';
import { createExchangeService } from './exchange/service.js';
import { createAppealsService } from './appeals/service.js';
import { createRatingIntegrityService, integrityDefaults } from './ratings/integrity.js';
import { createIdempotencyService } from './idempotency/service.js';
import { createCalendarService } from './calendar/service.js';
import { createOutreachService } from './outreach/service.js';
import { createMediaService } from './media/service.js';
import { createPowerListService } from './power-list/service.js';
import { createInvestmentsService } from './investments/service.js';
import { createIntegrationClientsService } from './integration-clients/service.js';
import { createServiceItemsService } from './service-items/service.js';
import { createCasesService } from './cases/service.js';
import { createDefaultRatingsService } from './ratings/defaults.js';
import { DEFAULT_RATING_GROUP, defaultRatingSettings } from './ratings/schemas.js';
import { createCaseImportsService } from './cases/import-service.js';
import { createUnitImportsService } from './units/import-service.js';
import { staffHasher } from './cases/rules.js';

// Modules that keep parameters in a cycle's settings add their group to the document the cycles module owns.
registerSettingsGroup('scoring', scoringSettings);
registerSettingsGroup('periods', periodSettings);
registerSettingsGroup('accountability', accountabilitySettings);
registerSettingsGroup('awards', awardSettings);
registerSettingsGroup(DEFAULT_RATING_GROUP, defaultRatingSettings);

/** Wires every domain service over one database; REST routes and GraphQL resolvers both use these. */
export function createServices(database: Database, { config, keys }: { config: Config; keys?: KeyPair }) {
  const db = database.db;
  const audit = createAuditService({ db, config, keys });
  const regions = createRegionsService({ db, audit });
  const departments = createDepartmentsService({ db, audit, regions });
  const units = createUnitsService({ db, audit, regions });
  const calendar = createCalendarService({ db, audit, regions, timeZone: config.TIME_ZONE });
  const webhooks = createWebhooksService({ db, audit, config, keys });
  const complaints = createComplaintsService({ db, audit, webhooks, deadlines: config.COMPLAINT_DEADLINE_WORKING_DAYS, calendar });
  const open311 = createOpen311Service({ complaints, config });
  const problems = createProblemsService({ db, audit, webhooks, calendar });
  const deeds = createDeedsService({ db, audit });
  const cycles = createCyclesService({ db, audit, webhooks, participation: enrollmentQueries });
  const accountability = createAccountabilityService({ db, audit, cycles });
  // A person's record joins the accountability actions against them (accountability depends on persons, not back).
  const persons = createPersonsService({ db, audit, actionsAgainst: (id, opt) => accountability.againstPerson(id, opt) });
  // The records a decision may cite, each checked by the module that owns it.
  const checkEvidence = evidenceChecker({
    complaint: complaintQueries.existingIds,
    inspection_report: supervisionQueries.existingReportIds,
    inspection_finding: supervisionQueries.existingFindingIds,
    problem: problemQueries.existingIds,
  });
  const enrollments = createEnrollmentsService({ db, audit, cycles, regions, checkEvidence });
  const appeals = createAppealsService({ db, audit, enrollments, awards: () => awards, checkEvidence, calendar, decisionWorkingDays: config.APPEAL_DECISION_WORKING_DAYS });
  const ratingIntegrity = createRatingIntegrityService({
    db,
    audit,
    thresholds: { ...integrityDefaults, burstMax: config.RATING_BURST_MAX, burstWindowMinutes: config.RATING_BURST_WINDOW_MINUTES },
    overlapSeconds: config.RATING_INTEGRITY_SCAN_OVERLAP_SECONDS,
  });
  const rankings = createRankingsService({
    db,
    audit,
    cycles,
    regions,
    webhooks,
    commendationCounts: awardQueries.commendationCountsByUnit,
    appealExclusions: appeals.exclusionsForCycle,
    ratingIntegrity,
    timeZone: config.TIME_ZONE,
  });
  const awards = createAwardsService({ db, audit, cycles, problems, complaints, webhooks, checkEvidence });
  const scoreboard = createScoreboardService({ db, cycles, problems, appealExclusions: (cycleId) => appeals.departmentExclusionsForCycle(cycleId) });
  const criteria = createCriteriaService({ db, audit, cycles });
  const assessments = createAssessmentsService({ db, audit, cycles, criteria });
  const supervision = createSupervisionService({ db, audit, regions, units, problems: () => problems });
  const linkSecret = config.RESPONDENT_KEY_SECRET ?? DEVELOPMENT_RESPONDENT_KEY_SECRET;
  const hashRespondent = respondentHasher(linkSecret);
  const links = callBackLinks(linkSecret, config.CALL_BACK_LINK_DAYS);
  // 首问负责人 and the staff who served a rating: the same secret as respondent keys, domain-separated.
  const hashStaff = staffHasher(hashRespondent);
  const ratings = createRatingsService({
    db,
    audit,
    regions,
    hashRespondent,
    hashStaff,
    perDay: config.PUBLIC_RATINGS_PER_RESPONDENT_PER_DAY,
    followUpWorkingDays: config.FOLLOW_UP_WORKING_DAYS,
    calendar,
    verificationWorkingDays: config.VERIFICATION_WORKING_DAYS,
    links,
    integrity: ratingIntegrity,
  });
  const ratingFollowUps = createRatingFollowUpsService({ db, audit, problems, links, calendar, followUpWorkingDays: config.FOLLOW_UP_WORKING_DAYS });
  const qrCodes = createQrCodesService({ ratings, units, secret: linkSecret, config });
  const ratingImports = createRatingImportsService({
    database,
    audit,
    hashRespondent,
    followUpWorkingDays: config.FOLLOW_UP_WORKING_DAYS,
    verificationWorkingDays: config.VERIFICATION_WORKING_DAYS,
    lease: { leaseMs: config.RATING_IMPORT_LEASE_MS, heartbeatMs: config.RATING_IMPORT_HEARTBEAT_MS },
    calendar,
    integrity: ratingIntegrity,
  });
  const statistics = createStatisticsService({ db, regions, publicMinCell: config.PUBLIC_STATS_MIN_CELL });
  const outreach = createOutreachService({ db, audit });
  const media = createMediaService({ db, audit });
  const powerList = createPowerListService({ db, audit });
  const investments = createInvestmentsService({ db, audit });
  const integrationClients = createIntegrationClientsService({ db, audit, config });
  const serviceItems = createServiceItemsService({ db, audit });
  const cases = createCasesService({ db, audit, hashStaff, calendar });
  const caseImports = createCaseImportsService({
    database,
    audit,
    hashStaff,
    lease: { leaseMs: config.RATING_IMPORT_LEASE_MS, heartbeatMs: config.RATING_IMPORT_HEARTBEAT_MS },
    calendar,
  });
  const unitImports = createUnitImportsService({ database, audit, lease: { leaseMs: config.RATING_IMPORT_LEASE_MS, heartbeatMs: config.RATING_IMPORT_HEARTBEAT_MS } });
  const departmentImports = createDepartmentImportsService({ database, audit, lease: { leaseMs: config.RATING_IMPORT_LEASE_MS, heartbeatMs: config.RATING_IMPORT_HEARTBEAT_MS } });
  const defaultRatings = createDefaultRatingsService({
    db,
    audit,
    days: config.DEFAULT_RATING_DAYS,
    level: config.DEFAULT_RATING_LEVEL,
    channel: config.DEFAULT_RATING_CHANNEL,
    integrity: ratingIntegrity,
  });
  const idempotency = createIdempotencyService({ db, ttlMs: config.IDEMPOTENCY_KEY_TTL_MS, leaseMs: config.IDEMPOTENCY_LEASE_MS });
  // 省级好差评平台对接: maps the provincial layout onto the rating and case imports.
  const exchange = createExchangeService({ db, regions, ratingImports, caseImports, timeZone: config.TIME_ZONE });
  return { exchange, serviceItems, cases, caseImports, unitImports, departmentImports, defaultRatings, integrationClients, calendar, idempotency, awards, scoreboard, statistics, rankings, ratings, ratingFollowUps, qrCodes, ratingImports, config, keys, database, db, audit, webhooks, assessments, regions, departments, units, cycles, enrollments, criteria, problems, deeds, accountability, persons, complaints, open311, supervision, outreach, media, powerList, investments, appeals, ratingIntegrity };
}

export type Services = ReturnType<typeof createServices>;

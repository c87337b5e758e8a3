import { z } from 'zod';
import { exportFormats, exportMedia } from '../../lib/table-export.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problems } from '../../lib/http.js';
import type { Role } from '../../lib/principal.js';
import { cycleParams, departmentScoreboard } from './schemas.js';

const tags = ['scoreboard'];
/** The office and integrations see every department; a department manager its own row. */
export const SCOREBOARD_READERS: Role[] = ['admin', 'inspector', 'integration', 'department'];

export const scoreboardRoutes: FastifyPluginAsyncZod = async (app) => {
  const svc = app.services.scoreboard;

  app.get('/cycles/:cycleId/department-scoreboard', {
    config: { access: SCOREBOARD_READERS, scopes: ['statistics:read'] },
    schema: {
      operationId: 'getDepartmentScoreboard',
      summary: '部门行风考核挂钩: per department, named units by tier, bonus and penalty points, problems and complaints',
      description:
        'Bonus: each unit named in the cycle adds settings.awards.departmentBonus of its tier (十佳 and 百佳 counted apart). Penalty: each award now ' +
        'yellow-carded or revoked takes settings.awards.departmentPenalty away. A department manager sees its own row only.',
      tags,
      params: cycleParams,
      response: { 200: departmentScoreboard, ...problems(404) },
    },
    handler: async (req) => svc.departmentScoreboard(req.ctx, req.params.cycleId),
  });

  for (const format of exportFormats) {
    const media = exportMedia(format);
    app.get(`/cycles/:cycleId/department-scoreboard.${format}`, {
      config: { access: SCOREBOARD_READERS, scopes: ['statistics:read'] },
      schema: {
        operationId: format === 'csv' ? 'exportDepartmentScoreboardCsv' : 'exportDepartmentScoreboardXlsx',
        summary: `The department scoreboard as ${format.toUpperCase()} (header in Chinese and English)`,
        tags,
        params: cycleParams,
        produces: [media.media],
        response: { 200: z.string().describe(media.description), ...problems(404) },
      },
      handler: async (req, reply) => {
        const file = await svc.departmentScoreboardExport(req.ctx, req.params.cycleId, format);
        return reply.type(file.contentType).header('content-disposition', `attachment; filename="department-scoreboard-${req.params.cycleId}.${file.extension}"`).send(file.body as string); // a Buffer for XLSX: sent as is; the schema documents the text body
      },
    });
  }
};

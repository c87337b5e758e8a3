import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import manyi from '../tools/eslint-module-graph.js';
import { moduleCycles, moduleGraph, type ModuleGraph } from '../tools/module-graph.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

// Fixtures live in a module that does not exist, so nothing imports them back and only the boundary rules speak.
const eslint = new ESLint({ cwd: root });
async function problemsOf(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}
const restricted = (problems: { rule: string | null; message: string }[]) => problems.filter((p) => p.rule === 'no-restricted-imports');

t.test('a service may not read another module\'s tables', async (t) => {
  const problems = await problemsOf('src/modules/fixture/service.ts', "import { units } from '../units/tables.js';\nexport const x = units;\n");
  t.equal(restricted(problems).length, 1);
  t.match(restricted(problems)[0].message, /tables are private/);
});

t.test('a routes file may not use another module\'s repository', async (t) => {
  const problems = await problemsOf('src/modules/fixture/routes.ts', "import { problemsRepository } from '../problems/repository.js';\nexport const x = problemsRepository;\n");
  t.equal(restricted(problems).length, 1);
  t.match(restricted(problems)[0].message, /repository is private/);
});

t.test('a named repository of another module is private too', async (t) => {
  const problems = await problemsOf('src/modules/fixture/service.ts', "import { followUpsRepository } from '../ratings/follow-ups.repository.js';\nexport const x = followUpsRepository;\n");
  t.equal(restricted(problems).length, 1);
});

t.test('modules do not go through db/schema', async (t) => {
  const problems = await problemsOf('src/modules/fixture/repository.ts', "import { units } from '../../db/schema/index.js';\nexport const x = units;\n");
  t.equal(restricted(problems).length, 1);
  t.match(restricted(problems)[0].message, /db\/schema/);
});

t.test('a service may not import drizzle', async (t) => {
  const problems = await problemsOf('src/modules/fixture/service.ts', "import { eq } from 'drizzle-orm';\nimport { text } from 'drizzle-orm/pg-core';\nexport const x = [eq, text];\n");
  t.equal(restricted(problems).length, 2);
});

t.test('a queries file may use drizzle', async (t) => {
  t.same(await problemsOf('src/modules/fixture/queries.ts', "import { eq } from 'drizzle-orm';\nexport const x = eq;\n"), []);
});

t.test('a tables file may reference another module\'s table (a foreign key)', async (t) => {
  const code = "import { uuid } from 'drizzle-orm/pg-core';\nimport { units } from '../units/tables.js';\nexport const x = [uuid, units];\n";
  t.same(await problemsOf('src/modules/fixture/tables.ts', code), []);
});

t.test('a service may use its own tables and repository and another module\'s service and queries', async (t) => {
  const code = [
    "import { fixtures } from './tables.js';",
    "import { fixtureRepository } from './repository.js';",
    "import { createUnitsService } from '../units/service.js';",
    "import { unitQueries } from '../units/queries.js';",
    'export const x = [fixtures, fixtureRepository, createUnitsService, unitQueries];',
    '',
  ].join('\n');
  t.same(await problemsOf('src/modules/fixture/service.ts', code), []);
});

t.test('lib never imports from the modules', async (t) => {
  const problems = await problemsOf('src/lib/x.ts', "import { createUnitsService } from '../modules/units/service.js';\nexport const x = createUnitsService;\n");
  t.equal(restricted(problems).length, 1);
  t.match(restricted(problems)[0].message, /never import them/);
});

t.test('db never imports from the modules, except the schema index drizzle-kit reads', async (t) => {
  const code = "export * from '../../modules/units/tables.js';\n";
  t.equal(restricted(await problemsOf('src/db/schema/other.ts', code)).length, 1);
  t.same(restricted(await problemsOf('src/db/schema/index.ts', code)), []);
});

const graph = (edges: Record<string, string[]>): ModuleGraph =>
  new Map(Object.entries(edges).map(([from, tos]) => [from, new Map(tos.map((to) => [to, [`src/modules/${from}/service.ts`]]))]));

t.test('moduleCycles finds a cycle and names it', async (t) => {
  t.same(moduleCycles(graph({ a: ['b'], b: ['a'] })), [['a', 'b', 'a']]);
});

t.test('moduleCycles finds nothing in an acyclic graph', async (t) => {
  t.same(moduleCycles(graph({ a: ['b'], b: ['c'] })), []);
});

t.test('the lint rule reports the import that closes a module cycle, naming the cycle', async (t) => {
  const a = "import { b } from '../b/service.js';\nexport const a = () => b;\n";
  const b = "import { c } from '../c/service.js';\nexport const b = () => c;\n";
  const c = "import { a } from '../a/service.js';\nimport { d } from '../d/service.js';\nexport const c = () => [a, d];\n";
  const d = 'export const d = 1;\n';
  const dir = t.testdir({
    src: {
      modules: {
        a: { 'service.ts': a, 'tables.ts': "import { y } from '../d/tables.js';\nexport const x = y;\n" },
        b: { 'service.ts': b },
        c: { 'service.ts': c },
        d: { 'service.ts': d, 'tables.ts': "import { x } from '../a/tables.js';\nexport const y = x;\n" },
      },
    },
  });
  const lint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { manyi }, rules: { 'manyi/no-module-cycle': ['error', { root: dir }] } }],
  });
  const messages = async (file: string, code: string) =>
    (await lint.lintText(code, { filePath: join(dir, file) }))[0].messages.map((m) => `${m.line}: ${m.message}`);
  t.same(await messages('src/modules/a/service.ts', a), ['1: module cycle: a → b → c → a']);
  t.same(await messages('src/modules/c/service.ts', c), ['1: module cycle: c → a → b → c'], 'only the import on the cycle');
  t.same(await messages('src/modules/d/service.ts', d), []);
  t.same(await messages('src/modules/d/tables.ts', "import { x } from '../a/tables.js';\nexport const y = x;\n"), [], 'foreign keys are not reads');
});

/** Imports in src/modules of another module's tables or repository (a tables.ts may reference other tables). */
function crossModuleReads(): string[] {
  const dir = join(root, 'src', 'modules');
  const reads: string[] = [];
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!rel.endsWith('.ts')) continue;
    const text = readFileSync(join(dir, rel), 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.\.\/[^/'"]+\/(tables|[^/'"]*repository[^/'"]*)\.js)['"]/g)) {
      if (m[2] === 'tables' && rel.endsWith('tables.ts')) continue;
      reads.push(`src/modules/${rel} → ${m[1]}`);
    }
  }
  return reads;
}

t.test('the module graph of this service is acyclic', async (t) => {
  t.same(moduleCycles(moduleGraph(root)).map((c) => c.join(' → ')), []);
});

t.test('no module reads another module\'s tables or repository', async (t) => {
  t.same(crossModuleReads(), []);
});

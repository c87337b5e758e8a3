import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import manyi from './tools/eslint-module-graph.js';

const root = dirname(fileURLToPath(import.meta.url));

// Module boundaries. `no-restricted-imports` in a later config object replaces an earlier one for the same file,
// so each group of files below gets exactly one, composed from these pieces.
const drizzle = {
  paths: [{ name: 'drizzle-orm', message: 'queries live in repository, tables and queries files' }],
  patterns: [{ group: ['drizzle-orm/*'], message: 'queries live in repository, tables and queries files' }],
};
const otherTables = {
  regex: String.raw`^\.\./[^/]+/tables(\.js)?$`,
  message: "another module's tables are private to it: ask its queries.ts or service instead",
};
const otherRepositories = {
  regex: String.raw`^\.\./[^/]+/[^/]*repository[^/]*(\.js)?$`,
  message: "another module's repository is private to it: ask its queries.ts or service instead",
};
const schema = {
  regex: String.raw`(^|/)db/schema(/|$)`,
  message: 'db/schema only re-exports the tables for drizzle-kit; import from the owning module',
};
const modules = {
  regex: String.raw`(^|/)modules(/|$)`,
  message: 'lib and db are below the modules and never import them',
};
const restrict = (...parts) => [
  'error',
  {
    paths: parts.flatMap((p) => p.paths ?? []),
    patterns: parts.flatMap((p) => p.patterns ?? [p]),
  },
];
// Where drizzle may be used inside a module.
const drizzleFiles = ['src/modules/**/*repository*.ts', 'src/modules/**/queries.ts'];
const tablesFiles = ['src/modules/**/tables.ts'];

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'migrations', 'openapi', 'dist', '.tap', 'clients/typescript/.build', 'clients/typescript/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Services, routes and resolvers never build queries, and read other modules only through what they offer.
    files: ['src/modules/**/*.ts'],
    ignores: [...drizzleFiles, ...tablesFiles],
    rules: { 'no-restricted-imports': restrict(drizzle, otherTables, otherRepositories, schema) },
  },
  {
    files: drizzleFiles,
    rules: { 'no-restricted-imports': restrict(otherTables, otherRepositories, schema) },
  },
  {
    // A table may reference another module's table (a foreign key follows the data's ownership).
    files: tablesFiles,
    rules: { 'no-restricted-imports': restrict(otherRepositories, schema) },
  },
  {
    files: ['src/lib/**/*.ts', 'src/db/**/*.ts'],
    ignores: ['src/db/schema/index.ts'],
    rules: { 'no-restricted-imports': restrict(modules) },
  },
  {
    files: ['src/modules/**/*.ts'],
    plugins: { manyi },
    rules: { 'manyi/no-module-cycle': ['error', { root }] },
  },
);

import { defineConfig } from 'drizzle-kit';

// Generates SQL migrations into migrations/ from the drizzle tables. Generated files are committed and
// never edited once applied; hand-written SQL (extensions, triggers) goes in `--custom` migrations.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});

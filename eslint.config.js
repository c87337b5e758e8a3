import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'migrations', 'openapi', 'dist', '.tap'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'drizzle-orm/pg-core', message: 'tables live in src/db/schema' }] }],
    },
  },
  {
    files: ['src/db/**', 'src/modules/**/repository.ts', 'src/modules/**/*.repository.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'migrations', 'openapi', 'dist', '.tap'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Drizzle belongs to the repositories: services, routes and resolvers never build queries.
    files: ['src/modules/**/*.ts'],
    ignores: ['src/modules/**/*repository*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'drizzle-orm', message: 'queries live in repository files' }], patterns: [{ group: ['drizzle-orm/*'], message: 'queries live in repository files' }] },
      ],
    },
  },
);

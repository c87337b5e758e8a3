'use strict';
/* global require, exports -- CommonJS: ts-node require()s its transpiler */
/* eslint-disable @typescript-eslint/no-require-imports */
// A ts-node "transpiler" for tap (see .taprc `tsconfig` and test/tsconfig.tap.json): esbuild, the compiler tsx uses
// for `npm start`, turns each test and source file into JavaScript in about a millisecond, where ts-node's own
// transpile-only mode builds a TypeScript program per file and spent ~6 s of CPU per test file on the source tree.
// Types are still checked by `npx tsc --noEmit`; this only strips them.
const { dirname } = require('node:path');
// esbuild comes with tsx (a devDependency); resolve it through tsx so a non-hoisted install still finds it.
const { transformSync } = require(require.resolve('esbuild', { paths: [dirname(require.resolve('tsx'))] }));

exports.create = function create({ nodeModuleEmitKind }) {
  const format = nodeModuleEmitKind === 'nodecjs' ? 'cjs' : 'esm';
  return {
    transpile(input, { fileName }) {
      const { code, map } = transformSync(input, {
        loader: fileName.endsWith('.tsx') ? 'tsx' : 'ts',
        format,
        target: 'es2022',
        sourcemap: 'external',
        sourcefile: fileName,
        // As tsconfig.json: verbatimModuleSyntax keeps imports as written; ES2022 class fields are [[Define]].
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
      });
      return { outputText: code, sourceMapText: map };
    },
  };
};

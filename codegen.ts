// Typed GraphQL documents for the clients of this service: the tests, the example integrator scripts, and the sync
// console's browser code (src/console-web/client).
// Run by `npm run generate` (and so by `npm install`).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  // ESM: generated files import each other with extensions.
  emitLegacyCommonJSImports: false,
  generates: {
    'test/generated/': {
      documents: ['test/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts', '!test/generated/**'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string' },
      },
    },
    // The console's documents only, as plain strings: the browser bundle needs no GraphQL library to send them.
    'src/console-web/generated/': {
      documents: ['src/console-web/client/**/*.ts'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string' },
      },
    },
  },
};

export default config;

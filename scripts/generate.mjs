// `npm run generate`: the Prisma client and Pothos types, then the typed GraphQL client documents. Offline.
// Generation never runs Prisma's schema engine, but the CLI insists on finding one and would otherwise try to
// download it from a host these machines cannot reach (see ../shared/TOOLCHAIN.md).
import { execFileSync } from 'node:child_process';

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/true',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
execFileSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env });
execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], { stdio: 'inherit', env });

// `npm run generate`: the Prisma client and Pothos types, then the typed GraphQL client documents. Offline.
// Generation never runs Prisma's schema engine, but the CLI insists on finding one and would otherwise try to
// download it from a host these machines cannot reach (see ../shared/TOOLCHAIN.md).
// Run by postinstall: an install of the built service (`npm ci --omit=dev` next to dist/) has neither the sources nor
// the generators, and needs nothing generated, so it is skipped there.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
function installed(name) {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}
if (!existsSync('src') || !installed('prisma') || !installed('@graphql-codegen/cli')) {
  console.log('generate: skipped (a built install: no sources or no development packages)');
  process.exit(0);
}

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/true',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
execFileSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env });
execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], { stdio: 'inherit', env });

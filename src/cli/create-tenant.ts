// `npm run tenant:create -- <slug> [display name]` (deployed: `node dist/cli/create-tenant.js`): creates a tenant
// and prints its first ADMIN API key (shown once); `-- --system` prints a platform SYSTEM key. Mistakes are one
// line and exit 2; never a stack.
import { parseArgs } from 'node:util';
import { createApiKey } from '../auth/api-keys.ts';
import { slugProblem } from '../auth/tenant-claim.ts';
import { ConfigError, EXIT_CONFIG, environment, readConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';

const HELP = `Usage: npm run tenant:create -- <slug> [display name]
       npm run tenant:create -- --system

Creates a tenant in the database the service uses (same variables: DATABASE_URL, DATA_DIR, .env) and prints its
first ADMIN API key, shown once. With --system, prints a platform-wide SYSTEM key instead.

  <slug>   2 to 63 lower-case letters, digits or dashes, starting with a letter or digit (e.g. acme)

Exit status: 0 created, 2 usage error or the slug is taken, ${EXIT_CONFIG} configuration refused, 1 other failure.
`;

function fail(message: string, code = 2): never {
  console.error(`tenant:create: ${message}`);
  process.exit(code);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      system: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  fail(`${(error as Error).message}\n${HELP}`);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const [slug, ...nameParts] = positionals;
if (!values.system && !slug) fail(`give a tenant slug\n\n${HELP}`);
if (values.system && slug) fail('--system takes no slug');
const problem = slug ? slugProblem(slug) : undefined;
if (problem) fail(`"${slug}" is not a valid slug: ${problem}`);

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(environment());
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, EXIT_CONFIG);
  throw error;
}
const db = await openDatabase(config).catch((error: Error) =>
  fail(`cannot open the database: ${error.message}`, 1),
);
try {
  if (values.system) {
    const { key } = await createApiKey(db.prisma, { tenantId: null, role: 'SYSTEM', name: 'platform key' });
    console.log(`SYSTEM key: ${key}`);
  } else {
    if (await db.prisma.tenant.findUnique({ where: { slug: slug! } }))
      fail(`a tenant "${slug}" already exists`);
    const tenant = await db.prisma.tenant.create({
      data: { slug: slug!, name: nameParts.join(' ') || slug! },
    });
    const { key } = await createApiKey(db.prisma, {
      tenantId: tenant.id,
      role: 'ADMIN',
      name: 'first admin key',
    });
    console.log(`tenant ${tenant.slug} (${tenant.id})\nADMIN key: ${key}`);
  }
} catch (error) {
  fail((error as Error).message.split('\n').filter(Boolean).at(-1) ?? 'failed', 1);
} finally {
  await db.close();
}

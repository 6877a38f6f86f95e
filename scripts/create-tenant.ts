// Creates a tenant and prints its first ADMIN API key (shown once). Also: `--system` prints a platform SYSTEM key.
// Usage: npm run tenant:create -- <slug> [display name]     npm run tenant:create -- --system
import { createApiKey } from '../src/auth/api-keys.ts';
import { slugProblem } from '../src/auth/tenant-claim.ts';
import { readConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open.ts';

const [slug, ...nameParts] = process.argv.slice(2);
if (!slug) {
  console.error(
    'usage: npm run tenant:create -- <slug> [display name]   |   npm run tenant:create -- --system',
  );
  process.exit(2);
}
const db = await openDatabase(readConfig());
try {
  if (slug === '--system') {
    const { key } = await createApiKey(db.prisma, { tenantId: null, role: 'SYSTEM', name: 'platform key' });
    console.log(`SYSTEM key: ${key}`);
  } else {
    const problem = slugProblem(slug);
    if (problem) throw new Error(problem);
    const tenant = await db.prisma.tenant.create({ data: { slug, name: nameParts.join(' ') || slug } });
    const { key } = await createApiKey(db.prisma, {
      tenantId: tenant.id,
      role: 'ADMIN',
      name: 'first admin key',
    });
    console.log(`tenant ${tenant.slug} (${tenant.id})\nADMIN key: ${key}`);
  }
} finally {
  await db.close();
}

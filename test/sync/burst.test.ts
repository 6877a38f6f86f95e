// A burst on a freshly started service: concurrent recordChat, on PostgreSQL and on the embedded PGlite (`npm test`:
// 100 at once; `npm run test:burst`: 1,000, as BURST_CHATS says). Every
// answer is a success (or, under real overload, the coded retryable SERVICE_UNAVAILABLE that a client repeats),
// never a masked error; every chat ends SYNCED, exactly once in Salesforce.
import { afterEach, describe, expect, it } from 'vitest';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

const BURST = Number(process.env.BURST_CHATS ?? 100);
const at = '2026-11-28T08:00:00.000Z';

const Record = `mutation BurstRecord($input: RecordChatInput!) {
  recordChat(input: $input) { __typename ... on MutationRecordChatSuccess { data { id } } }
}`;

let org: ConnectedTenant | undefined;
afterEach(async () => {
  await org?.close();
  org = undefined;
});

async function burst(env: Record<string, string>) {
  org = await startConnectedTenant({ env, sync: { pollingIntervalSeconds: 0.2 } });
  const unexpected: string[] = [];
  let unavailable = 0;
  const recordOne = async (i: number): Promise<void> => {
    const input = {
      chatId: `burst-${i}`,
      event: 'ENDED',
      visitor: { name: `Visitor ${i}`, email: `burst-${i}@example.com` },
      startedAt: at,
      endedAt: at,
    };
    for (;;) {
      const response = await fetch(`${org!.service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org!.keys.INTEGRATION}` },
        body: JSON.stringify({ query: Record, variables: { input } }),
      });
      const body = (await response.json()) as {
        data?: { recordChat?: { __typename: string } };
        errors?: Array<{ extensions?: { code?: string } }>;
      };
      if (body.data?.recordChat?.__typename === 'MutationRecordChatSuccess') return;
      if (response.status === 503 && body.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE') {
        // The answer a client can act on: wait as told and send again.
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        unavailable++;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      unexpected.push(`${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      return;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: BURST }, (_, i) => recordOne(i)));
  const accepted = Date.now() - started;
  expect(unexpected).toEqual([]);

  const prisma = org.service.app.db.prisma;
  const deadline = Date.now() + 120_000;
  let synced = 0;
  while (Date.now() < deadline) {
    synced = await prisma.syncRecord.count({ where: { tenantId: org.tenantId, status: 'SYNCED' } });
    if (synced === BURST) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(synced).toBe(BURST);
  expect(await prisma.syncRecord.count({ where: { tenantId: org.tenantId } })).toBe(BURST);
  // Exactly once: one Task per chat, one Lead per visitor.
  expect(await org.sandbox.control.records('Task')).toHaveLength(BURST);
  expect(await org.sandbox.control.records('Lead')).toHaveLength(BURST);
  console.log(
    `${env.DATABASE_URL === '' ? 'PGlite' : 'PostgreSQL'}: ${BURST} recordChat accepted in ${accepted} ms ` +
      `(${unavailable} SERVICE_UNAVAILABLE, repeated), all synced ${Date.now() - started} ms after the first`,
  );
}

describe('a burst of recordChat on a freshly started service', () => {
  it(`PostgreSQL: ${BURST} at once, no unexpected error, every chat synced exactly once`, async () => {
    await burst({});
  }, 240_000);

  it(`embedded PGlite: ${BURST} at once, no unexpected error, every chat synced exactly once`, async () => {
    await burst({ DATABASE_URL: '' });
  }, 240_000);
});

// The API budget: usage is read from every Salesforce response and shown in salesforceApiUsage; past 80 % of the
// daily limit the updates of matched Contacts wait while Cases still go, past 95 % everything waits (nothing fails),
// and a raised limit lets everything through.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishMapping } from '../../src/sync/mapping-versions.ts';
import { graphql } from '../generated/gql.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

const ApiUsage = graphql(`
  query BudgetApiUsage($refresh: Boolean) {
    salesforceApiUsage(refresh: $refresh) {
      used
      limit
      remaining
      share
      state
      waiting
      updatedAt
    }
  }
`);

const BudgetRecord = graphql(`
  query BudgetSyncRecord($id: ID!) {
    syncRecord(id: $id) {
      status
      attempts
      lastErrorCode
      lastError
    }
  }
`);

const supportYaml = readFileSync(
  path.resolve(import.meta.dirname, '../../mappings/defaults/support.yaml'),
  'utf8',
);

let org: ConnectedTenant;
beforeAll(async () => {
  org = await startConnectedTenant({ sync: { budgetRecheckSeconds: 1 } });
  await publishMapping(org.service.app.db.prisma, {
    tenantId: org.tenantId,
    yaml: supportYaml,
    author: 'test',
  });
  await org.sandbox.control.setSettings({ dailyApiLimit: 1000 });
});
afterAll(() => org?.close());

const at = '2026-11-25T13:00:00.000Z';
const chat = (chatId: string, visitor: Record<string, string>) =>
  org.recordChat({
    chatId,
    event: 'ENDED',
    visitor,
    agent: { id: 'b1', email: 'nobody@acme.example' },
    startedAt: at,
    endedAt: at,
    messages: [{ at, from: 'VISITOR', text: 'My order is late' }],
    waitSeconds: 20,
  });
const usage = async (refresh = false) =>
  (await org.service.client(org.keys.AGENT).request(ApiUsage, { refresh })).salesforceApiUsage;
const recordOf = async (id: string) =>
  (await org.service.client(org.keys.AGENT).request(BudgetRecord, { id })).syncRecord!;
const total = async () => (await org.sandbox.control.apiCalls()).total;

/** Spends `calls` of the org's daily API calls from another app of the same org, as the org's other integrations
 *  do (refresh: true is rate-limited, so it cannot be the tool). */
async function spendApiCalls(calls: number) {
  const app = {
    clientId: 'other-integration',
    clientSecret: 'other-secret',
    callbackUrls: ['http://localhost/cb'],
  };
  await org.sandbox.control.createConnectedApp(app).catch(() => undefined);
  const authorize = new URL('/services/oauth2/authorize', org.sandbox.url);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: app.callbackUrls[0]!,
  }).toString();
  const location = (await fetch(authorize, { redirect: 'manual' })).headers.get('location')!;
  const code = new URL(location).searchParams.get('code')!;
  const token = (await (
    await fetch(new URL('/services/oauth2/token', org.sandbox.url), {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uri: app.callbackUrls[0]!,
      }),
    })
  ).json()) as { access_token: string };
  for (let i = 0; i < calls; i++) {
    const response = await fetch(new URL('/services/data/v62.0/limits', org.sandbox.url), {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(response.status).toBe(200);
  }
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, seconds = 20): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("a tenant's Salesforce API budget", () => {
  let deferredUpdate: string;
  let atLimit: string;

  it('shows the usage Salesforce reports with each response', async () => {
    const record = await chat('budget-ok', { name: 'Olga Ok', email: 'olga@example.com' });
    expect(record.status).toBe('SYNCED');
    const seen = await usage();
    expect(seen).toMatchObject({ limit: 1000, state: 'OK', waiting: 0 });
    expect(seen!.used).toBe(await total());
    expect(seen!.remaining).toBe(1000 - seen!.used);
    expect(seen!.share).toBeCloseTo(seen!.used / 1000);
  });

  it('above 80 %, writes the Case but holds back the update of the matched Contact, and says why', async () => {
    // Enough calls that a few more keep the share between 80 and 95 %.
    await spendApiCalls(Math.max(0, 40 - (await total())));
    const used = await total();
    await org.sandbox.control.setSettings({ dailyApiLimit: Math.floor((used + 1) / 0.8) });
    const { id: contactId } = await org.sandbox.control.insert('Contact', {
      LastName: 'Known',
      Email: 'known@example.com',
    });
    const record = await chat('budget-low', { name: 'Known', email: 'known@example.com', phone: '555-0142' });
    deferredUpdate = record.id;
    expect(record.status).toBe('PENDING');
    expect(record.lastErrorCode).toBe('API_BUDGET');
    expect(record.lastError).toContain('Contact update waits for the Salesforce API budget');
    expect(await org.sandbox.control.records('Case', { ContactId: contactId })).toHaveLength(1);
    expect((await org.sandbox.control.record('Contact', contactId)).Phone ?? null).toBeNull();
    expect(await usage()).toMatchObject({ state: 'LOW_PRIORITY_DEFERRED', waiting: 1 });
  });

  it('at the limit, writes nothing and fails nothing: the chat waits and shows why', async () => {
    await org.sandbox.control.setSettings({ dailyApiLimit: await total() });
    const record = await chat('budget-full', { name: 'Fay Full', email: 'fay@example.com' });
    atLimit = record.id;
    expect(record.status).toBe('PENDING');
    expect(record.lastErrorCode).toBe('API_BUDGET');
    expect(record.lastError).toContain('Waiting for the Salesforce API budget');
    expect(await org.sandbox.control.records('Contact', { Email: 'fay@example.com' })).toEqual([]);
    // Looked at again and again while the budget is spent, still neither failed nor dead.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    for (const id of [atLimit, deferredUpdate])
      expect(await recordOf(id)).toMatchObject({ status: 'PENDING', lastErrorCode: 'API_BUDGET' });
    expect(await usage()).toMatchObject({ state: 'ALL_DEFERRED', waiting: 2 });
  });

  it('resumes everything once the limit is raised', async () => {
    await org.sandbox.control.setSettings({ dailyApiLimit: 100_000 });
    for (const id of [atLimit, deferredUpdate]) {
      const record = await eventually(
        () => recordOf(id),
        (r) => r.status === 'SYNCED',
      );
      expect(record).toMatchObject({ status: 'SYNCED', lastErrorCode: null });
    }
    const [fay] = await org.sandbox.control.records('Contact', { Email: 'fay@example.com' });
    expect(await org.sandbox.control.records('Case', { ContactId: fay.Id })).toHaveLength(1);
    const [known] = await org.sandbox.control.records('Contact', { Email: 'known@example.com' });
    expect(known.Phone).toBe('555-0142');
    expect(await org.sandbox.control.records('Case', { ContactId: known.Id })).toHaveLength(1);
    expect(await usage()).toMatchObject({ limit: 100_000, state: 'OK', waiting: 0 });
  });
});

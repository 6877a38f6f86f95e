// Salesforce failures: transient ones are retried until synced, never duplicated; the org refusing the data
// dead-letters the chat with Salesforce's code until retrySync; a lost connection pauses the tenant, losing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/gql.ts';
import { TestBrowser } from '../support/browser.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

const SyncRecordQuery = graphql(`
  query FaultsSyncRecord($id: ID!) {
    syncRecord(id: $id) {
      ...SyncRecordFields
    }
  }
`);

const RetrySync = graphql(`
  mutation FaultsRetrySync($id: ID!) {
    retrySync(id: $id) {
      __typename
      ... on MutationRetrySyncSuccess {
        data {
          status
          attempts
        }
      }
    }
  }
`);

const DeadRecords = graphql(`
  query FaultsDeadRecords {
    syncRecords(status: [DEAD], first: 10) {
      edges {
        node {
          sourceId
          lastErrorCode
        }
      }
    }
  }
`);

const StartReconnect = graphql(`
  mutation FaultsReconnect {
    startSalesforceConnection(configuration: SYSTEM) {
      ... on MutationStartSalesforceConnectionSuccess {
        data {
          authorizationUrl
        }
      }
    }
  }
`);

let org: ConnectedTenant;

beforeAll(async () => {
  org = await startConnectedTenant({ sync: { pollingIntervalSeconds: 0.5 } });
});
afterAll(() => org?.close());

const at = '2026-11-25T07:00:00.000Z';
const chat = (chatId: string, email: string) => ({
  chatId,
  event: 'ENDED' as const,
  visitor: { name: chatId, email },
  startedAt: at,
  endedAt: at,
  waitSeconds: 25,
});

async function statusOf(id: string) {
  const result = await org.service.client(org.keys.AGENT).request(SyncRecordQuery, { id });
  return result.syncRecord!;
}

async function settle(
  id: string,
  seconds = 25,
  final = ['SYNCED', 'DEAD', 'WAITING_FOR_CONNECTION', 'NEEDS_REVIEW'],
) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const record = await statusOf(id);
    if (final.includes(record.status) || Date.now() > deadline) return record;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function oneLeadOneTask(email: string) {
  const leads = await org.sandbox.control.records('Lead', { Email: email });
  expect(leads).toHaveLength(1);
  expect(await org.sandbox.control.records('Task', { WhoId: leads[0].Id })).toHaveLength(1);
}

describe('transient failures', () => {
  it('retries a row lock until the chat is synced', async () => {
    await org.sandbox.control.setFaults({ lockRows: 1 });
    const record = await settle(
      (await org.recordChat({ ...chat('fault-lock', 'lock@example.com'), waitSeconds: 0 })).id,
    );
    expect(record.status).toBe('SYNCED');
    expect(record.attempts).toBeGreaterThanOrEqual(2);
    await oneLeadOneTask('lock@example.com');
  });

  it('retries through a burst of 503s and an exhausted API limit', async () => {
    await org.sandbox.control.setFaults({ fail503: 2 });
    const a = await org.recordChat({ ...chat('fault-503', 'unavailable@example.com'), waitSeconds: 0 });
    expect((await settle(a.id)).status).toBe('SYNCED');
    await oneLeadOneTask('unavailable@example.com');

    await org.sandbox.control.setFaults({ requestLimitAfter: 0 });
    const b = await org.recordChat({ ...chat('fault-limit', 'limit@example.com'), waitSeconds: 3 });
    expect(b.status).toBe('RETRYING');
    expect(b.lastErrorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    await org.sandbox.control.setFaults({ requestLimitAfter: null });
    expect((await settle(b.id)).status).toBe('SYNCED');
    await oneLeadOneTask('limit@example.com');
  });

  it('never duplicates when the org committed a write whose answer was lost', async () => {
    await org.sandbox.control.setFaults({ loseResponses: 1 });
    const record = await settle(
      (await org.recordChat({ ...chat('fault-lost', 'lost@example.com'), waitSeconds: 0 })).id,
    );
    expect(record.status).toBe('SYNCED');
    await oneLeadOneTask('lost@example.com');
  });
});

describe('data the org refuses', () => {
  it("dead-letters the chat with Salesforce's code, lists it, and syncs it on retrySync once the org is fixed", async () => {
    // The admin deleted a field the mapping writes: the org refuses every Task until it is back.
    await org.sandbox.control.setSettings({ removedFields: ['Task.ActivityDate'] });
    const refused = await org.recordChat(chat('fault-invalid', 'invalid@example.com'));
    expect(refused.status).toBe('DEAD');
    expect(refused.lastErrorCode).toBe('INVALID_FIELD');
    expect(refused.lastError).toContain('ActivityDate');
    expect(refused.attempts).toBe(1);
    const dead = await org.service.client(org.keys.AGENT).request(DeadRecords);
    expect(dead.syncRecords.edges.map((e) => e.node.sourceId)).toContain('fault-invalid');

    await org.sandbox.control.setSettings({ removedFields: [] });
    const retried = await org.service.client(org.keys.AGENT).request(RetrySync, { id: refused.id });
    expect(retried.retrySync).toMatchObject({ data: { status: 'PENDING', attempts: 0 } });
    expect((await settle(refused.id)).status).toBe('SYNCED');
    await oneLeadOneTask('invalid@example.com');
  });
});

describe('a tenant whose Salesforce connection is lost', () => {
  it('keeps its chats waiting, and syncs them once an admin reconnects', async () => {
    await org.sandbox.control.revokeRefreshTokens();
    await org.sandbox.control.expireAccessTokens();
    const record = await org.recordChat(chat('fault-reauth', 'reauth@example.com'));
    expect(record.status).toBe('WAITING_FOR_CONNECTION');
    expect(await org.sandbox.control.records('Lead', { Email: 'reauth@example.com' })).toHaveLength(0);

    const started = await org.service.client(org.keys.ADMIN).request(StartReconnect);
    const url = (started.startSalesforceConnection as { data: { authorizationUrl: string } }).data
      .authorizationUrl;
    await new TestBrowser().open(url);
    // Reconnecting queues the waiting chat again; until then it still reads WAITING_FOR_CONNECTION.
    expect((await settle(record.id, 25, ['SYNCED', 'DEAD'])).status).toBe('SYNCED');
    await oneLeadOneTask('reauth@example.com');
  });
});

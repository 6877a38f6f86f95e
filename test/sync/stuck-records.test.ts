// No chat is ever stuck without a reason and a next time: a tenant-level failure (the active mapping does not
// compile, the org cannot be reached) shows a coded status on every waiting chat and resumes once the cause is
// fixed; a chat whose job was lost, or whose worker died mid-write, is taken up again by the sweeper within seconds
// (not after the job's expiry).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_QUEUE } from '../../src/sync/queue.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

const RecordQuery = `query StuckRecord($id: ID!) {
  syncRecord(id: $id) { status attempts lastErrorCode lastError nextAttemptAt }
}`;
const Publish = `mutation StuckPublish($yaml: String!) { publishMapping(yaml: $yaml) { __typename } }`;

interface View {
  status: string;
  attempts: number;
  lastErrorCode: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

let org: ConnectedTenant;

beforeAll(async () => {
  // Job expiry far away: only the sweeper can explain a prompt recovery.
  org = await startConnectedTenant({
    sync: {
      jobExpireSeconds: 600,
      leaseSeconds: 3,
      wakeSeconds: 2,
      sweepIntervalSeconds: 0.5,
      blockedRecheckSeconds: 2,
    },
  });
});
afterAll(() => org?.close());

const at = '2026-11-28T07:00:00.000Z';
const chat = (chatId: string, email: string, waitSeconds = 0) => ({
  chatId,
  event: 'ENDED' as const,
  visitor: { name: chatId, email },
  startedAt: at,
  endedAt: at,
  waitSeconds,
});

async function view(id: string): Promise<View> {
  const result = await org.service.client(org.keys.AGENT).request<{ syncRecord: View }>(RecordQuery, {
    id: id.includes('-') ? encodeGlobalID('SyncRecord', id) : id,
  });
  return result.syncRecord;
}

async function until(id: string, check: (record: View) => boolean, seconds = 20): Promise<View> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const record = await view(id);
    if (check(record) || Date.now() > deadline) return record;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function oneTask(email: string) {
  const leads = await org.sandbox.control.records('Lead', { Email: email });
  expect(leads).toHaveLength(1);
  expect(await org.sandbox.control.records('Task', { WhoId: leads[0].Id })).toHaveLength(1);
}

describe('tenant-level failures', () => {
  it('a mapping that no longer compiles: chats wait with MAPPING_INVALID and a next time, and sync once a valid one is published', async () => {
    const prisma = org.service.app.db.prisma;
    // As after an upgrade that no longer accepts the stored mapping: the active version does not compile.
    await org.service
      .client(org.keys.INTEGRATION)
      .request(
        `mutation { recordChat(input: { chatId: "warmup", event: ENDED, visitor: { email: "warm@example.com" }, startedAt: "${at}", endedAt: "${at}", waitSeconds: 10 }) { __typename } }`,
      );
    await prisma.mappingVersion.updateMany({
      where: { tenantId: org.tenantId, active: true },
      data: { yaml: 'version: 1\nobjects: [broken', hash: 'broken-hash' },
    });
    const recorded = await org.recordChat(chat('mapping-broken', 'mapping@example.com', 5));
    expect(recorded).toMatchObject({ status: 'RETRYING', lastErrorCode: 'MAPPING_INVALID', attempts: 0 });
    const waiting = await view(recorded.id);
    expect(waiting.lastError).toMatch(/mapping does not compile/);
    expect(Date.parse(waiting.nextAttemptAt!)).toBeGreaterThan(Date.now() - 5000);
    // Looked at again (and still waiting) rather than failed or dead.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await view(recorded.id)).toMatchObject({ status: 'RETRYING', lastErrorCode: 'MAPPING_INVALID' });

    const yaml = readFileSync(
      path.resolve(import.meta.dirname, '../../mappings/defaults/sales.yaml'),
      'utf8',
    );
    const published = await org.service
      .client(org.keys.ADMIN)
      .request<{ publishMapping: { __typename: string } }>(Publish, { yaml: `${yaml}\n# fixed\n` });
    expect(published.publishMapping.__typename).toBe('MutationPublishMappingSuccess');
    expect((await until(recorded.id, (r) => r.status === 'SYNCED', 10)).status).toBe('SYNCED');
    await oneTask('mapping@example.com');
  });

  it('Salesforce unreachable: chats show RETRYING with the network code and a next time, spend no attempt, and sync once it is back', async () => {
    await org.sandbox.control.setFaults({ dropConnections: 10_000 });
    const recorded = await org.recordChat(chat('sf-down', 'down@example.com'));
    // jsforce itself retries a dropped connection 5 times (about 16 s) before the call fails.
    const down = await until(recorded.id, (r) => r.status === 'RETRYING', 40);
    expect(down).toMatchObject({ status: 'RETRYING', lastErrorCode: 'ECONNRESET', attempts: 0 });
    expect(down.nextAttemptAt).not.toBeNull();
    expect(down.lastError).toMatch(/could not be reached/);
    // Still down a few attempts later: waiting, never dead-lettered.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await view(recorded.id)).status).toMatch(/RETRYING|RUNNING/);

    await org.sandbox.control.setFaults({ dropConnections: 0 });
    expect((await until(recorded.id, (r) => r.status === 'SYNCED', 30)).status).toBe('SYNCED');
    await oneTask('down@example.com');
  });
});

describe('lost jobs and dead workers', () => {
  /** A chat stored as ingest stores it, with a job that never ran: lost, or held by a worker that died. */
  async function storeWithoutWork(chatId: string, email: string, state: 'lost' | 'worker died') {
    const prisma = org.service.app.db.prisma;
    const template = await prisma.syncEvent.findFirstOrThrow({
      where: { syncRecord: { tenantId: org.tenantId } },
    });
    const payload = {
      ...(template.payload as Record<string, unknown>),
      id: chatId,
      visitor: { name: chatId, email },
    };
    const record = await prisma.syncRecord.create({
      data: {
        tenantId: org.tenantId,
        sourceKind: 'CHAT',
        sourceId: chatId,
        visitorKey: `email:${email}`,
        // Lost: due since a moment ago. Worker died: RUNNING, its lease ran out a moment ago.
        status: state === 'lost' ? 'PENDING' : 'RUNNING',
        attempts: state === 'lost' ? 0 : 1,
        nextAttemptAt: new Date(Date.now() - 1000),
        events: { create: { kind: template.kind, dedupeKey: `test:${chatId}`, payload } },
      },
    });
    if (state === 'worker died') {
      // The dead worker's job is still active in the queue, as after a SIGKILL: one visitor, one active job.
      const boss = org.service.app.services.sync.boss;
      const key = `${org.tenantId}:email:${email}`;
      await boss.send(SYNC_QUEUE, { tenantId: org.tenantId, key }, { singletonKey: key });
      await org.service.app.db.sql.query(
        `UPDATE pgboss.job SET state = 'active', started_on = now() - interval '1 minute'
          WHERE name = $1 AND singleton_key = $2`,
        [SYNC_QUEUE, key],
      );
    }
    return record;
  }

  it('a chat whose job was lost is synced by the sweeper', async () => {
    const record = await storeWithoutWork('job-lost', 'lost-job@example.com', 'lost');
    const started = Date.now();
    expect((await until(record.id, (r) => r.status === 'SYNCED', 15)).status).toBe('SYNCED');
    expect(Date.now() - started).toBeLessThan(15_000);
    await oneTask('lost-job@example.com');
  });

  it('a chat held by a worker that died is taken over once its lease ran out, within seconds', async () => {
    const record = await storeWithoutWork('worker-died', 'died@example.com', 'worker died');
    const started = Date.now();
    expect((await until(record.id, (r) => r.status === 'SYNCED', 15)).status).toBe('SYNCED');
    // Far below the job's expiry (600 s): the sweeper failed the dead worker's job and queued a new one.
    expect(Date.now() - started).toBeLessThan(15_000);
    await oneTask('died@example.com');
  });
});

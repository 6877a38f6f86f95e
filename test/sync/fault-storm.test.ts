// A storm of the org's failures while chats keep coming: expired sessions, 503 bursts, an exhausted API limit,
// row locks, dropped connections, lost responses and latency spikes. Everything is synced in the end, nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

let org: ConnectedTenant;
beforeAll(async () => {
  org = await startConnectedTenant({ sync: { pollingIntervalSeconds: 0.5, batchSize: 10 } });
});
afterAll(() => org?.close());

const CHATS = 40;
const VISITORS = 25;

describe('a fault storm', () => {
  it('ends with every chat in Salesforce exactly once', async () => {
    const storm = [
      () => org.sandbox.control.expireAccessTokens(),
      () => org.sandbox.control.setFaults({ fail503: 3 }),
      () => org.sandbox.control.setFaults({ requestLimitAfter: 2 }),
      () => org.sandbox.control.setFaults({ requestLimitAfter: null, lockRows: 3 }),
      () => org.sandbox.control.setFaults({ dropConnections: 2 }),
      () => org.sandbox.control.setFaults({ loseResponses: 2 }),
      () => org.sandbox.control.setFaults({ latencyMs: 300, latencyJitterMs: 300 }),
      () => org.sandbox.control.setFaults({ latencyMs: 0, latencyJitterMs: 0 }),
    ];
    const recorded: Promise<unknown>[] = [];
    for (let i = 0; i < CHATS; i++) {
      recorded.push(
        org.recordChat({
          chatId: `storm-${i}`,
          event: 'ENDED',
          visitor: { name: `Storm ${i % VISITORS}`, email: `storm${i % VISITORS}@example.com` },
          startedAt: '2026-11-25T05:00:00Z',
          endedAt: '2026-11-25T05:01:00Z',
          messages: [{ at: '2026-11-25T05:00:00Z', from: 'VISITOR', text: `storm chat ${i}` }],
        }),
      );
      if (i % 5 === 4) {
        await storm[(i / 5) | 0]!();
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
    await Promise.all(recorded);
    await org.sandbox.control.setFaults({ latencyMs: 0, latencyJitterMs: 0, requestLimitAfter: null });

    const prisma = org.service.app.db.prisma;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const open = await prisma.syncRecord.count({
        where: { status: { in: ['PENDING', 'RUNNING', 'RETRYING'] } },
      });
      if (open === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // Every fault of the storm is transient: none may have been dead-lettered (no retrySync helps here).
    const dead = await prisma.syncRecord.findMany({
      where: { status: 'DEAD' },
      select: { sourceId: true, lastErrorCode: true, lastError: true, attempts: true },
    });
    expect(dead, 'transient faults dead-lettered').toEqual([]);
    expect(await prisma.syncRecord.groupBy({ by: ['status'], _count: true })).toEqual([
      { status: 'SYNCED', _count: CHATS },
    ]);
    const leads = await org.sandbox.control.records('Lead');
    expect(leads).toHaveLength(VISITORS);
    const tasks = await org.sandbox.control.records('Task');
    expect(tasks).toHaveLength(CHATS);
    for (let i = 0; i < CHATS; i++) {
      expect(
        tasks.filter((task) => task.Description?.includes(`Chat ID: storm-${i}\n`)),
        `chat ${i}`,
      ).toHaveLength(1);
    }
  }, 150_000);
});

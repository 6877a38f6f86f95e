// What the sync console reads beyond a record's state, over GraphQL against the sandbox: the visitor (from the
// chat's latest event, searchable), the events received, the plans carried out with each step's outcome, and the
// API use per day (calls sent, the org's used/limit, chats written, calls per chat).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/gql.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

const History = graphql(`
  query HistorySyncRecord($id: ID!, $events: Int, $plans: Int) {
    syncRecord(id: $id) {
      status
      visitor {
        name
        email
        phone
      }
      eventCount
      events(last: $events) {
        kind
        eventId
        receivedAt
        appliedAt
        summary
      }
      carriedOutPlans(last: $plans) {
        at
        steps {
          ref
          object
          operation
          outcome
          salesforceId
          url
          errorCode
          message
        }
      }
      objects {
        role
        salesforceId
      }
    }
  }
`);

const ByVisitor = graphql(`
  query HistoryByVisitor($visitor: String) {
    syncRecords(first: 50, visitor: $visitor) {
      edges {
        node {
          sourceId
          visitor {
            name
          }
        }
      }
    }
  }
`);

const UsageHistory = graphql(`
  query HistoryApiUsage($days: Int!) {
    apiUsageHistory(days: $days) {
      date
      calls
      used
      limit
      share
      chatsWritten
      callsPerChat
    }
    salesforceApiUsage {
      used
      limit
    }
  }
`);

const salesYaml = readFileSync(
  path.resolve(import.meta.dirname, '../../mappings/defaults/sales.yaml'),
  'utf8',
);
const at = '2026-11-28T10:00:00.000Z';

let org: ConnectedTenant;
beforeAll(async () => {
  org = await startConnectedTenant({ slug: 'history-co' });
  await org.useMapping(salesYaml);
});
afterAll(() => org?.close());

const client = () => org.service.client(org.keys.AGENT);
const history = async (id: string, events?: number, plans?: number) =>
  (await client().request(History, { id, events, plans })).syncRecord!;
const agent = { id: 'h1', name: 'Grace', email: 'nobody@history.example' };

describe('the sync history the console reads', () => {
  let adaId: string;
  let bobId: string;

  it("names the visitor from the chat's latest event, keeping what it left out", async () => {
    const started = await org.recordChat({
      chatId: 'history-ada',
      event: 'STARTED',
      eventId: 'evt-ada-1',
      visitor: { name: 'Ada Lovelace', email: 'ada@history.example' },
      agent,
      startedAt: at,
      waitSeconds: 20,
    });
    expect(started.status).toBe('SYNCED');
    adaId = started.id;
    const ended = await org.recordChat({
      chatId: 'history-ada',
      event: 'ENDED',
      visitor: { firstName: 'Ada', lastName: 'King', phone: '+44 20 7946 0001' },
      agent,
      startedAt: at,
      endedAt: at,
      messages: [
        { at, from: 'VISITOR', text: 'Hello' },
        { at, from: 'AGENT', text: 'Hi Ada' },
      ],
      waitSeconds: 20,
    });
    expect(ended.status).toBe('SYNCED');
    expect((await history(adaId)).visitor).toEqual({
      name: 'Ada King',
      email: 'ada@history.example',
      phone: '+44 20 7946 0001',
    });
  });

  it('finds chats by part of the visitor’s name, email or phone, whatever the case', async () => {
    bobId = (
      await org.recordChat({
        chatId: 'history-bob',
        event: 'STARTED',
        visitor: { name: 'Bob Stone', email: 'bob@history.example' },
        agent,
        startedAt: at,
        waitSeconds: 20,
      })
    ).id;
    const found = async (visitor: string | null) =>
      (await client().request(ByVisitor, { visitor })).syncRecords.edges.map((e) => e.node.sourceId).sort();
    expect(await found('KING')).toEqual(['history-ada']);
    expect(await found('7946 0001')).toEqual(['history-ada']);
    expect(await found('@history.EXAMPLE')).toEqual(['history-ada', 'history-bob']);
    expect(await found('nobody-like-this')).toEqual([]);
    expect(await found(null)).toEqual(['history-ada', 'history-bob']);
    await expect(found('x'.repeat(201))).rejects.toThrow(/visitor is at most 200 characters/);
  });

  it('lists the events received, newest first, bounded by last', async () => {
    const record = await history(adaId);
    expect(record.eventCount).toBe(2);
    expect(record.events.map((e) => [e.kind, e.eventId, e.summary])).toEqual([
      ['chat.ended', null, '2 messages, agent Grace'],
      ['chat.started', 'evt-ada-1', 'agent Grace'],
    ]);
    expect(record.events.every((e) => e.appliedAt)).toBe(true);
    expect((await history(adaId, 1)).events.map((e) => e.kind)).toEqual(['chat.ended']);
  });

  it('shows each plan carried out with the records it wrote, newest first', async () => {
    const record = await history(adaId);
    const ids = Object.fromEntries(record.objects.map((o) => [o.role, o.salesforceId]));
    expect(record.carriedOutPlans).toHaveLength(2);
    const [second, first] = record.carriedOutPlans;
    expect(Date.parse(second!.at)).toBeGreaterThanOrEqual(Date.parse(first!.at));
    // The chat's start created its Lead and Task; its end updated the Task (and the Lead with the new name).
    expect(first!.steps.map((s) => [s.ref, s.object, s.operation, s.outcome, s.salesforceId])).toEqual(
      expect.arrayContaining([
        ['lead', 'Lead', 'CREATE', 'WRITTEN', ids.lead],
        ['task', 'Task', 'CREATE', 'WRITTEN', ids.task],
      ]),
    );
    expect(second!.steps).toContainEqual(
      expect.objectContaining({
        object: 'Task',
        operation: 'UPDATE',
        outcome: 'WRITTEN',
        salesforceId: ids.task,
      }),
    );
    const task = first!.steps.find((s) => s.ref === 'task')!;
    expect(task.url).toMatch(new RegExp(`/lightning/r/Task/${ids.task}/view$`));
    expect((await history(adaId, undefined, 1)).carriedOutPlans).toHaveLength(1);
  });

  it('shows what Salesforce refused in a plan carried out', async () => {
    await org.sandbox.control.setSettings({ removedFields: ['Task.ActivityDate'] });
    try {
      const refused = await org.recordChat({
        chatId: 'history-refused',
        event: 'ENDED',
        visitor: { name: 'Cy Refused', email: 'cy@history.example' },
        agent,
        startedAt: at,
        endedAt: at,
        waitSeconds: 20,
      });
      expect(refused.status).toBe('DEAD');
      const [plan] = (await history(refused.id)).carriedOutPlans;
      const task = plan!.steps.find((s) => s.object === 'Task')!;
      expect(task).toMatchObject({ operation: 'CREATE', outcome: 'FAILED', salesforceId: null });
      expect(task.errorCode).toBe(refused.lastErrorCode);
      expect(task.message).toContain('ActivityDate');
    } finally {
      await org.sandbox.control.setSettings({ removedFields: [] });
    }
  });

  it('reads a stored plan field by field, leaving out entries that are not steps', async () => {
    const prisma = org.service.app.db.prisma;
    const bob = await prisma.syncRecord.findFirstOrThrow({ where: { sourceId: 'history-bob' } });
    await prisma.syncWrite.create({
      data: {
        tenantId: org.tenantId,
        syncRecordId: bob.id,
        at: new Date(Date.now() + 60_000),
        steps: [
          'not a step',
          { ref: 'task', object: 'Task', operation: 'delete', outcome: 'written' },
          { ref: 'task', object: 'Task', operation: 'update', outcome: 'written', salesforceId: 42 },
        ],
      },
    });
    const [newest] = (await history(bobId)).carriedOutPlans;
    expect(newest!.steps).toEqual([
      expect.objectContaining({
        ref: 'task',
        operation: 'UPDATE',
        outcome: 'WRITTEN',
        salesforceId: null,
        url: null,
      }),
    ]);
  });

  it('counts the API calls sent per day, with the org’s used/limit, chats written and calls per chat', async () => {
    const { apiUsageHistory: days, salesforceApiUsage: now } = await client().request(UsageHistory, {
      days: 3,
    });
    const today = new Date().toISOString().slice(0, 10);
    expect(days.map((d) => d.date)).toEqual([
      new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10),
      new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
      today,
    ]);
    expect(days[0]).toEqual({
      date: days[0]!.date,
      calls: 0,
      used: null,
      limit: null,
      share: null,
      chatsWritten: 0,
      callsPerChat: null,
    });
    const day = days[2]!;
    // Every REST call this tenant's org received came from this service, today.
    expect(day.calls).toBeGreaterThan(0);
    expect(day.calls).toBe((await org.sandbox.control.apiCalls()).total);
    // ada, bob and the refused chat.
    expect(day.chatsWritten).toBe(3);
    expect(day.callsPerChat).toBeCloseTo(day.calls / 3);
    expect(day.limit).toBe(now!.limit);
    expect(day.used).toBeGreaterThan(0);
    expect(day.used).toBeLessThanOrEqual(now!.used);
    expect(day.share).toBeCloseTo(day.used! / day.limit!);
  });

  it('refuses a history longer than 90 days', async () => {
    await expect(client().request(UsageHistory, { days: 91 })).rejects.toThrow(/days is 1 to 90/);
  });
});

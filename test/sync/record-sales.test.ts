// The seed's sales setup (the default mapping): visitors become Leads, chats and conversations become Tasks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

let org: ConnectedTenant;
let agentUserId: string;

beforeAll(async () => {
  org = await startConnectedTenant();
  agentUserId = (await org.sandbox.control.createUser({ username: 'sam@acme.example', email: 'sam@acme.example', lastName: 'Agent' })).id;
});
afterAll(() => org?.close());

const started = '2026-11-25T10:00:00.000Z';
const ended = '2026-11-25T10:12:00.000Z';

describe('web chat, sales setup', () => {
  it('creates a Lead for a new visitor and the whole chat as a Task under it, owned by the agent', async () => {
    const record = await org.recordChat({
      chatId: 'chat-new-1',
      event: 'ENDED',
      channel: 'Website',
      visitor: { name: 'Ada Lovelace', email: 'Ada@Example.com ', phone: '+44 20 7946 0001', company: 'Engines Ltd' },
      agent: { id: 'a1', name: 'Sam', email: 'sam@acme.example' },
      startedAt: started,
      endedAt: ended,
      messages: [
        { at: started, from: 'VISITOR', name: 'Ada', text: 'Do you ship to London?' },
        { at: ended, from: 'AGENT', name: 'Sam', text: 'Yes, in three days.' },
      ],
      notes: 'Wants the premium plan',
      wrapUp: 'Sales enquiry',
      customFields: [{ key: 'Plan', value: 'Premium' }],
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    const leads = await org.sandbox.control.records('Lead');
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      LastName: 'Ada Lovelace',
      Email: 'ada@example.com',
      Phone: '+44 20 7946 0001',
      Company: 'Engines Ltd',
      OwnerId: agentUserId,
    });
    const tasks = await org.sandbox.control.records('Task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ WhoId: leads[0].Id, OwnerId: agentUserId, Status: 'Completed', ActivityDate: '2026-11-25' });
    expect(tasks[0].Subject).toBe(`Chat with Ada Lovelace via Website (${org.tenantId})`);
    for (const line of ['Chat ID: chat-new-1', 'Start Time: 2026-11-25 10:00:00 UTC', 'End Time: 2026-11-25 10:12:00 UTC', 'Note: Wants the premium plan', 'Agent Wrap-up: Sales enquiry', 'Plan: Premium', 'Do you ship to London?', 'Yes, in three days.']) {
      expect(tasks[0].Description).toContain(line);
    }
    expect(record.objects.map((o) => [o.role, o.sobjectType])).toEqual([
      ['lead', 'Lead'],
      ['task', 'Task'],
    ]);
    expect(record.objects[0]!.url).toBe(`${org.sandbox.url}/lightning/r/Lead/${leads[0].Id}/view`);
  });
});

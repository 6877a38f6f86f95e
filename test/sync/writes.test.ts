// How the product writes to an org as strict as a real one: type chunks in sObject Collections, create-only fields,
// converted Leads, expired sessions, and answers lost after the org committed the write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/gql.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

const SyncRecordQuery = graphql(`
  query WritesSyncRecord($id: ID!) {
    syncRecord(id: $id) {
      ...SyncRecordFields
    }
  }
`);

// Web chats as Leads with Tasks, inbox conversations as Contacts with Cases: one tenant, both shapes in one write.
const MIXED = `
version: 1
name: mixed
mode: automatic
sections:
  webChat: { record: sales, recordOn: [chat.started], contentOn: [chat.ended] }
  inbox: { record: support, recordOn: [conversation.started], contentOn: [conversation.ended] }
identification:
  Lead:
    rules:
      - name: lead-by-email
        all: [{ field: Email, source: visitor.email, normalize: email }]
  Contact:
    rules:
      - name: contact-by-email
        all: [{ field: Email, source: visitor.email, normalize: email }]
objects:
  Lead:
    LastName: { source: [visitor.lastName, visitor.name], default: "[not provided]", onOverflow: truncate }
    Company: { source: visitor.company, default: "[not provided]", onOverflow: truncate }
    Email: { source: visitor.email, onOverflow: skip }
  Contact:
    LastName: { source: [visitor.lastName, visitor.name], default: "[not provided]", onOverflow: truncate }
    Email: { source: visitor.email, onOverflow: skip }
  Task:
    Subject: { template: "Chat with {{ visitor.name | default: 'visitor' }}", onOverflow: truncate }
    Description: { template: "{{ chat.transcript }}", onOverflow: attach }
  Case:
    Subject: { template: "Conversation {{ chat.id }}", onOverflow: truncate }
    SuppliedName: { source: [visitor.name, visitor.lastName], onOverflow: truncate }
    SuppliedEmail: { source: visitor.email, onOverflow: skip }
    Description: { template: "{{ chat.transcript }}", onOverflow: attach }
attachments:
  attachTo: [Task, Case]
`;

// Visitors identified by phone only, as Leads with Tasks.
const SALES_BY_PHONE = `
version: 1
name: sales-by-phone
mode: automatic
sections:
  webChat: { record: sales, recordOn: [chat.started], contentOn: [chat.ended] }
  inbox: { record: none }
identification:
  Lead:
    rules:
      - name: lead-by-phone
        all: [{ field: Phone, source: visitor.phone, normalize: phone }]
    onMultiple: none
objects:
  Lead:
    LastName: { source: [visitor.lastName, visitor.name], default: "[not provided]", onOverflow: truncate }
    Company: { source: visitor.company, default: "[not provided]", onOverflow: truncate }
    Phone: { source: visitor.phone, onOverflow: skip }
  Task:
    Subject: { template: "Chat with {{ visitor.name | default: 'visitor' }}", onOverflow: truncate }
    Description: { template: "{{ chat.transcript }}", onOverflow: attach }
`;

let org: ConnectedTenant;

beforeAll(async () => {
  org = await startConnectedTenant({ sync: { pollingIntervalSeconds: 0.5 } });
});
afterAll(() => org?.close());

const at = '2026-11-26T07:00:00.000Z';

async function settle(id: string, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const { syncRecord } = await org.service.client(org.keys.AGENT).request(SyncRecordQuery, { id });
    if (['SYNCED', 'DEAD', 'NEEDS_REVIEW'].includes(syncRecord!.status) || Date.now() > deadline)
      return syncRecord!;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('sObject Collections', () => {
  it('syncs a burst of 24 mixed chats (Leads and Contacts in one write) without exceeding 10 type chunks', async () => {
    await org.useMapping(MIXED);
    const ids = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        i % 2 === 0
          ? org
              .recordChat({
                chatId: `burst-chat-${i}`,
                event: 'ENDED',
                visitor: { name: `Web ${i}`, email: `web${i}@burst.example` },
                startedAt: at,
                endedAt: at,
                waitSeconds: 0,
              })
              .then((r) => r.id)
          : org
              .recordConversation({
                conversationId: `burst-conv-${i}`,
                event: 'ENDED',
                visitor: { lastName: `Inbox ${i}`, email: `inbox${i}@burst.example` },
                startedAt: at,
                endedAt: at,
                messages: [{ at, from: 'VISITOR', text: `hello ${i}` }],
                waitSeconds: 0,
              })
              .then((r) => r.id),
      ),
    );
    const records = await Promise.all(ids.map((id) => settle(id)));
    expect(records.map((r) => r.status)).toEqual(ids.map(() => 'SYNCED'));
    for (let i = 0; i < 24; i++) {
      if (i % 2 === 0) {
        const [lead] = await org.sandbox.control.records('Lead', { Email: `web${i}@burst.example` });
        expect(await org.sandbox.control.records('Task', { WhoId: lead.Id })).toHaveLength(1);
      } else {
        const [contact] = await org.sandbox.control.records('Contact', { Email: `inbox${i}@burst.example` });
        expect(await org.sandbox.control.records('Case', { ContactId: contact.Id })).toHaveLength(1);
      }
    }
  });
});

describe('create-only fields', () => {
  it('lands the transcript of a conversation whose start and end come as separate events (Supplied* sent on create only)', async () => {
    await org.useMapping(MIXED);
    const visitor = { lastName: 'Separate', email: 'separate@create-only.example' };
    const started = await org.recordConversation({
      conversationId: 'create-only-1',
      event: 'STARTED',
      visitor,
      startedAt: at,
      waitSeconds: 20,
    });
    expect(started.status).toBe('SYNCED');
    const ended = await org.recordConversation({
      conversationId: 'create-only-1',
      event: 'ENDED',
      visitor,
      startedAt: at,
      endedAt: at,
      messages: [{ at, from: 'VISITOR', text: 'the transcript that must land' }],
      waitSeconds: 20,
    });
    expect(ended.status).toBe('SYNCED');
    const [contact] = await org.sandbox.control.records('Contact', { Email: visitor.email });
    const cases = await org.sandbox.control.records('Case', { ContactId: contact.Id });
    expect(cases).toHaveLength(1);
    expect(cases[0].Description).toContain('the transcript that must land');
    expect(cases[0].SuppliedName).toBe('Separate');
  });
});

describe('lost answers', () => {
  it('never duplicates the Lead of a visitor with neither email nor phone when the answer was lost (issue 16.6)', async () => {
    await org.useMapping(MIXED);
    await org.sandbox.control.setFaults({ loseResponses: 1 });
    const record = await settle(
      (
        await org.recordChat({
          chatId: 'lost-anonymous',
          event: 'ENDED',
          visitor: { name: 'Nameless Lost' },
          startedAt: at,
          endedAt: at,
          waitSeconds: 0,
        })
      ).id,
    );
    expect(record.status).toBe('SYNCED');
    expect(record.attempts).toBeGreaterThan(1);
    const leads = await org.sandbox.control.records('Lead', { LastName: 'Nameless Lost' });
    expect(leads).toHaveLength(1);
    const tasks = await org.sandbox.control.records('Task', { Subject: 'Chat with Nameless Lost' });
    expect(tasks).toHaveLength(1);
    expect(tasks[0].WhoId).toBe(leads[0].Id);
    expect(record.objects.find((o) => o.role === 'lead')?.salesforceId).toBe(leads[0].Id);
  });

  it('adopts the Task its own lost write made, not the one another uncertain chat of the visitor lost', async () => {
    await org.useMapping(MIXED);
    const { prisma } = org.service.app.db;
    const chat = async (chatId: string, text: string) =>
      settle(
        (
          await org.recordChat({
            chatId,
            event: 'ENDED',
            visitor: { name: 'Twin Lost', email: 'twin.lost@example.com' },
            startedAt: at,
            endedAt: at,
            messages: [{ at, from: 'VISITOR', text }],
            waitSeconds: 0,
          })
        ).id,
      );
    // The other chat first: its Task is the older of two with the same Subject and WhoId.
    const other = await chat('twin-other', 'the other chat');
    const own = await chat('twin-own', 'this chat');
    const taskOf = (record: { objects: Array<{ role: string; salesforceId: string }> }) =>
      record.objects.find((o) => o.role === 'task')?.salesforceId;
    expect(taskOf(own)).toBeTruthy();
    // Both written, neither recorded (a crash): the other chat waits for an agent, this one is tried again.
    const records = await prisma.syncRecord.findMany({
      where: { sourceId: { in: ['twin-own', 'twin-other'] } },
    });
    const ids = records.map((r) => r.id);
    await prisma.syncObject.deleteMany({ where: { syncRecordId: { in: ids }, sobjectType: 'Task' } });
    await prisma.syncRecord.updateMany({
      where: { id: { in: ids } },
      data: { inflightAt: new Date(Date.now() - 60_000) },
    });
    await prisma.syncRecord.updateMany({
      where: { sourceId: 'twin-other' },
      data: { status: 'NEEDS_REVIEW' },
    });
    await org.service.app.services.sync.retry(records.find((r) => r.sourceId === 'twin-own')!.id);
    const again = await settle(own.id);
    expect(again.status).toBe('SYNCED');
    expect(taskOf(again)).toBe(taskOf(own));
    const tasks = await org.sandbox.control.records('Task', { Subject: 'Chat with Twin Lost' });
    expect(tasks).toHaveLength(2);
    expect(tasks.find((t) => t.Id === taskOf(other))?.Description).toContain('the other chat');
  });
});

describe('phone identification through the search index', () => {
  it('finds the Leads of several phone-only visitors in one search, whatever the formatting, and confirms each exactly', async () => {
    await org.useMapping(SALES_BY_PHONE);
    const existing = {
      a: (
        await org.sandbox.control.insert('Lead', {
          LastName: 'Phone A',
          Company: 'A',
          Phone: '(555) 201-3040',
        })
      ).id,
      b: (
        await org.sandbox.control.insert('Lead', {
          LastName: 'Phone B',
          Company: 'B',
          Phone: '+44 20 7946 0555',
        })
      ).id,
      // Shares the last digits of the search with a's number, but is another number: the exact check drops it.
      c: (
        await org.sandbox.control.insert('Lead', {
          LastName: 'Phone C',
          Company: 'C',
          Phone: '+49 555 201 3040',
        })
      ).id,
    };
    await org.sandbox.control.resetApiCalls();
    const visitors = [
      { chatId: 'sosl-a', phone: '+1 555-201-3040' },
      { chatId: 'sosl-b', phone: '+44-20-7946-0555' },
      { chatId: 'sosl-new', phone: '555 201 9999' },
    ];
    const records = await Promise.all(
      visitors.map(async (v) =>
        settle(
          (
            await org.recordChat({
              chatId: v.chatId,
              event: 'ENDED',
              visitor: { name: v.chatId, phone: v.phone },
              startedAt: at,
              endedAt: at,
              waitSeconds: 0,
            })
          ).id,
        ),
      ),
    );
    expect(records.map((r) => r.status)).toEqual(['SYNCED', 'SYNCED', 'SYNCED']);
    const whoOf = async (chatId: string) =>
      (await org.sandbox.control.records('Task', { Subject: `Chat with ${chatId}` }))[0]?.WhoId;
    expect(await whoOf('sosl-a')).toBe(existing.a);
    expect(await whoOf('sosl-b')).toBe(existing.b);
    const created = await org.sandbox.control.records('Lead', { LastName: 'sosl-new' });
    expect(created).toHaveLength(1);
    expect(await whoOf('sosl-new')).toBe(created[0].Id);
    const calls = await org.sandbox.control.apiCalls();
    expect(Object.keys(calls.byEndpoint).some((e) => /query/.test(e) && !/composite/.test(e))).toBe(false);
  });
});

describe('converted Leads and expired sessions', () => {
  it('lands the Task on the Contact of a Lead converted since the last chat (the org refuses WhoId = converted Lead)', async () => {
    await org.useMapping(MIXED);
    const chat = (chatId: string) => ({
      chatId,
      event: 'ENDED' as const,
      visitor: { name: 'Later Converted', email: 'later@converted.example' },
      startedAt: at,
      endedAt: at,
      waitSeconds: 20,
    });
    expect((await org.recordChat(chat('converted-1'))).status).toBe('SYNCED');
    const [lead] = await org.sandbox.control.records('Lead', { Email: 'later@converted.example' });
    const { contactId } = await org.sandbox.control.convertLead(lead.Id);
    const second = await org.recordChat(chat('converted-2'));
    expect(second.status).toBe('SYNCED');
    const tasks = await org.sandbox.control.records('Task', { Subject: 'Chat with Later Converted' });
    expect(tasks.map((t) => t.WhoId).sort()).toEqual([lead.Id, contactId].sort());
    expect(await org.sandbox.control.records('Lead', { Email: 'later@converted.example' })).toHaveLength(1);
  });

  it('refreshes a session the org timed out and retries the write once, without a duplicate', async () => {
    await org.useMapping(MIXED);
    await org.sandbox.control.setSettings({ sessionTimeoutMinutes: 15 });
    try {
      // Warm the connection, then let the session idle past the org's timeout.
      expect(
        (
          await org.recordChat({
            chatId: 'session-warm',
            event: 'ENDED',
            visitor: { name: 'Warm', email: 'warm@session.example' },
            startedAt: at,
            endedAt: at,
            waitSeconds: 20,
          })
        ).status,
      ).toBe('SYNCED');
      const tokenCalls = await org.sandbox.control.tokenCalls();
      await org.sandbox.control.advanceClock(16 * 60_000);
      const record = await org.recordChat({
        chatId: 'session-expired',
        event: 'ENDED',
        visitor: { name: 'After Timeout', email: 'after@session.example' },
        startedAt: at,
        endedAt: at,
        waitSeconds: 20,
      });
      expect(record.status).toBe('SYNCED');
      expect(record.attempts).toBe(1);
      expect(await org.sandbox.control.tokenCalls()).toBe(tokenCalls + 1);
      const leads = await org.sandbox.control.records('Lead', { Email: 'after@session.example' });
      expect(leads).toHaveLength(1);
      expect(await org.sandbox.control.records('Task', { WhoId: leads[0].Id })).toHaveLength(1);
    } finally {
      await org.sandbox.control.setSettings({ sessionTimeoutMinutes: 120 });
    }
  });
});

describe('duplicate rules', () => {
  for (const key of ['duplicateResut', 'duplicateResult'] as const) {
    it(`lands the chat on the record a duplicate rule matched, the answer spelled ${key}`, async () => {
      await org.useMapping(MIXED);
      const company = `Dup ${key}`;
      const { id } = await org.sandbox.control.insert('Lead', { LastName: 'First', Company: company });
      await org.sandbox.control.setSettings({
        duplicateResultKey: key,
        duplicateRules: [{ object: 'Lead', fields: ['Company'], action: 'block' }],
      });
      try {
        const record = await org.recordChat({
          chatId: `dup-${key}`,
          event: 'ENDED',
          visitor: { name: 'Second', email: `second-${key}@dup.example`, company },
          startedAt: at,
          endedAt: at,
          waitSeconds: 20,
        });
        expect(record.status).toBe('SYNCED');
        expect(await org.sandbox.control.records('Lead', { Company: company })).toHaveLength(1);
        expect(await org.sandbox.control.records('Task', { WhoId: id })).toHaveLength(1);
      } finally {
        await org.sandbox.control.setSettings({ duplicateRules: [], duplicateResultKey: 'duplicateResut' });
      }
    });
  }
});

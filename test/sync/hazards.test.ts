// Real-org behaviours that bite connectors, switched on in the sandbox, and what the product does about them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

let org: ConnectedTenant;
let agentUserId: string;
let queueUserId: string;

beforeAll(async () => {
  org = await startConnectedTenant();
  agentUserId = (
    await org.sandbox.control.createUser({
      username: 'ops@acme.example',
      email: 'ops@acme.example',
      lastName: 'Ops',
    })
  ).id;
  queueUserId = (
    await org.sandbox.control.createUser({
      username: 'queue@acme.example',
      email: 'queue@acme.example',
      lastName: 'Queue',
    })
  ).id;
});
afterAll(() => org?.close());

const agent = { id: 'o1', email: 'ops@acme.example' };
const at = '2026-11-25T08:00:00.000Z';
const chat = (chatId: string, visitor: Record<string, string>) => ({
  chatId,
  event: 'ENDED' as const,
  visitor,
  agent,
  startedAt: at,
  endedAt: at,
  waitSeconds: 20,
});

describe('real-org hazards', () => {
  it('keeps the owner it chose when assignment rules are on (every write says Sforce-Auto-Assign: FALSE)', async () => {
    await org.sandbox.control.setSettings({ assignmentRules: { Lead: queueUserId, Case: queueUserId } });
    try {
      const record = await org.recordChat(
        chat('hazard-assign', { name: 'Owner Kept', email: 'kept@example.com' }),
      );
      expect(record.status).toBe('SYNCED');
      const [lead] = await org.sandbox.control.records('Lead', { Email: 'kept@example.com' });
      expect(lead.OwnerId).toBe(agentUserId);
    } finally {
      await org.sandbox.control.setSettings({ assignmentRules: null });
    }
  });

  it('links to the record a duplicate rule names instead of failing or creating another', async () => {
    const { id } = await org.sandbox.control.insert('Lead', {
      LastName: 'Existing',
      Company: 'Dup Corp',
      Email: 'first@dup.example',
    });
    await org.sandbox.control.setSettings({
      duplicateRules: [{ object: 'Lead', fields: ['Company'], action: 'block' }],
    });
    try {
      const record = await org.recordChat(
        chat('hazard-duplicate', { name: 'Second', email: 'second@dup.example', company: 'Dup Corp' }),
      );
      expect(record.status).toBe('SYNCED');
      expect(await org.sandbox.control.records('Lead', { Company: 'Dup Corp' })).toHaveLength(1);
      expect(await org.sandbox.control.records('Task', { WhoId: id })).toHaveLength(1);
    } finally {
      await org.sandbox.control.setSettings({ duplicateRules: [] });
    }
  });

  it('follows a converted Lead to its Contact', async () => {
    const { id } = await org.sandbox.control.insert('Lead', {
      LastName: 'Converted',
      Company: 'Conv Inc',
      Email: 'conv@example.com',
    });
    const { contactId } = await org.sandbox.control.convertLead(id);
    const record = await org.recordChat(
      chat('hazard-converted', { name: 'Converted', email: 'conv@example.com' }),
    );
    expect(record.status).toBe('SYNCED');
    expect(await org.sandbox.control.records('Task', { WhoId: contactId })).toHaveLength(1);
    expect(await org.sandbox.control.records('Task', { WhoId: id })).toHaveLength(0);
    expect(await org.sandbox.control.records('Lead', { Email: 'conv@example.com' })).toHaveLength(1);
  });

  it('escapes SOQL metacharacters in identifying values and still finds the visitor', async () => {
    const email = "o'brien\\%_@example.com";
    const { id } = await org.sandbox.control.insert('Lead', {
      LastName: "O'Brien",
      Company: 'Q',
      Email: email,
    });
    await org.sandbox.control.insert('Lead', {
      LastName: 'Wildcard',
      Company: 'Q',
      Email: 'obrienXYZ@example.com',
    });
    const record = await org.recordChat(chat('hazard-soql', { name: "O'Brien", email }));
    expect(record.status).toBe('SYNCED');
    expect(await org.sandbox.control.records('Task', { WhoId: id })).toHaveLength(1);
  });
});

describe('exactly once', () => {
  it('ignores a repeated delivery of the same event', async () => {
    const input = {
      ...chat('once-repeat', { name: 'Repeat', email: 'repeat@example.com' }),
      eventId: 'delivery-1',
    };
    const first = await org.recordChat(input);
    const second = await org.recordChat(input);
    expect(second.id).toBe(first.id);
    const [lead] = await org.sandbox.control.records('Lead', { Email: 'repeat@example.com' });
    expect(await org.sandbox.control.records('Task', { WhoId: lead.Id })).toHaveLength(1);
    const withoutId = chat('once-repeat-2', { name: 'Repeat', email: 'repeat@example.com' });
    await org.recordChat(withoutId);
    await org.recordChat(withoutId);
    expect(await org.sandbox.control.records('Task', { WhoId: lead.Id })).toHaveLength(2);
  });

  it('updates the same Task when a chat is replayed with more content', async () => {
    await org.recordChat(chat('once-replay', { name: 'Replay', email: 'replay@example.com' }));
    const again = await org.recordChat({
      ...chat('once-replay', { name: 'Replay', email: 'replay@example.com' }),
      notes: 'Added later',
    });
    expect(again.status).toBe('SYNCED');
    const [lead] = await org.sandbox.control.records('Lead', { Email: 'replay@example.com' });
    const tasks = await org.sandbox.control.records('Task', { WhoId: lead.Id });
    expect(tasks).toHaveLength(1);
    expect(tasks[0].Description).toContain('Note: Added later');
  });

  it('makes one Lead of a new visitor who starts two chats at once', async () => {
    const visitor = { name: 'Twice', email: 'twice@example.com' };
    const [a, b] = await Promise.all([
      org.recordChat(chat('once-concurrent-a', visitor)),
      org.recordChat(chat('once-concurrent-b', visitor)),
    ]);
    expect([a.status, b.status]).toEqual(['SYNCED', 'SYNCED']);
    const leads = await org.sandbox.control.records('Lead', { Email: 'twice@example.com' });
    expect(leads).toHaveLength(1);
    expect(await org.sandbox.control.records('Task', { WhoId: leads[0].Id })).toHaveLength(2);
  });
});

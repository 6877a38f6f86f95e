// The seed's support setup: visitors become Contacts, chats and conversations become Cases, and a matched Contact
// is updated by the tenant's policy (never / overwrite / only fill blanks).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

const supportYaml = readFileSync(
  path.resolve(import.meta.dirname, '../../mappings/defaults/support.yaml'),
  'utf8',
);
const withPolicy = (policy: string) =>
  supportYaml.replace(/overwrite:\n {2}default: \w+/, `overwrite:\n  default: ${policy}`);

let org: ConnectedTenant;
let agentUserId: string;

beforeAll(async () => {
  org = await startConnectedTenant();
  agentUserId = await org.createAgent('kim@acme.example', 'Kim');
  await org.useMapping(supportYaml);
});
afterAll(() => org?.close());
beforeEach(() => org.sandbox.control.resetApiCalls());

const started = '2026-11-25T09:00:00.000Z';
const ended = '2026-11-25T09:20:00.000Z';
const agent = { id: 'k1', name: 'Kim', email: 'kim@acme.example' };

describe('new visitors', () => {
  it('creates a Contact and the chat as a Case under it, owned by the agent, in 2 calls', async () => {
    const record = await org.recordChat({
      chatId: 'support-new-1',
      event: 'ENDED',
      channel: 'Website',
      visitor: {
        name: 'Margaret Hamilton',
        email: 'margaret@apollo.example',
        phone: '555-0199',
        company: 'MIT',
      },
      agent,
      startedAt: started,
      endedAt: ended,
      messages: [{ at: started, from: 'VISITOR', text: 'The guidance computer restarts' }],
      notes: 'Escalate to engineering',
      waitSeconds: 20,
    });
    expect([record.status, record.lastErrorCode, record.lastError]).toEqual(['SYNCED', null, null]);
    const [contact] = await org.sandbox.control.records('Contact', { Email: 'margaret@apollo.example' });
    expect(contact).toMatchObject({ LastName: 'Margaret Hamilton', Phone: '555-0199', OwnerId: agentUserId });
    const cases = await org.sandbox.control.records('Case', { ContactId: contact.Id });
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      Subject: `Website chat (acme)`,
      Origin: 'Web',
      SuppliedName: 'Margaret Hamilton',
      SuppliedEmail: 'margaret@apollo.example',
      SuppliedPhone: '555-0199',
      SuppliedCompany: 'MIT',
      OwnerId: agentUserId,
    });
    expect(cases[0].Description).toContain('The guidance computer restarts');
    expect(cases[0].Description).toContain('Note: Escalate to engineering');
    expect((await org.sandbox.control.apiCalls()).total).toBe(2);
  });

  it('records an inbox conversation as a Case with origin Email and its attachments as files on the Case', async () => {
    const pdf = Buffer.from('%PDF-1.4 invoice').toString('base64');
    const png = Buffer.from('PNG screenshot bytes').toString('base64');
    const record = await org.recordConversation({
      conversationId: 'support-conv-1',
      event: 'ENDED',
      subject: 'Refund request',
      visitor: { lastName: 'Lamarr', email: 'hedy@example.net' },
      agent,
      startedAt: started,
      endedAt: ended,
      messages: [{ at: started, from: 'VISITOR', text: 'Please refund order 42' }],
      attachments: [
        { name: 'invoice.pdf', contentType: 'application/pdf', base64: pdf },
        { name: 'screen.png', contentType: 'image/png', base64: png },
      ],
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    const [contact] = await org.sandbox.control.records('Contact', { Email: 'hedy@example.net' });
    const [kase] = await org.sandbox.control.records('Case', { ContactId: contact.Id });
    expect(kase).toMatchObject({
      Origin: 'Email',
      Subject: `Refund request - Website conversation (acme)`,
    });
    const links = await org.sandbox.control.records('ContentDocumentLink', { LinkedEntityId: kase.Id });
    const versions = await org.sandbox.control.records('ContentVersion');
    const titles = versions
      .filter((v) => links.some((l) => l.ContentDocumentId === v.ContentDocumentId))
      .map((v) => v.Title)
      .sort();
    expect(titles).toEqual(['invoice.pdf', 'screen.png']);
    // Contact, Case and both files: still one identification read and one composite write.
    expect((await org.sandbox.control.apiCalls()).total).toBe(2);
  });

  it('truncates an over-long transcript in the Case description and attaches the whole of it as a file', async () => {
    const long = 'x'.repeat(40_000);
    const record = await org.recordChat({
      chatId: 'support-long-1',
      event: 'ENDED',
      visitor: { name: 'Long Talker', email: 'long@example.com' },
      agent,
      startedAt: started,
      endedAt: ended,
      messages: [{ at: started, from: 'VISITOR', text: long }],
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    const [contact] = await org.sandbox.control.records('Contact', { Email: 'long@example.com' });
    const [kase] = await org.sandbox.control.records('Case', { ContactId: contact.Id });
    expect(kase.Description.length).toBeLessThanOrEqual(32_000);
    expect(kase.Description).toContain(
      '[Transcript truncated: the full transcript is attached as support-long-1-transcript.txt]',
    );
    const [link] = await org.sandbox.control.records('ContentDocumentLink', { LinkedEntityId: kase.Id });
    const [version] = await org.sandbox.control.records('ContentVersion', {
      ContentDocumentId: link.ContentDocumentId,
    });
    expect(version.Title).toBe('support-long-1-transcript.txt');
    expect(Buffer.from(version.VersionData, 'base64').toString()).toContain(long);
  });
});

describe('a visitor who is already a Contact', () => {
  it.each([
    ['never', { LastName: 'Old Name', Phone: null, Title: 'CTO' }],
    ['overwrite', { LastName: 'New Name', Phone: '555-7777', Title: 'CTO' }],
    ['fillBlanks', { LastName: 'Old Name', Phone: '555-7777', Title: 'CTO' }],
  ])(
    'under policy %s: updates the Contact accordingly and adds the Case under it',
    async (policy, expected) => {
      await org.useMapping(withPolicy(policy));
      const email = `known-${policy.toLowerCase()}@example.com`;
      const { id } = await org.sandbox.control.insert('Contact', {
        LastName: 'Old Name',
        Email: email,
        Title: 'CTO',
      });
      const record = await org.recordChat({
        chatId: `support-known-${policy}`,
        event: 'ENDED',
        visitor: { name: 'New Name', email, phone: '555-7777' },
        agent,
        startedAt: started,
        endedAt: ended,
        waitSeconds: 20,
      });
      expect(record.status).toBe('SYNCED');
      expect(await org.sandbox.control.record('Contact', id)).toMatchObject(expected);
      expect(await org.sandbox.control.records('Contact', { Email: email })).toHaveLength(1);
      expect(await org.sandbox.control.records('Case', { ContactId: id })).toHaveLength(1);
    },
  );
});

// The seed's sales setup (the default mapping): visitors become Leads, chats and conversations become Tasks.
// Every scenario also checks the Salesforce API calls it cost, as the org's daily limit counts them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql } from '../generated/gql.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';
import { graphqlError } from '../support/graphql-errors.ts';

const SetTenantCloudcxId = graphql(`
  mutation SalesSetTenantCloudcxId($tenantId: ID!, $cloudcxTenantId: String!) {
    setTenantCloudcxId(tenantId: $tenantId, cloudcxTenantId: $cloudcxTenantId) {
      __typename
      ... on MutationSetTenantCloudcxIdSuccess {
        data {
          cloudcxTenantId
        }
      }
    }
  }
`);
/** CloudCX's own id for the tenant: what the seed's "Tenant ID" means in Subjects. */
const CLOUDCX_TENANT_ID = 'cx-4711';

let org: ConnectedTenant;
let agentUserId: string;

beforeAll(async () => {
  org = await startConnectedTenant();
  agentUserId = await org.createAgent('sam@acme.example', 'Agent');
  const system = org.service.client(await org.service.systemKey());
  const set = await system.request(SetTenantCloudcxId, {
    tenantId: org.tenantId,
    cloudcxTenantId: CLOUDCX_TENANT_ID,
  });
  expect(set.setTenantCloudcxId).toMatchObject({ data: { cloudcxTenantId: CLOUDCX_TENANT_ID } });
});
afterAll(() => org?.close());
beforeEach(() => org.sandbox.control.resetApiCalls());

const started = '2026-11-25T10:00:00.000Z';
const ended = '2026-11-25T10:12:00.000Z';
const agent = { id: 'a1', name: 'Sam', email: 'sam@acme.example' };
const apiCalls = async () => (await org.sandbox.control.apiCalls()).total;

describe("CloudCX's tenant id", () => {
  it('is changed by SYSTEM only, checked, and unique', async () => {
    const admin = org.service.client(org.keys.ADMIN);
    const refused = await graphqlError(
      admin.request(SetTenantCloudcxId, { tenantId: org.tenantId, cloudcxTenantId: 'mine' }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    const system = org.service.client(await org.service.systemKey());
    const other = await org.service.createTenant('other-cx');
    const taken = await system.request(SetTenantCloudcxId, {
      tenantId: other.id,
      cloudcxTenantId: CLOUDCX_TENANT_ID,
    });
    expect(taken.setTenantCloudcxId).toMatchObject({ __typename: 'InvalidInputError' });
    const blank = await system.request(SetTenantCloudcxId, { tenantId: other.id, cloudcxTenantId: ' x' });
    expect(blank.setTenantCloudcxId).toMatchObject({ __typename: 'InvalidInputError' });
  });
});

describe('web chat, sales setup', () => {
  it('creates a Lead for a new visitor and the whole chat as a Task under it, owned by the agent, in 2 calls', async () => {
    const record = await org.recordChat({
      chatId: 'chat-new-1',
      event: 'ENDED',
      channel: 'Website',
      visitor: {
        name: 'Ada Lovelace',
        email: 'Ada@Example.com ',
        phone: '+44 20 7946 0001',
        company: 'Engines Ltd',
      },
      agent,
      startedAt: started,
      endedAt: ended,
      messages: [
        { at: started, from: 'VISITOR', name: 'Ada', text: 'Do you ship to London?' },
        { at: ended, from: 'AGENT', name: 'Sam', text: 'Yes, in three days.' },
      ],
      notes: 'Wants the premium plan',
      wrapUp: 'Sales enquiry',
      customFields: [{ key: 'Plan', value: 'Premium' }],
      customVariables: [{ key: 'utm_source', value: 'newsletter' }],
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    const leads = await org.sandbox.control.records('Lead', { Email: 'ada@example.com' });
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      LastName: 'Ada Lovelace',
      Phone: '+44 20 7946 0001',
      Company: 'Engines Ltd',
      OwnerId: agentUserId,
    });
    const tasks = await org.sandbox.control.records('Task', { WhoId: leads[0].Id });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ OwnerId: agentUserId, Status: 'Completed', ActivityDate: '2026-11-25' });
    expect(tasks[0].Subject).toBe(
      `Chat with Ada Lovelace <ada@example.com> via Website (${CLOUDCX_TENANT_ID})`,
    );
    for (const line of [
      'Chat ID: chat-new-1',
      'Start Time: 2026-11-25 10:00:00 UTC',
      'End Time: 2026-11-25 10:12:00 UTC',
      'Note: Wants the premium plan',
      'Agent Wrap-up: Sales enquiry',
      'Plan: Premium',
      'utm_source: newsletter',
      'Do you ship to London?',
      'Yes, in three days.',
    ]) {
      expect(tasks[0].Description).toContain(line);
    }
    expect(record.objects.map((o) => [o.role, o.sobjectType])).toEqual([
      ['lead', 'Lead'],
      ['task', 'Task'],
    ]);
    expect(record.objects[0]!.url).toBe(`${org.sandbox.url}/lightning/r/Lead/${leads[0].Id}/view`);
    expect(record.mappingVersion).toMatchObject({ version: 1 });
    expect(await apiCalls()).toBe(2);
  });

  it("adds a returning visitor's next chat as a Task under the same Lead, in 1 call", async () => {
    const record = await org.recordChat({
      chatId: 'chat-new-2',
      event: 'ENDED',
      visitor: { name: 'Ada Lovelace', email: 'ada@example.com' },
      agent,
      startedAt: started,
      endedAt: ended,
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    const leads = await org.sandbox.control.records('Lead', { Email: 'ada@example.com' });
    expect(leads).toHaveLength(1);
    expect(await org.sandbox.control.records('Task', { WhoId: leads[0].Id })).toHaveLength(2);
    expect(record.objects.map((o) => o.role)).toEqual(['task']);
    expect(await apiCalls()).toBe(1);
  });

  it('finds a Lead that already was in Salesforce by the identification rules and adds the Task under it', async () => {
    const { id } = await org.sandbox.control.insert('Lead', {
      LastName: 'Hopper',
      Company: 'Navy',
      Email: 'grace@navy.example',
      Phone: '555 0100',
    });
    const record = await org.recordChat({
      chatId: 'chat-known-1',
      event: 'ENDED',
      visitor: { name: 'Grace', email: ' GRACE@navy.example' },
      agent,
      startedAt: started,
      endedAt: ended,
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    expect(await org.sandbox.control.records('Lead', { Email: 'grace@navy.example' })).toHaveLength(1);
    expect(await org.sandbox.control.records('Task', { WhoId: id })).toHaveLength(1);
    expect(await apiCalls()).toBe(2);
  });

  it('writes a chat started and later ended as one Task, created at start and completed at the end', async () => {
    const first = await org.recordChat({
      chatId: 'chat-two-events',
      event: 'STARTED',
      channel: 'Website',
      visitor: { name: 'Linus', email: 'linus@kernel.example' },
      agent,
      startedAt: started,
      waitSeconds: 20,
    });
    expect(first.status).toBe('SYNCED');
    const [lead] = await org.sandbox.control.records('Lead', { Email: 'linus@kernel.example' });
    let tasks = await org.sandbox.control.records('Task', { WhoId: lead.Id });
    expect(tasks).toHaveLength(1);
    expect(tasks[0].Status).toBe('In Progress');
    const callsAtStart = await apiCalls();
    expect(callsAtStart).toBe(2);

    const second = await org.recordChat({
      chatId: 'chat-two-events',
      event: 'ENDED',
      visitor: { name: 'Linus', email: 'linus@kernel.example' },
      endedAt: ended,
      messages: [{ at: ended, from: 'VISITOR', text: 'Thanks, bye' }],
      waitSeconds: 20,
    });
    expect(second.status).toBe('SYNCED');
    tasks = await org.sandbox.control.records('Task', { WhoId: lead.Id });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      Status: 'Completed',
      Subject: `Chat with Linus <linus@kernel.example> via Website (${CLOUDCX_TENANT_ID})`,
    });
    expect(tasks[0].Description).toContain('Thanks, bye');
    // Target: separate start and end events add at most 1 call to the whole chat's 2.
    expect(await apiCalls()).toBeLessThanOrEqual(callsAtStart + 1);
  });

  it("makes the connecting user the owner when no Salesforce user has the agent's email", async () => {
    const record = await org.recordChat({
      chatId: 'chat-owner-fallback',
      event: 'OFFLINE_MESSAGE',
      visitor: { name: 'Alan', email: 'alan@bletchley.example' },
      agent: { id: 'a9', email: 'nobody@acme.example' },
      messages: [{ at: started, from: 'VISITOR', text: 'Call me back please' }],
      startedAt: started,
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    const [lead] = await org.sandbox.control.records('Lead', { Email: 'alan@bletchley.example' });
    expect(lead.OwnerId).toBe(org.connectingUserId);
    const [task] = await org.sandbox.control.records('Task', { WhoId: lead.Id });
    expect(task.OwnerId).toBe(org.connectingUserId);
    expect(task.Description).toContain('Call me back please');
  });
});

describe('attachments, sales setup', () => {
  it("attaches the chat's files to its Task, in the same 2 calls", async () => {
    const record = await org.recordChat({
      chatId: 'chat-files',
      event: 'ENDED',
      visitor: { name: 'Files', email: 'files@example.com' },
      agent,
      startedAt: started,
      endedAt: ended,
      attachments: [
        {
          name: 'quote.pdf',
          contentType: 'application/pdf',
          base64: Buffer.from('%PDF quote').toString('base64'),
        },
      ],
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    const [lead] = await org.sandbox.control.records('Lead', { Email: 'files@example.com' });
    const [task] = await org.sandbox.control.records('Task', { WhoId: lead.Id });
    const [link] = await org.sandbox.control.records('ContentDocumentLink', { LinkedEntityId: task.Id });
    const [version] = await org.sandbox.control.records('ContentVersion', {
      ContentDocumentId: link.ContentDocumentId,
    });
    expect(version.Title).toBe('quote.pdf');
    expect(Buffer.from(version.VersionData, 'base64').toString()).toBe('%PDF quote');
    expect(await apiCalls()).toBe(2);
  });
});

describe('inbox, sales setup', () => {
  it("records a new conversation as a Lead and a Task with the conversation's subject", async () => {
    const record = await org.recordConversation({
      conversationId: 'conv-1',
      event: 'ENDED',
      subject: 'Invoice question',
      visitor: {
        lastName: 'Turing',
        email: 'turing@example.org',
        phone: '+1 (555) 010-2000',
        company: 'ACE',
      },
      agent,
      startedAt: started,
      endedAt: ended,
      messages: [{ at: started, from: 'VISITOR', text: 'Where is my invoice?' }],
      notes: 'Sent a copy',
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    const [lead] = await org.sandbox.control.records('Lead', { Email: 'turing@example.org' });
    expect(lead).toMatchObject({
      LastName: 'Turing',
      Phone: '+1 (555) 010-2000',
      Company: 'ACE',
      OwnerId: agentUserId,
    });
    const [task] = await org.sandbox.control.records('Task', { WhoId: lead.Id });
    // Inbox: its Subject, not the email, goes into the Task's Subject (seed row "Email Address | Subject").
    expect(task.Subject).toBe(`Invoice question - Chat with Turing via Website (${CLOUDCX_TENANT_ID})`);
    expect(task.Description).toContain('Conversation ID: conv-1');
    expect(task.Description).toContain('Where is my invoice?');
    expect(task.Description).toContain('Note: Sent a copy');
  });
});

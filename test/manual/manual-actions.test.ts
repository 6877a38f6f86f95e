// Manual mode (the seed's "Manually Create Lead/Contact/Case/Task in Agent Console"): nothing is written until an
// agent acts; each action goes through the same mapping, owner rule and ledger as automatic mode, and is done once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql } from '../generated/gql.ts';
import {
  type ConnectedTenant,
  type SyncRecordView,
  startConnectedTenant,
} from '../support/connected-tenant.ts';
import { graphqlError } from '../support/graphql-errors.ts';

const read = (name: string) =>
  readFileSync(path.resolve(import.meta.dirname, `../../mappings/defaults/${name}.yaml`), 'utf8');
const between = (text: string, from: string, to: string) =>
  text.slice(text.indexOf(from) + from.length, text.indexOf(to));

/** The support setup in manual mode, with the sales setup's Lead identification and Lead and Task fields. */
function manualMapping(): string {
  const sales = read('sales');
  const support = read('support').replace('mode: automatic', 'mode: manual');
  const leadRules = between(sales, 'identification:\n', '\nobjects:');
  const leadAndTask = between(sales, 'objects:\n', '\noverwrite:');
  return support
    .replace('\nobjects:\n', `\n${leadRules}\nobjects:\n`)
    .replace('\noverwrite:', `\n${leadAndTask}\noverwrite:`);
}

const CreateLeadFromChat = graphql(`
  mutation ManualCreateLeadFromChat($input: ChatActionInput!) {
    createLeadFromChat(input: $input) {
      __typename
      ... on MutationCreateLeadFromChatSuccess { data { ...SyncRecordFields } }
      ... on Error { message }
    }
  }
`);
const CreateContactFromChat = graphql(`
  mutation ManualCreateContactFromChat($input: ChatActionInput!) {
    createContactFromChat(input: $input) {
      __typename
      ... on MutationCreateContactFromChatSuccess { data { ...SyncRecordFields } }
      ... on Error { message }
    }
  }
`);
const CreateTaskFromChat = graphql(`
  mutation ManualCreateTaskFromChat($input: ChatActionInput!) {
    createTaskFromChat(input: $input) {
      __typename
      ... on MutationCreateTaskFromChatSuccess { data { ...SyncRecordFields } }
      ... on Error { message }
    }
  }
`);
const CreateCaseFromChat = graphql(`
  mutation ManualCreateCaseFromChat($input: ChatActionInput!) {
    createCaseFromChat(input: $input) {
      __typename
      ... on MutationCreateCaseFromChatSuccess { data { ...SyncRecordFields } }
      ... on Error { message }
    }
  }
`);
const CreateLeadFromConversation = graphql(`
  mutation ManualCreateLeadFromConversation($input: ConversationActionInput!) {
    createLeadFromConversation(input: $input) {
      __typename
      ... on MutationCreateLeadFromConversationSuccess { data { ...SyncRecordFields } }
      ... on Error { message }
    }
  }
`);
const CreateContactFromConversation = graphql(`
  mutation ManualCreateContactFromConversation($input: ConversationActionInput!) {
    createContactFromConversation(input: $input) {
      __typename
      ... on MutationCreateContactFromConversationSuccess { data { ...SyncRecordFields } }
      ... on Error { message }
    }
  }
`);
const CreateTaskFromConversation = graphql(`
  mutation ManualCreateTaskFromConversation($input: ConversationActionInput!) {
    createTaskFromConversation(input: $input) {
      __typename
      ... on MutationCreateTaskFromConversationSuccess { data { ...SyncRecordFields } }
      ... on Error { message }
    }
  }
`);
const CreateCaseFromConversation = graphql(`
  mutation ManualCreateCaseFromConversation($input: ConversationActionInput!) {
    createCaseFromConversation(input: $input) {
      __typename
      ... on MutationCreateCaseFromConversationSuccess { data { ...SyncRecordFields } }
      ... on Error { message }
    }
  }
`);

let org: ConnectedTenant;
let agentUserId: string;

beforeAll(async () => {
  org = await startConnectedTenant();
  agentUserId = await org.createAgent('mia@acme.example', 'Mia');
  await org.useMapping(manualMapping());
});
afterAll(() => org?.close());
beforeEach(() => org.sandbox.control.resetApiCalls());

const at = '2026-11-25T11:00:00.000Z';
const agent = { id: 'm1', name: 'Mia', email: 'mia@acme.example' };
const apiCalls = async () => (await org.sandbox.control.apiCalls()).total;
const asAgent = () => org.service.client(org.keys.AGENT);

type Answer = { __typename: string; data?: unknown; message?: string };
/** The mutation's only field, as success data or a thrown typed error. */
function dataOf(result: Record<string, Answer>): SyncRecordView {
  const answer = Object.values(result)[0]!;
  if (!answer.data) throw new Error(`${answer.__typename}: ${answer.message}`);
  return answer.data as SyncRecordView;
}

const chat = (chatId: string, visitor: Record<string, string>) =>
  org.recordChat({
    chatId,
    event: 'ENDED',
    channel: 'Website',
    visitor,
    agent,
    startedAt: at,
    endedAt: at,
    messages: [{ at, from: 'VISITOR', text: 'Hello, I need a quote' }],
    waitSeconds: 20,
  });
const conversation = (conversationId: string, visitor: Record<string, string>) =>
  org.recordConversation({
    conversationId,
    event: 'ENDED',
    channel: 'Email',
    subject: 'Invoice question',
    visitor,
    agent,
    startedAt: at,
    endedAt: at,
    messages: [{ at, from: 'VISITOR', text: 'Where is my invoice?' }],
    waitSeconds: 20,
  });

describe('web chat in manual mode', () => {
  it('writes nothing for a chat until an agent acts', async () => {
    const record = await chat('manual-quiet', { name: 'Quiet Visitor', email: 'quiet@example.com' });
    expect(record.status).toBe('SKIPPED');
    expect(await org.sandbox.control.records('Lead', { Email: 'quiet@example.com' })).toEqual([]);
    expect(await org.sandbox.control.records('Contact', { Email: 'quiet@example.com' })).toEqual([]);
    expect(await apiCalls()).toBe(0);
  });

  it('creates a Lead when an agent asks, owned by the agent, and answers a repeat with the same Lead', async () => {
    await chat('manual-lead', { name: 'Lena Lead', email: 'lena@example.com', company: 'Lena Co' });
    const first = dataOf(
      await asAgent().request(CreateLeadFromChat, { input: { chatId: 'manual-lead', waitSeconds: 20 } }),
    );
    expect(first.status).toBe('SYNCED');
    const leads = await org.sandbox.control.records('Lead', { Email: 'lena@example.com' });
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ LastName: 'Lena Lead', Company: 'Lena Co', OwnerId: agentUserId });
    expect(first.objects).toEqual([expect.objectContaining({ role: 'lead', salesforceId: leads[0].Id })]);
    const calls = await apiCalls();

    const again = dataOf(
      await asAgent().request(CreateLeadFromChat, { input: { chatId: 'manual-lead', waitSeconds: 20 } }),
    );
    expect(again.objects).toEqual(first.objects);
    expect(await org.sandbox.control.records('Lead', { Email: 'lena@example.com' })).toHaveLength(1);
    expect(await apiCalls()).toBe(calls);
  });

  it('records the chat as a Task under the Lead the agent created', async () => {
    const record = dataOf(
      await asAgent().request(CreateTaskFromChat, { input: { chatId: 'manual-lead', waitSeconds: 20 } }),
    );
    expect(record.status).toBe('SYNCED');
    const [lead] = await org.sandbox.control.records('Lead', { Email: 'lena@example.com' });
    const tasks = await org.sandbox.control.records('Task', { WhoId: lead.Id });
    expect(tasks).toHaveLength(1);
    expect(tasks[0].OwnerId).toBe(agentUserId);
    expect(tasks[0].Description).toContain('Hello, I need a quote');
    expect(record.objects.map((o) => o.role).sort()).toEqual(['lead', 'task']);
  });

  it('creates a Contact, then the chat as a Case under it', async () => {
    await chat('manual-contact', { name: 'Carl Contact', email: 'carl@example.com' });
    const contact = dataOf(
      await asAgent().request(CreateContactFromChat, {
        input: { chatId: 'manual-contact', waitSeconds: 20 },
      }),
    );
    expect(contact.status).toBe('SYNCED');
    const contacts = await org.sandbox.control.records('Contact', { Email: 'carl@example.com' });
    expect(contacts).toHaveLength(1);
    expect(contacts[0].OwnerId).toBe(agentUserId);

    const withCase = dataOf(
      await asAgent().request(CreateCaseFromChat, { input: { chatId: 'manual-contact', waitSeconds: 20 } }),
    );
    expect(withCase.status).toBe('SYNCED');
    const cases = await org.sandbox.control.records('Case', { ContactId: contacts[0].Id });
    expect(cases).toHaveLength(1);
    expect(cases[0].OwnerId).toBe(agentUserId);
    expect(withCase.objects.map((o) => o.role).sort()).toEqual(['case', 'contact']);
    // A repeat answers with the Case already made.
    const again = dataOf(
      await asAgent().request(CreateCaseFromChat, { input: { chatId: 'manual-contact', waitSeconds: 20 } }),
    );
    expect(again.objects).toEqual(withCase.objects);
    expect(await org.sandbox.control.records('Case', { ContactId: contacts[0].Id })).toHaveLength(1);
  });

  it('does each action once when an agent clicks twice at the same moment', async () => {
    await chat('manual-twice', { name: 'Double Click', email: 'double@example.com' });
    const input = { chatId: 'manual-twice', waitSeconds: 20 };
    const answers = await Promise.all([
      asAgent().request(CreateLeadFromChat, { input }),
      asAgent().request(CreateLeadFromChat, { input }),
    ]);
    expect(answers.map((a) => a.createLeadFromChat.__typename)).toEqual([
      'MutationCreateLeadFromChatSuccess',
      'MutationCreateLeadFromChatSuccess',
    ]);
    expect(await org.sandbox.control.records('Lead', { Email: 'double@example.com' })).toHaveLength(1);
  });

  it('carries out two actions asked for at once, in order, each once', async () => {
    await chat('manual-both', { name: 'Bo Both', email: 'both@example.com' });
    await asAgent().request(CreateContactFromChat, { input: { chatId: 'manual-both' } });
    await asAgent().request(CreateCaseFromChat, { input: { chatId: 'manual-both' } });
    const record = dataOf(
      await asAgent().request(CreateCaseFromChat, { input: { chatId: 'manual-both', waitSeconds: 20 } }),
    );
    expect(record.status).toBe('SYNCED');
    expect(record.objects.map((o) => o.role).sort()).toEqual(['case', 'contact']);
    const contacts = await org.sandbox.control.records('Contact', { Email: 'both@example.com' });
    expect(contacts).toHaveLength(1);
    expect(await org.sandbox.control.records('Case', { ContactId: contacts[0].Id })).toHaveLength(1);
  });
});

describe('inbox in manual mode', () => {
  it('creates a Lead and the conversation as a Task under it', async () => {
    const recorded = await conversation('manual-conv-lead', {
      lastName: 'Ines Inbox',
      email: 'ines@example.com',
    });
    expect(recorded.status).toBe('SKIPPED');
    dataOf(
      await asAgent().request(CreateLeadFromConversation, {
        input: { conversationId: 'manual-conv-lead', waitSeconds: 20 },
      }),
    );
    const record = dataOf(
      await asAgent().request(CreateTaskFromConversation, {
        input: { conversationId: 'manual-conv-lead', waitSeconds: 20 },
      }),
    );
    expect(record.status).toBe('SYNCED');
    const [lead] = await org.sandbox.control.records('Lead', { Email: 'ines@example.com' });
    expect(lead).toMatchObject({ LastName: 'Ines Inbox', OwnerId: agentUserId });
    const tasks = await org.sandbox.control.records('Task', { WhoId: lead.Id });
    expect(tasks).toHaveLength(1);
    expect(tasks[0].Subject).toContain('Invoice question');
  });

  it('creates a Contact and the conversation as a Case under it', async () => {
    await conversation('manual-conv-contact', { lastName: 'Otto Inbox', email: 'otto@example.com' });
    dataOf(
      await asAgent().request(CreateContactFromConversation, {
        input: { conversationId: 'manual-conv-contact', waitSeconds: 20 },
      }),
    );
    const record = dataOf(
      await asAgent().request(CreateCaseFromConversation, {
        input: { conversationId: 'manual-conv-contact', waitSeconds: 20 },
      }),
    );
    expect(record.status).toBe('SYNCED');
    const [contact] = await org.sandbox.control.records('Contact', { Email: 'otto@example.com' });
    expect(contact).toMatchObject({ LastName: 'Otto Inbox', OwnerId: agentUserId });
    const cases = await org.sandbox.control.records('Case', { ContactId: contact.Id });
    expect(cases).toHaveLength(1);
    expect(cases[0].Description).toContain('Where is my invoice?');
  });
});

describe('who may act', () => {
  it('answers NotFoundError for a chat that was never recorded', async () => {
    const result = await asAgent().request(CreateTaskFromChat, { input: { chatId: 'never-recorded' } });
    expect(result.createTaskFromChat).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('refuses integration keys: they record chats, agents act on them', async () => {
    await chat('manual-forbidden', { name: 'No Action', email: 'noaction@example.com' });
    const error = await graphqlError(
      org.service
        .client(org.keys.INTEGRATION)
        .request(CreateLeadFromChat, { input: { chatId: 'manual-forbidden' } }),
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(await org.sandbox.control.records('Lead', { Email: 'noaction@example.com' })).toEqual([]);
  });
});

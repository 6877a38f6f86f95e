// Tenant isolation on every root field: tenant B's ADMIN credential (the strongest a tenant has) aimed at tenant A's
// objects (sync records, API keys, mapping versions, chat ids, its Salesforce org) finds nothing of A's, is refused,
// or acts on B alone. The root fields are read from the built schema: a new field without a case here fails the
// first test. OAuth state (one tenant's state used for another, replays) is covered in
// test/connect/connect-errors.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';
import { graphql } from '../generated/gql.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';
import { graphqlError } from '../support/graphql-errors.ts';

const MARKER = 'acme-only-mapping-marker';
const A_EMAIL = 'ada@acme-customer.example';

const D = {
  apiKeys: graphql(`query XtApiKeys { apiKeys { id name } }`),
  checkMappingAgainstOrg: graphql(`
    query XtCheckMapping { checkMappingAgainstOrg { __typename ... on QueryCheckMappingAgainstOrgSuccess { data { objects } } } }
  `),
  diffMapping: graphql(`
    query XtDiffMapping($to: Int) { diffMapping(from: 1, to: $to) { __typename ... on QueryDiffMappingSuccess { data { diff } } } }
  `),
  mapping: graphql(`query XtMapping { mapping { id version yaml } }`),
  mappingVersion: graphql(
    `query XtMappingVersion($version: Int!) { mappingVersion(version: $version) { id yaml } }`,
  ),
  mappingVersions: graphql(`query XtMappingVersions { mappingVersions { id version yaml } }`),
  node: graphql(`query XtNode($id: ID!) { node(id: $id) { id ... on SyncRecord { sourceId } } }`),
  nodes: graphql(`query XtNodes($ids: [ID!]!) { nodes(ids: $ids) { id ... on SyncRecord { sourceId } } }`),
  planChat: graphql(`
    query XtPlanChat($event: RecordChatInput!) {
      planChat(event: $event) { __typename ... on QueryPlanChatSuccess { data { connected lookups { records } } } }
    }
  `),
  salesforceConnection: graphql(
    `query XtConnection { salesforceConnection { status orgId username instanceUrl } }`,
  ),
  salesforceCustomer: graphql(`
    query XtCustomer($visitor: VisitorInput!) { salesforceCustomer(visitor: $visitor) { connected matches { id } } }
  `),
  salesforceSettings: graphql(`query XtSettings { salesforceSettings { mappingVersion } }`),
  syncRecord: graphql(`query XtSyncRecord($id: ID!) { syncRecord(id: $id) { id sourceId } }`),
  syncRecords: graphql(`query XtSyncRecords { syncRecords(first: 100) { edges { node { id sourceId } } } }`),
  systemSalesforceApp: graphql(`query XtSystemApp { systemSalesforceApp { clientId } }`),
  viewer: graphql(`query XtViewer { viewer { tenant { id slug } } }`),
  backfillChats: graphql(`
    mutation XtBackfill($input: BackfillChatsInput!) {
      backfillChats(input: $input) { __typename ... on MutationBackfillChatsSuccess { data { accepted syncRecordIds } } }
    }
  `),
  clearSystemSalesforceApp: graphql(`mutation XtClearSystemApp { clearSystemSalesforceApp }`),
  createApiKey: graphql(`
    mutation XtCreateKey { createApiKey(input: { name: "x", role: AGENT }) { __typename ... on MutationCreateApiKeySuccess { data { key } } } }
  `),
  createTenant: graphql(`
    mutation XtCreateTenant { createTenant(input: { slug: "evil", name: "Evil" }) { __typename } }
  `),
  setTenantCloudcxId: graphql(`
    mutation XtSetTenantCloudcxId($tenantId: ID!) { setTenantCloudcxId(tenantId: $tenantId, cloudcxTenantId: "evil") { __typename } }
  `),
  disconnectSalesforce: graphql(`mutation XtDisconnect { disconnectSalesforce { status } }`),
  publishMapping: graphql(`
    mutation XtPublish($yaml: String!) { publishMapping(yaml: $yaml) { __typename ... on MutationPublishMappingSuccess { data { mappingVersion { id version } } } } }
  `),
  recordChat: graphql(`
    mutation XtRecordChat($input: RecordChatInput!) { recordChat(input: $input) { __typename ... on MutationRecordChatSuccess { data { id } } } }
  `),
  recordConversation: graphql(`
    mutation XtRecordConversation($input: RecordConversationInput!) {
      recordConversation(input: $input) { __typename ... on MutationRecordConversationSuccess { data { id } } }
    }
  `),
  createLeadFromChat: graphql(`
    mutation XtLeadFromChat($input: ChatActionInput!) { createLeadFromChat(input: $input) { __typename ... on MutationCreateLeadFromChatSuccess { data { id } } } }
  `),
  createLeadFromConversation: graphql(`
    mutation XtLeadFromConversation($input: ConversationActionInput!) { createLeadFromConversation(input: $input) { __typename ... on MutationCreateLeadFromConversationSuccess { data { id } } } }
  `),
  createContactFromChat: graphql(`
    mutation XtContactFromChat($input: ChatActionInput!) { createContactFromChat(input: $input) { __typename ... on MutationCreateContactFromChatSuccess { data { id } } } }
  `),
  createContactFromConversation: graphql(`
    mutation XtContactFromConversation($input: ConversationActionInput!) { createContactFromConversation(input: $input) { __typename ... on MutationCreateContactFromConversationSuccess { data { id } } } }
  `),
  createTaskFromChat: graphql(`
    mutation XtTaskFromChat($input: ChatActionInput!) { createTaskFromChat(input: $input) { __typename ... on MutationCreateTaskFromChatSuccess { data { id } } } }
  `),
  createTaskFromConversation: graphql(`
    mutation XtTaskFromConversation($input: ConversationActionInput!) { createTaskFromConversation(input: $input) { __typename ... on MutationCreateTaskFromConversationSuccess { data { id } } } }
  `),
  createCaseFromChat: graphql(`
    mutation XtCaseFromChat($input: ChatActionInput!) { createCaseFromChat(input: $input) { __typename ... on MutationCreateCaseFromChatSuccess { data { id } } } }
  `),
  createCaseFromConversation: graphql(`
    mutation XtCaseFromConversation($input: ConversationActionInput!) { createCaseFromConversation(input: $input) { __typename ... on MutationCreateCaseFromConversationSuccess { data { id } } } }
  `),
  retrySync: graphql(`mutation XtRetry($id: ID!) { retrySync(id: $id) { __typename } }`),
  resolveSalesforceMatch: graphql(`
    mutation XtResolveMatch($id: ID!) { resolveSalesforceMatch(syncRecordId: $id, object: Lead, salesforceId: "00Q000000000001AAA") { __typename } }
  `),
  salesforceApiUsage: graphql(`query XtApiUsage { salesforceApiUsage { used limit } }`),
  apiUsageHistory: graphql(
    `query XtApiUsageHistory { apiUsageHistory(days: 3) { date calls used chatsWritten } }`,
  ),
  revokeApiKey: graphql(`mutation XtRevoke($id: ID!) { revokeApiKey(id: $id) { __typename } }`),
  rollbackMapping: graphql(
    `mutation XtRollback($version: Int!) { rollbackMapping(version: $version) { __typename } }`,
  ),
  saveSalesforceCustomConfiguration: graphql(`
    mutation XtSaveCustom($input: SaveSalesforceCustomConfigurationInput!) { saveSalesforceCustomConfiguration(input: $input) { __typename } }
  `),
  setSystemSalesforceApp: graphql(`
    mutation XtSetSystemApp { setSystemSalesforceApp(input: { clientId: "x", clientSecret: "y", loginUrl: "https://login.salesforce.com" }) { __typename } }
  `),
  startSalesforceConnection: graphql(`
    mutation XtStartConnection { startSalesforceConnection(configuration: SYSTEM) { __typename } }
  `),
  updateSalesforceSettings: graphql(`
    mutation XtUpdateSettings { updateSalesforceSettings(input: { webChat: CONTACT_AND_CASE }) { __typename } }
  `),
};

let org: ConnectedTenant;
/** Tenant A's objects. */
const a = { recordId: '', chatId: 'acme-chat-1', keyId: '', mappingVersions: 0 };
let b: { id: string; admin: string };

const asB = () => org.service.client(b.admin);
const asA = () => org.service.client(org.keys.ADMIN);
const refused = async (promise: Promise<unknown>) =>
  expect((await graphqlError(promise)).code).toBe('FORBIDDEN');
const aConnected = async () =>
  expect((await asA().request(D.salesforceConnection)).salesforceConnection.status).toBe('CONNECTED');
const aHasNoAction = async () =>
  expect(
    await org.service.app.db.prisma.syncEvent.count({
      where: { kind: { startsWith: 'action.' }, syncRecord: { tenantId: org.tenantId } },
    }),
  ).toBe(0);
const aActiveVersion = async () => (await asA().request(D.mapping)).mapping.version;

beforeAll(async () => {
  org = await startConnectedTenant({ slug: 'acme' });
  const record = await org.recordChat({
    chatId: a.chatId,
    event: 'ENDED',
    visitor: { name: 'Ada', email: A_EMAIL },
    messages: [{ at: '2026-01-01T10:00:00Z', from: 'VISITOR', text: 'acme secret question' }],
    waitSeconds: 20,
  });
  expect(record.status).toBe('SYNCED');
  a.recordId = record.id;
  const { yaml } = (await asA().request(D.mapping)).mapping;
  await asA().request(D.publishMapping, { yaml: `${yaml}\n# ${MARKER}\n` });
  a.mappingVersions = 2;
  a.keyId = (await asA().request(D.apiKeys)).apiKeys[0]!.id;
  const globex = await org.service.createTenant('globex');
  b = { id: globex.id, admin: globex.admin };
});
afterAll(() => org?.close());

type Case = () => Promise<void>;

const cases: Record<string, Case> = {
  'Query.apiKeys': async () => {
    const keys = (await asB().request(D.apiKeys)).apiKeys;
    expect(keys.map((k) => k.id)).not.toContain(a.keyId);
  },
  'Query.checkMappingAgainstOrg': async () => {
    // B has no org: A's is never described for it.
    const result = (await asB().request(D.checkMappingAgainstOrg)).checkMappingAgainstOrg;
    expect(result.__typename).toBe('SalesforceUnavailableError');
  },
  'Query.diffMapping': async () => {
    const result = (await asB().request(D.diffMapping, { to: a.mappingVersions })).diffMapping;
    expect(result.__typename).toBe('NotFoundError');
  },
  'Query.mapping': async () => {
    const { mapping } = await asB().request(D.mapping);
    expect(mapping.yaml).not.toContain(MARKER);
    expect(mapping.version).toBe(1);
  },
  'Query.mappingVersion': async () => {
    expect((await asB().request(D.mappingVersion, { version: a.mappingVersions })).mappingVersion).toBeNull();
  },
  'Query.mappingVersions': async () => {
    const versions = (await asB().request(D.mappingVersions)).mappingVersions;
    expect(JSON.stringify(versions)).not.toContain(MARKER);
  },
  'Query.node': async () => {
    expect((await asB().request(D.node, { id: a.recordId })).node).toBeNull();
  },
  'Query.nodes': async () => {
    expect((await asB().request(D.nodes, { ids: [a.recordId] })).nodes).toEqual([null]);
  },
  'Query.planChat': async () => {
    const event = { chatId: 'plan', event: 'ENDED' as const, visitor: { email: A_EMAIL } };
    const result = (await asB().request(D.planChat, { event })).planChat;
    if (result.__typename !== 'QueryPlanChatSuccess') throw new Error(result.__typename);
    expect(result.data.connected).toBe(false);
    expect(result.data.lookups.every((l) => l.records == null)).toBe(true);
  },
  'Query.apiUsageHistory': async () => {
    // A's calls and chats are A's: B's days are empty.
    const mine = (await asA().request(D.apiUsageHistory)).apiUsageHistory;
    expect(mine.some((day) => day.calls > 0)).toBe(true);
    const days = (await asB().request(D.apiUsageHistory)).apiUsageHistory;
    expect(days).toHaveLength(3);
    expect(days.every((day) => day.calls === 0 && day.chatsWritten === 0 && day.used == null)).toBe(true);
  },
  'Query.salesforceApiUsage': async () => {
    // A's org reported A's usage; B has none.
    expect((await asB().request(D.salesforceApiUsage)).salesforceApiUsage).toBeNull();
  },
  'Query.salesforceConnection': async () => {
    expect((await asB().request(D.salesforceConnection)).salesforceConnection).toEqual({
      status: 'NOT_CONNECTED',
      orgId: null,
      username: null,
      instanceUrl: null,
    });
  },
  'Query.salesforceCustomer': async () => {
    const { salesforceCustomer } = await asB().request(D.salesforceCustomer, { visitor: { email: A_EMAIL } });
    expect(salesforceCustomer).toEqual({ connected: false, matches: [] });
  },
  'Query.salesforceSettings': async () => {
    expect((await asB().request(D.salesforceSettings)).salesforceSettings.mappingVersion).toBe(1);
  },
  'Query.syncRecord': async () => {
    expect((await asB().request(D.syncRecord, { id: a.recordId })).syncRecord).toBeNull();
  },
  'Query.syncRecords': async () => {
    const { edges } = (await asB().request(D.syncRecords)).syncRecords;
    expect(edges.map((e) => e.node.id)).not.toContain(a.recordId);
  },
  'Query.systemSalesforceApp': () => refused(asB().request(D.systemSalesforceApp)),
  'Query.viewer': async () => {
    expect((await asB().request(D.viewer)).viewer.tenant).toEqual({ id: b.id, slug: 'globex' });
  },
  'Mutation.backfillChats': async () => {
    const chats = [{ chatId: a.chatId, event: 'ENDED' as const, visitor: { email: A_EMAIL } }];
    const result = (await asB().request(D.backfillChats, { input: { chats } })).backfillChats;
    if (result.__typename !== 'MutationBackfillChatsSuccess') throw new Error(result.__typename);
    expect(result.data.accepted).toBe(1);
    expect(result.data.syncRecordIds).not.toContain(a.recordId);
  },
  'Mutation.clearSystemSalesforceApp': async () => {
    await refused(asB().request(D.clearSystemSalesforceApp));
    await aConnected();
  },
  'Mutation.createApiKey': async () => {
    const result = (await asB().request(D.createApiKey)).createApiKey;
    if (result.__typename !== 'MutationCreateApiKeySuccess') throw new Error(result.__typename);
    expect((await org.service.client(result.data.key).request(D.viewer)).viewer.tenant?.slug).toBe('globex');
  },
  'Mutation.createTenant': () => refused(asB().request(D.createTenant)),
  'Mutation.setTenantCloudcxId': () =>
    refused(asB().request(D.setTenantCloudcxId, { tenantId: org.tenantId })),
  'Mutation.disconnectSalesforce': async () => {
    expect((await asB().request(D.disconnectSalesforce)).disconnectSalesforce.status).toBe('NOT_CONNECTED');
    await aConnected();
  },
  'Mutation.publishMapping': async () => {
    const { yaml } = (await asB().request(D.mapping)).mapping;
    await asB().request(D.publishMapping, { yaml: `${yaml}\n# globex\n` });
    expect(await aActiveVersion()).toBe(a.mappingVersions);
  },
  'Mutation.recordChat': async () => {
    const input = { chatId: a.chatId, event: 'ENDED' as const, visitor: { email: A_EMAIL } };
    const result = (await asB().request(D.recordChat, { input })).recordChat;
    if (result.__typename !== 'MutationRecordChatSuccess') throw new Error(result.__typename);
    expect(result.data.id).not.toBe(a.recordId);
  },
  'Mutation.recordConversation': async () => {
    const input = { conversationId: a.chatId, event: 'ENDED' as const, visitor: { email: A_EMAIL } };
    const result = (await asB().request(D.recordConversation, { input })).recordConversation;
    if (result.__typename !== 'MutationRecordConversationSuccess') throw new Error(result.__typename);
    expect(result.data.id).not.toBe(a.recordId);
  },
  'Mutation.createLeadFromChat': async () => {
    const result = (await asB().request(D.createLeadFromChat, { input: { chatId: a.chatId } }))
      .createLeadFromChat;
    if (result.__typename === 'MutationCreateLeadFromChatSuccess')
      expect(result.data.id).not.toBe(a.recordId);
    else expect(result.__typename).toBe('NotFoundError');
    await aHasNoAction();
  },
  'Mutation.createLeadFromConversation': async () => {
    const result = (
      await asB().request(D.createLeadFromConversation, { input: { conversationId: a.chatId } })
    ).createLeadFromConversation;
    if (result.__typename === 'MutationCreateLeadFromConversationSuccess')
      expect(result.data.id).not.toBe(a.recordId);
    else expect(result.__typename).toBe('NotFoundError');
    await aHasNoAction();
  },
  'Mutation.createContactFromChat': async () => {
    const result = (await asB().request(D.createContactFromChat, { input: { chatId: a.chatId } }))
      .createContactFromChat;
    if (result.__typename === 'MutationCreateContactFromChatSuccess')
      expect(result.data.id).not.toBe(a.recordId);
    else expect(result.__typename).toBe('NotFoundError');
    await aHasNoAction();
  },
  'Mutation.createContactFromConversation': async () => {
    const result = (
      await asB().request(D.createContactFromConversation, { input: { conversationId: a.chatId } })
    ).createContactFromConversation;
    if (result.__typename === 'MutationCreateContactFromConversationSuccess')
      expect(result.data.id).not.toBe(a.recordId);
    else expect(result.__typename).toBe('NotFoundError');
    await aHasNoAction();
  },
  'Mutation.createTaskFromChat': async () => {
    const result = (await asB().request(D.createTaskFromChat, { input: { chatId: a.chatId } }))
      .createTaskFromChat;
    if (result.__typename === 'MutationCreateTaskFromChatSuccess')
      expect(result.data.id).not.toBe(a.recordId);
    else expect(result.__typename).toBe('NotFoundError');
    await aHasNoAction();
  },
  'Mutation.createTaskFromConversation': async () => {
    const result = (
      await asB().request(D.createTaskFromConversation, { input: { conversationId: a.chatId } })
    ).createTaskFromConversation;
    if (result.__typename === 'MutationCreateTaskFromConversationSuccess')
      expect(result.data.id).not.toBe(a.recordId);
    else expect(result.__typename).toBe('NotFoundError');
    await aHasNoAction();
  },
  'Mutation.createCaseFromChat': async () => {
    const result = (await asB().request(D.createCaseFromChat, { input: { chatId: a.chatId } }))
      .createCaseFromChat;
    if (result.__typename === 'MutationCreateCaseFromChatSuccess')
      expect(result.data.id).not.toBe(a.recordId);
    else expect(result.__typename).toBe('NotFoundError');
    await aHasNoAction();
  },
  'Mutation.createCaseFromConversation': async () => {
    const result = (
      await asB().request(D.createCaseFromConversation, { input: { conversationId: a.chatId } })
    ).createCaseFromConversation;
    if (result.__typename === 'MutationCreateCaseFromConversationSuccess')
      expect(result.data.id).not.toBe(a.recordId);
    else expect(result.__typename).toBe('NotFoundError');
    await aHasNoAction();
  },
  'Mutation.resolveSalesforceMatch': async () => {
    const result = (await asB().request(D.resolveSalesforceMatch, { id: a.recordId })).resolveSalesforceMatch;
    expect(result.__typename).toBe('NotFoundError');
  },
  'Mutation.retrySync': async () => {
    expect((await asB().request(D.retrySync, { id: a.recordId })).retrySync.__typename).toBe('NotFoundError');
    expect((await asA().request(D.syncRecord, { id: a.recordId })).syncRecord).not.toBeNull();
  },
  'Mutation.revokeApiKey': async () => {
    expect((await asB().request(D.revokeApiKey, { id: a.keyId })).revokeApiKey.__typename).toBe(
      'NotFoundError',
    );
    expect((await asA().request(D.viewer)).viewer.tenant?.slug).toBe('acme');
  },
  'Mutation.rollbackMapping': async () => {
    const result = (await asB().request(D.rollbackMapping, { version: a.mappingVersions + 5 }))
      .rollbackMapping;
    expect(result.__typename).toBe('NotFoundError');
    expect(await aActiveVersion()).toBe(a.mappingVersions);
  },
  'Mutation.saveSalesforceCustomConfiguration': async () => {
    const input = { clientId: 'globex-app', clientSecret: 'globex-secret', loginUrl: org.sandbox.url };
    await asB().request(D.saveSalesforceCustomConfiguration, { input });
    await aConnected();
  },
  'Mutation.setSystemSalesforceApp': () => refused(asB().request(D.setSystemSalesforceApp)),
  'Mutation.startSalesforceConnection': async () => {
    // The state issued is B's: the callback it leads to can only connect B.
    await asB().request(D.startSalesforceConnection);
    const latest = await org.service.app.db.prisma.oAuthState.findFirstOrThrow({
      orderBy: { createdAt: 'desc' },
    });
    expect(latest.tenantId).toBe(b.id);
    await aConnected();
  },
  'Mutation.updateSalesforceSettings': async () => {
    expect((await asB().request(D.updateSalesforceSettings)).updateSalesforceSettings.__typename).toBe(
      'MutationUpdateSalesforceSettingsSuccess',
    );
    expect(await aActiveVersion()).toBe(a.mappingVersions);
  },
};

const rootFields = [
  ...Object.keys(schema.getQueryType()!.getFields()).map((name) => `Query.${name}`),
  ...Object.keys(schema.getMutationType()!.getFields()).map((name) => `Mutation.${name}`),
].sort();

describe('tenant isolation on every root field', () => {
  it('has a cross-tenant case for every query and mutation, and none for a field that does not exist', () => {
    expect(Object.keys(cases).sort()).toEqual(rootFields);
  });

  // Reads first, then the mutations that change B's own state (and check A's is untouched).
  it.each(
    Object.keys(cases).sort((x, y) => (x.startsWith('Query') ? 0 : 1) - (y.startsWith('Query') ? 0 : 1)),
  )("%s with tenant B's admin key never reaches tenant A", async (field) => {
    await cases[field]!();
  });
});

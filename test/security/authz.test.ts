// Roles exactly as README's role table, for every query and mutation and every role: each field is called with each
// role's key and is either refused with FORBIDDEN or answered (data or a typed error, never "Unexpected error.").
// The root fields are read from the built schema: a new field without a row here fails the first test. Variants
// that need more than the field's own role (drafts, refresh) have rows of their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';
import { startService, type TestService } from '../support/service.ts';

type Role = 'ADMIN' | 'AGENT' | 'INTEGRATION' | 'SYSTEM';
const ALL: Role[] = ['ADMIN', 'AGENT', 'INTEGRATION', 'SYSTEM'];
const TENANT: Role[] = ['ADMIN', 'AGENT', 'INTEGRATION'];
const READERS: Role[] = ['ADMIN', 'AGENT'];
const RECORDERS: Role[] = ['ADMIN', 'INTEGRATION'];

const MISSING_ID = Buffer.from('SyncRecord:00000000-0000-4000-8000-000000000000').toString('base64');
const chat = '{ chatId: "authz-chat", event: ENDED, visitor: { email: "authz@example.com" } }';
const conversation =
  '{ conversationId: "authz-conv", event: ENDED, visitor: { email: "authz@example.com" } }';

/** Each row: the roles README allows, and a document calling the field (only __typename where possible). */
const table: Record<string, { allowed: Role[]; query: string; variant?: string }[]> = {
  'Query.apiUsageHistory': [{ allowed: TENANT, query: '{ apiUsageHistory(days: 2) { date calls } }' }],
  'Query.apiKeys': [{ allowed: ['ADMIN'], query: '{ apiKeys { id } }' }],
  'Query.checkMappingAgainstOrg': [
    { allowed: READERS, query: '{ checkMappingAgainstOrg { __typename } }' },
    {
      variant: 'a draft',
      allowed: ['ADMIN'],
      query: '{ checkMappingAgainstOrg(yaml: "version: 1") { __typename } }',
    },
  ],
  'Query.diffMapping': [
    { allowed: READERS, query: '{ diffMapping(to: 1) { __typename } }' },
    { variant: 'a draft', allowed: ['ADMIN'], query: '{ diffMapping(yaml: "version: 1") { __typename } }' },
  ],
  'Query.mapping': [{ allowed: READERS, query: '{ mapping { version } }' }],
  'Query.mappingVersion': [{ allowed: READERS, query: '{ mappingVersion(version: 1) { version } }' }],
  'Query.mappingVersions': [{ allowed: READERS, query: '{ mappingVersions { version } }' }],
  // A SYSTEM key belongs to no tenant: it finds no record, whatever the id.
  'Query.node': [{ allowed: ALL, query: `{ node(id: "${MISSING_ID}") { id } }` }],
  'Query.nodes': [{ allowed: ALL, query: `{ nodes(ids: ["${MISSING_ID}"]) { id } }` }],
  'Query.planChat': [
    { allowed: READERS, query: `{ planChat(event: ${chat}) { __typename } }` },
    {
      variant: 'a draft',
      allowed: ['ADMIN'],
      query: `{ planChat(event: ${chat}, mapping: "version: 1") { __typename } }`,
    },
  ],
  'Query.salesforceApiUsage': [
    { allowed: TENANT, query: '{ salesforceApiUsage { used } }' },
    { variant: 'refresh: true', allowed: ['ADMIN'], query: '{ salesforceApiUsage(refresh: true) { used } }' },
  ],
  'Query.salesforceConnection': [{ allowed: TENANT, query: '{ salesforceConnection { status } }' }],
  'Query.salesforceCustomer': [
    { allowed: TENANT, query: '{ salesforceCustomer(visitor: { email: "a@example.com" }) { connected } }' },
  ],
  'Query.salesforceSettings': [{ allowed: READERS, query: '{ salesforceSettings { mappingVersion } }' }],
  'Query.syncRecord': [{ allowed: TENANT, query: `{ syncRecord(id: "${MISSING_ID}") { id } }` }],
  'Query.syncRecords': [{ allowed: TENANT, query: '{ syncRecords(first: 1) { edges { cursor } } }' }],
  'Query.systemSalesforceApp': [{ allowed: ['SYSTEM'], query: '{ systemSalesforceApp { clientId } }' }],
  'Query.viewer': [{ allowed: ALL, query: '{ viewer { role } }' }],
  'Mutation.backfillChats': [
    { allowed: RECORDERS, query: `mutation { backfillChats(input: { chats: [${chat}] }) { __typename } }` },
  ],
  'Mutation.clearSystemSalesforceApp': [
    { allowed: ['SYSTEM'], query: 'mutation { clearSystemSalesforceApp }' },
  ],
  'Mutation.createApiKey': [
    {
      allowed: ['ADMIN'],
      query: 'mutation { createApiKey(input: { name: "x", role: AGENT }) { __typename } }',
    },
  ],
  'Mutation.createTenant': [
    {
      allowed: ['SYSTEM'],
      query: 'mutation { createTenant(input: { slug: "authz-new", name: "New" }) { __typename } }',
    },
  ],
  'Mutation.disconnectSalesforce': [
    { allowed: ['ADMIN'], query: 'mutation { disconnectSalesforce { status } }' },
  ],
  'Mutation.publishMapping': [
    { allowed: ['ADMIN'], query: 'mutation { publishMapping(yaml: "version: 1") { __typename } }' },
  ],
  'Mutation.recordChat': [
    { allowed: RECORDERS, query: `mutation { recordChat(input: ${chat}) { __typename } }` },
  ],
  'Mutation.recordConversation': [
    { allowed: RECORDERS, query: `mutation { recordConversation(input: ${conversation}) { __typename } }` },
  ],
  'Mutation.resolveSalesforceMatch': [
    {
      allowed: READERS,
      query: `mutation { resolveSalesforceMatch(syncRecordId: "${MISSING_ID}", object: Lead, salesforceId: "00Q000000000001AAA") { __typename } }`,
    },
  ],
  'Mutation.retrySync': [
    { allowed: READERS, query: `mutation { retrySync(id: "${MISSING_ID}") { __typename } }` },
  ],
  'Mutation.revokeApiKey': [
    { allowed: ['ADMIN'], query: `mutation { revokeApiKey(id: "${MISSING_ID}") { __typename } }` },
  ],
  'Mutation.rollbackMapping': [
    { allowed: ['ADMIN'], query: 'mutation { rollbackMapping(version: 99) { __typename } }' },
  ],
  'Mutation.saveSalesforceCustomConfiguration': [
    {
      allowed: ['ADMIN'],
      query:
        'mutation { saveSalesforceCustomConfiguration(input: { clientId: "x", clientSecret: "y", loginUrl: "http://127.0.0.1:9" }) { __typename } }',
    },
  ],
  'Mutation.setSystemSalesforceApp': [
    {
      allowed: ['SYSTEM'],
      query:
        'mutation { setSystemSalesforceApp(input: { clientId: "x", clientSecret: "y", loginUrl: "http://127.0.0.1:9" }) { __typename } }',
    },
  ],
  'Mutation.setTenantCloudcxId': [
    {
      allowed: ['SYSTEM'],
      query: `mutation { setTenantCloudcxId(tenantId: "${MISSING_ID}", cloudcxTenantId: "cx-1") { __typename } }`,
    },
  ],
  'Mutation.startSalesforceConnection': [
    {
      allowed: ['ADMIN'],
      query: 'mutation { startSalesforceConnection(configuration: SYSTEM) { __typename } }',
    },
  ],
  'Mutation.updateSalesforceSettings': [
    { allowed: ['ADMIN'], query: 'mutation { updateSalesforceSettings(input: {}) { __typename } }' },
  ],
};
for (const object of ['Lead', 'Contact', 'Task', 'Case'])
  for (const [source, input] of [
    ['Chat', '{ chatId: "authz-missing" }'],
    ['Conversation', '{ conversationId: "authz-missing" }'],
  ])
    table[`Mutation.create${object}From${source}`] = [
      {
        allowed: READERS,
        query: `mutation { create${object}From${source}(input: ${input}) { __typename } }`,
      },
    ];

let service: TestService;
const keys = {} as Record<Role, string>;
beforeAll(async () => {
  service = await startService();
  Object.assign(keys, (await service.createTenant('authz')).keys);
  keys.SYSTEM = await service.systemKey();
});
afterAll(() => service?.close());

async function call(role: Role, query: string) {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[role]}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as {
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  return { status: response.status, errors: body.errors ?? [] };
}

const rootFields = [
  ...Object.keys(schema.getQueryType()!.getFields()).map((name) => `Query.${name}`),
  ...Object.keys(schema.getMutationType()!.getFields()).map((name) => `Mutation.${name}`),
].sort();

const cases = Object.entries(table).flatMap(([field, rows]) =>
  rows.flatMap((row) =>
    ALL.map((role) => ({
      name: `${field}${row.variant ? ` (${row.variant})` : ''} as ${role}: ${row.allowed.includes(role) ? 'answered' : 'FORBIDDEN'}`,
      role,
      allowed: row.allowed.includes(role),
      query: row.query,
    })),
  ),
);

describe('the role table', () => {
  it('has a row for every query and mutation, and none for a field that does not exist', () => {
    expect(Object.keys(table).sort()).toEqual(rootFields);
  });

  it.each(cases)('$name', async ({ role, allowed, query }) => {
    const { status, errors } = await call(role, query);
    const codes = errors.map((e) => e.extensions?.code);
    expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
    if (allowed) {
      expect(codes, JSON.stringify(errors)).not.toContain('FORBIDDEN');
      expect(codes).not.toContain('GRAPHQL_VALIDATION_FAILED');
      expect(status).toBeLessThan(500);
    } else {
      expect(codes).toEqual(['FORBIDDEN']);
      expect(errors[0]!.message).toMatch(
        new RegExp(`^Your ${role} credential may not use "(Query|Mutation)\\.`),
      );
    }
  });
});

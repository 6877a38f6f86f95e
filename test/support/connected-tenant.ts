// A tenant of the real service connected to the project's Salesforce sandbox through the real OAuth flow (system
// configuration), with the sandbox's faults and records at hand, and helpers to record chats over GraphQL.
import { expect } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { publishMapping } from '../../src/sync/mapping-versions.ts';
import type { SyncOptions } from '../../src/sync/service.ts';
import { graphql } from '../generated/gql.ts';
import type { RecordChatInput, RecordConversationInput } from '../generated/graphql.ts';
import { TestBrowser } from './browser.ts';
import { startService, type TestService } from './service.ts';

const UseSystemApp = graphql(`
  mutation FixtureSetSystemApp($input: SetSystemSalesforceAppInput!) {
    setSystemSalesforceApp(input: $input) {
      __typename
    }
  }
`);

const StartConnection = graphql(`
  mutation FixtureStartConnection {
    startSalesforceConnection(configuration: SYSTEM) {
      __typename
      ... on MutationStartSalesforceConnectionSuccess {
        data {
          authorizationUrl
        }
      }
    }
  }
`);

export const RecordChat = graphql(`
  mutation RecordChat($input: RecordChatInput!) {
    recordChat(input: $input) {
      __typename
      ... on MutationRecordChatSuccess {
        data {
          ...SyncRecordFields
        }
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

export const RecordConversation = graphql(`
  mutation RecordConversation($input: RecordConversationInput!) {
    recordConversation(input: $input) {
      __typename
      ... on MutationRecordConversationSuccess {
        data {
          ...SyncRecordFields
        }
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

export const SyncRecordFields = graphql(`
  fragment SyncRecordFields on SyncRecord {
    id
    sourceId
    status
    attempts
    lastError
    lastErrorCode
    mappingVersion {
      version
      hash
    }
    objects {
      role
      sobjectType
      salesforceId
      url
    }
  }
`);

export interface ConnectedTenant {
  service: TestService;
  sandbox: Sandbox;
  tenantId: string;
  keys: { ADMIN: string; AGENT: string; INTEGRATION: string };
  /** The sandbox user who connected (the fallback owner). */
  connectingUserId: string;
  /** A Salesforce User in the sandbox with this email (the owner rule's agent); answers its id. */
  createAgent(email: string, lastName?: string): Promise<string>;
  /** Publishes a mapping as the tenant's active one. */
  useMapping(yaml: string): Promise<void>;
  recordChat(input: RecordChatInput): Promise<SyncRecordView>;
  recordConversation(input: RecordConversationInput): Promise<SyncRecordView>;
  close(): Promise<void>;
}

export type SyncRecordView = {
  id: string;
  sourceId: string;
  status: string;
  attempts: number;
  lastError?: string | null;
  lastErrorCode?: string | null;
  mappingVersion?: { version: number; hash: string } | null;
  objects: Array<{ role: string; sobjectType: string; salesforceId: string; url?: string | null }>;
};

const CLIENT = { clientId: 'cloudcx-test-app', clientSecret: 'cloudcx-test-secret' };

export async function startConnectedTenant(
  options: {
    sync?: SyncOptions;
    slug?: string /** more origins for SALESFORCE_ALLOWED_HOSTS */;
    allowedHosts?: string[];
    /** More environment for the service (DATABASE_URL: '' for the embedded PGlite). */
    env?: Record<string, string>;
    databaseUrl?: string;
  } = {},
): Promise<ConnectedTenant> {
  const sandbox = await startSandbox({ autoApprove: true });
  // The sandbox is a Salesforce host for the service only because it is listed, as an operator would list it.
  const allowed = [sandbox.url, ...(options.allowedHosts ?? [])].join(',');
  const service = await startService(
    { SALESFORCE_ALLOWED_HOSTS: allowed, ...options.env },
    { sync: options.sync, databaseUrl: options.databaseUrl },
  );
  const callbackUrl = `${service.url}/api/v2.0/integration/app/callback/api/salesforce`;
  await sandbox.control.createConnectedApp({ ...CLIENT, callbackUrls: [callbackUrl] });
  await service
    .client(await service.systemKey())
    .request(UseSystemApp, { input: { ...CLIENT, loginUrl: sandbox.url } });
  const tenant = await service.createTenant(options.slug ?? 'acme');
  const started = await service.client(tenant.keys.ADMIN).request(StartConnection);
  if (started.startSalesforceConnection.__typename !== 'MutationStartSalesforceConnectionSuccess') {
    throw new Error(started.startSalesforceConnection.__typename);
  }
  // The browser's part: our start route sets its cookie and redirects to the sandbox, which approves and redirects
  // to our callback.
  const { response: callback } = await new TestBrowser().open(
    started.startSalesforceConnection.data.authorizationUrl,
  );
  expect(callback.status).toBe(200);
  const org = await sandbox.control.org();
  const client = service.client(tenant.keys.INTEGRATION);
  return {
    service,
    sandbox,
    tenantId: tenant.id,
    keys: tenant.keys,
    connectingUserId: org.adminUserId,
    async createAgent(email, lastName = 'Agent') {
      return (await sandbox.control.createUser({ username: email, email, lastName })).id;
    },
    async useMapping(yaml) {
      await publishMapping(service.app.db.prisma, { tenantId: tenant.id, yaml, author: 'test' });
    },
    async recordChat(input) {
      const result = await client.request(RecordChat, { input });
      if (result.recordChat.__typename !== 'MutationRecordChatSuccess')
        throw new Error(result.recordChat.message);
      return result.recordChat.data as SyncRecordView;
    },
    async recordConversation(input) {
      const result = await client.request(RecordConversation, { input });
      if (result.recordConversation.__typename !== 'MutationRecordConversationSuccess')
        throw new Error(result.recordConversation.message);
      return result.recordConversation.data as SyncRecordView;
    },
    async close() {
      await service.close();
      await sandbox.close();
    },
  };
}

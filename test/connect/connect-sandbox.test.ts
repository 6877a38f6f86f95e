// Connecting tenants end to end over HTTP against the sandbox: both configurations, the connected account, token
// refresh and rotation, revocation, disconnect, and what Salesforce itself refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionUnavailableError } from '../../src/connections/tenant-connections.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { graphql } from '../generated/gql.ts';
import { TestBrowser } from '../support/browser.ts';
import { type ConnectService, pageMessage, startConnectService } from './support.ts';

const SetSystemApp = graphql(`
  mutation SetSystemApp($input: SetSystemSalesforceAppInput!) {
    setSystemSalesforceApp(input: $input) {
      __typename
      ... on MutationSetSystemSalesforceAppSuccess {
        data {
          clientId
          loginUrl
          callbackUrl
        }
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

const SystemApp = graphql(`
  query SystemApp {
    systemSalesforceApp {
      clientId
      loginUrl
      callbackUrl
      updatedAt
    }
  }
`);

const ClearSystemApp = graphql(`
  mutation ClearSystemApp {
    clearSystemSalesforceApp
  }
`);

const SaveCustom = graphql(`
  mutation SaveCustom($input: SaveSalesforceCustomConfigurationInput!) {
    saveSalesforceCustomConfiguration(input: $input) {
      __typename
      ... on MutationSaveSalesforceCustomConfigurationSuccess {
        data {
          customConfiguration {
            clientId
            loginUrl
            crmUrl
          }
        }
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

const Start = graphql(`
  mutation Start($configuration: SalesforceConfigurationKind!) {
    startSalesforceConnection(configuration: $configuration) {
      __typename
      ... on MutationStartSalesforceConnectionSuccess {
        data {
          authorizationUrl
        }
      }
      ... on SalesforceConfigurationMissingError {
        message
      }
    }
  }
`);

const ConnectionStatus = graphql(`
  query ConnectionStatus {
    salesforceConnection {
      status
      configurationKind
      username
      userId
      email
      displayName
      orgId
      instanceUrl
      connectedAt
      lastRefreshAt
      lastError
      callbackUrl
      systemConfigurationAvailable
      customConfiguration {
        clientId
        loginUrl
        crmUrl
      }
    }
  }
`);

const Disconnect = graphql(`
  mutation Disconnect {
    disconnectSalesforce {
      status
      username
    }
  }
`);

const FieldsOf = graphql(`
  query FieldsOf($name: String!) {
    __type(name: $name) {
      fields {
        name
      }
    }
  }
`);

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
let sandbox: Sandbox;
let service: ConnectService;
let system: string;
let callbackUrl: string;
/** Every authorization code seen, to look for in logs and tables. */
const codes: string[] = [];
const SYSTEM_APP = { clientId: 'cloudcx-platform-app', clientSecret: 'platform-secret-1b2c3d' };
const CUSTOM_APP = { clientId: 'acme-own-app', clientSecret: 'acme-secret-9z8y7x' };

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  service = await startConnectService({ SALESFORCE_ALLOWED_HOSTS: sandbox.url });
  system = await service.systemKey();
  callbackUrl = `${service.url}/api/v2.0/integration/app/callback/api/salesforce`;
  await sandbox.control.createConnectedApp({ ...SYSTEM_APP, callbackUrls: [callbackUrl] });
  await sandbox.control.createConnectedApp({
    ...CUSTOM_APP,
    callbackUrls: [callbackUrl],
    rotateRefreshTokens: true,
  });
});
afterAll(async () => {
  await service?.close();
  await sandbox?.close();
});

/** Starts a connection and follows Salesforce's redirects back to the callback page, as the browser would. */
async function connect(admin: string, configuration: 'SYSTEM' | 'CUSTOM') {
  const started = (await service.client(admin).request(Start, { configuration })).startSalesforceConnection;
  if (started.__typename !== 'MutationStartSalesforceConnectionSuccess') throw new Error(started.message);
  const { url, response, visited } = await new TestBrowser().open(started.data.authorizationUrl);
  const code = visited.map((u) => new URL(u).searchParams.get('code')).find(Boolean) ?? null;
  if (code) codes.push(code);
  return { url, response, message: await pageMessage(response), code };
}

async function status(admin: string) {
  return (await service.client(admin).request(ConnectionStatus)).salesforceConnection;
}

describe('system configuration', () => {
  it('is set, read without its secret, and cleared by the platform', async () => {
    const set = await service
      .client(system)
      .request(SetSystemApp, { input: { ...SYSTEM_APP, loginUrl: `${sandbox.url}/` } });
    expect(set.setSystemSalesforceApp).toEqual({
      __typename: 'MutationSetSystemSalesforceAppSuccess',
      data: { clientId: SYSTEM_APP.clientId, loginUrl: sandbox.url, callbackUrl },
    });
    expect((await service.client(system).request(SystemApp)).systemSalesforceApp).toMatchObject({
      clientId: SYSTEM_APP.clientId,
      loginUrl: sandbox.url,
    });
    expect(await service.client(system).request(ClearSystemApp)).toEqual({ clearSystemSalesforceApp: true });
    expect((await service.client(system).request(SystemApp)).systemSalesforceApp).toBeNull();
    await service.client(system).request(SetSystemApp, { input: { ...SYSTEM_APP, loginUrl: sandbox.url } });
  });

  it('connects a tenant, following the real redirects, and shows the connected account', async () => {
    const tenant = await service.createTenant('sys-co');
    const { url, message } = await connect(tenant.admin, 'SYSTEM');
    expect(url.startsWith(callbackUrl)).toBe(true);
    const org = await sandbox.control.org();
    expect(message).toBe(`Connected to Salesforce as ${org.adminUsername}. You can close this window.`);
    expect(await status(tenant.agent)).toMatchObject({
      status: 'CONNECTED',
      configurationKind: 'SYSTEM',
      username: org.adminUsername,
      userId: org.adminUserId,
      orgId: org.organizationId,
      instanceUrl: sandbox.url,
      connectedAt: expect.any(String),
      lastError: null,
      systemConfigurationAvailable: true,
      customConfiguration: null,
    });
  });

  it('refuses a client id or secret Salesforce does not know, passing its description on', async () => {
    const wrongId = await service
      .client(system)
      .request(SetSystemApp, { input: { clientId: 'nope', clientSecret: 'x', loginUrl: sandbox.url } });
    expect(wrongId.setSystemSalesforceApp).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'clientId',
      message: expect.stringMatching(/^Salesforce refused the client id: client identifier invalid\./),
    });
    const wrongSecret = await service.client(system).request(SetSystemApp, {
      input: { clientId: SYSTEM_APP.clientId, clientSecret: 'x', loginUrl: sandbox.url },
    });
    expect(wrongSecret.setSystemSalesforceApp).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'clientSecret',
      message: expect.stringMatching(/^Salesforce refused the client secret: invalid client credentials\./),
    });
  });
});

describe('custom configuration', () => {
  it('is saved with the callback URL shown, and connects', async () => {
    const tenant = await service.createTenant('custom-co');
    const saved = await service.client(tenant.admin).request(SaveCustom, {
      input: { ...CUSTOM_APP, loginUrl: sandbox.url, crmUrl: sandbox.url },
    });
    expect(saved.saveSalesforceCustomConfiguration).toEqual({
      __typename: 'MutationSaveSalesforceCustomConfigurationSuccess',
      data: {
        customConfiguration: { clientId: CUSTOM_APP.clientId, loginUrl: sandbox.url, crmUrl: sandbox.url },
      },
    });
    expect((await status(tenant.admin)).callbackUrl).toBe(callbackUrl);
    const { message } = await connect(tenant.admin, 'CUSTOM');
    expect(message).toMatch(/^Connected to Salesforce as /);
    expect(await status(tenant.admin)).toMatchObject({ status: 'CONNECTED', configurationKind: 'CUSTOM' });
  });

  it('shows Salesforce refusing the secret at the callback when it changed after "Connect"', async () => {
    const tenant = await service.createTenant('stale-secret');
    await service
      .client(tenant.admin)
      .request(SaveCustom, { input: { ...CUSTOM_APP, loginUrl: sandbox.url } });
    const started = (await service.client(tenant.admin).request(Start, { configuration: 'CUSTOM' }))
      .startSalesforceConnection;
    if (started.__typename !== 'MutationStartSalesforceConnectionSuccess') throw new Error(started.message);
    await service.app.db.prisma.salesforceConnection.update({
      where: { tenantId: tenant.id },
      data: { clientSecretEnc: service.app.services.secrets.seal('rotated-in-salesforce-since') },
    });
    const { response } = await new TestBrowser().open(started.data.authorizationUrl);
    expect(await pageMessage(response)).toBe(
      'Salesforce refused the client id or secret: invalid client credentials. Check the Consumer Key and ' +
        'Consumer Secret of your custom configuration.',
    );
    expect(await status(tenant.admin)).toMatchObject({
      status: 'NOT_CONNECTED',
      lastError: expect.stringMatching(/invalid client credentials/),
    });
  });
});

describe('token lifecycle', () => {
  it('refreshes an expired session by itself and persists the new access token and the rotated refresh token', async () => {
    const tenant = await service.createTenant('refresh-co');
    await service
      .client(tenant.admin)
      .request(SaveCustom, { input: { ...CUSTOM_APP, loginUrl: sandbox.url } });
    await connect(tenant.admin, 'CUSTOM');
    const prisma = service.app.db.prisma;
    const before = await prisma.salesforceConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    const { conn } = await service.app.services.connections.forTenant(tenant.id);
    await conn.query('SELECT Id FROM Lead LIMIT 1');
    await sandbox.control.expireAccessTokens();
    await conn.query('SELECT Id FROM Lead LIMIT 1');
    const after = await prisma.salesforceConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(after.accessTokenEnc).not.toBe(before.accessTokenEnc);
    expect(after.refreshTokenEnc).not.toBe(before.refreshTokenEnc);
    expect((await status(tenant.admin)).lastRefreshAt).not.toBeNull();
    // The rotated refresh token works: the old one is dead at the sandbox.
    await sandbox.control.expireAccessTokens();
    await conn.query('SELECT Id FROM Lead LIMIT 1');
    expect((await status(tenant.admin)).status).toBe('CONNECTED');
  });

  it('marks a revoked session NEEDS_REAUTH after one refresh attempt, and reconnecting resumes', async () => {
    const tenant = await service.createTenant('revoked-co');
    await connect(tenant.admin, 'SYSTEM');
    const connections = service.app.services.connections;
    const events: string[] = [];
    connections.on('needs-reauth', (id) => id === tenant.id && events.push('needs-reauth'));
    connections.on('connected', (id) => id === tenant.id && events.push('connected'));
    const { conn } = await connections.forTenant(tenant.id);
    const refreshesBefore = await sandbox.control.tokenCalls();
    await sandbox.control.revokeRefreshTokens();
    await sandbox.control.expireAccessTokens();
    await expect(conn.query('SELECT Id FROM Lead LIMIT 1')).rejects.toThrow(
      /^Unable to refresh session due to:/,
    );
    expect((await sandbox.control.tokenCalls()) - refreshesBefore).toBe(1);
    expect(await status(tenant.admin)).toMatchObject({
      status: 'NEEDS_REAUTH',
      lastError: expect.stringMatching(/^Salesforce refused to refresh the session/),
    });
    const unavailable = await connections.forTenant(tenant.id).catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(ConnectionUnavailableError);
    expect(unavailable).toMatchObject({ status: 'NEEDS_REAUTH' });
    // A second call on the same connection does not go back to Salesforce.
    await expect(conn.query('SELECT Id FROM Lead LIMIT 1')).rejects.toThrow(/re-authorized/);
    expect((await sandbox.control.tokenCalls()) - refreshesBefore).toBe(1);

    await connect(tenant.admin, 'SYSTEM');
    expect((await status(tenant.admin)).status).toBe('CONNECTED');
    const again = await connections.forTenant(tenant.id);
    await again.conn.query('SELECT Id FROM Lead LIMIT 1');
    expect(events).toEqual(['needs-reauth', 'connected']);
  });
});

describe('disconnect', () => {
  it('revokes the token at Salesforce, forgets the tokens and keeps the history', async () => {
    const tenant = await service.createTenant('leaving-co');
    await connect(tenant.admin, 'SYSTEM');
    const prisma = service.app.db.prisma;
    const row = await prisma.salesforceConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    const refreshToken = service.app.services.secrets.open(row.refreshTokenEnc!);
    const result = await service.client(tenant.admin).request(Disconnect);
    expect(result.disconnectSalesforce).toEqual({ status: 'NOT_CONNECTED', username: null });
    expect((await sandbox.control.revokedTokens()).map((r) => r.token)).toContain(refreshToken);
    const after = await prisma.salesforceConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(after).toMatchObject({ accessTokenEnc: null, refreshTokenEnc: null, status: 'NOT_CONNECTED' });
    const audit = await prisma.auditEvent.findMany({
      where: { tenantId: tenant.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((e) => e.action)).toEqual(['salesforce.connected', 'salesforce.disconnected']);
    await expect(service.app.services.connections.forTenant(tenant.id)).rejects.toMatchObject({
      status: 'NOT_CONNECTED',
    });
  });
});

describe('secrets', () => {
  /** Every secret and token this file's tenants got, in clear. */
  async function clearSecrets(): Promise<string[]> {
    const { prisma } = service.app.db;
    const { secrets } = service.app.services;
    const rows = await prisma.salesforceConnection.findMany();
    const tokens = rows.flatMap((row) =>
      [row.accessTokenEnc, row.refreshTokenEnc, row.clientSecretEnc]
        .filter((v) => v !== null)
        .map((v) => secrets.open(v)),
    );
    const values = [
      ...tokens,
      ...(await sandbox.control.revokedTokens()).map((r) => r.token),
      ...codes,
      SYSTEM_APP.clientSecret,
      CUSTOM_APP.clientSecret,
    ];
    expect(tokens.length).toBeGreaterThan(4);
    return [...new Set(values)];
  }

  it('are not in any table in clear text', async () => {
    const tenant = await service.createTenant('dump-co');
    await connect(tenant.admin, 'SYSTEM');
    const { sql } = service.app.db;
    const tables = await sql.query<{ name: string }>(
      "SELECT table_schema || '.' || quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
    );
    let dump = '';
    for (const { name } of tables) {
      const rows = await sql.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${name} t`);
      dump += rows.map((r) => r.row).join('\n');
    }
    expect(dump).toContain('"sfUsername"');
    for (const secret of await clearSecrets()) expect(dump).not.toContain(secret);
  });

  it('are in no GraphQL field and no log line', async () => {
    const tenant = await service.createTenant('log-co');
    await service
      .client(tenant.admin)
      .request(SaveCustom, { input: { ...CUSTOM_APP, loginUrl: sandbox.url } });
    await connect(tenant.admin, 'CUSTOM');
    const { conn } = await service.app.services.connections.forTenant(tenant.id);
    await sandbox.control.expireAccessTokens();
    await conn.query('SELECT Id FROM Lead LIMIT 1');
    const beforeDisconnect = await clearSecrets();
    await service.client(tenant.admin).request(Disconnect);

    const answers = [
      await service.client(tenant.admin).request(ConnectionStatus),
      await service.client(system).request(SystemApp),
    ];
    for (const type of ['SalesforceConnection', 'SalesforceCustomConfiguration', 'SystemSalesforceApp']) {
      const fields = (await service.client(system).request(FieldsOf, { name: type })).__type?.fields ?? [];
      expect(fields.map((f) => f.name).filter((name) => /secret|token/i.test(name))).toEqual([]);
    }
    const text = JSON.stringify(answers) + service.logs.join('');
    expect(service.logs.join('')).toContain('salesforce session refreshed');
    for (const secret of [...beforeDisconnect, ...(await clearSecrets())]) expect(text).not.toContain(secret);
  });
});

// Issue 16, point 3: an ADMIN pointing the custom configuration at their own "account server" made the service call
// internal addresses with the access token, post chat content there, and hand over the stored client secret and the
// live refresh token. Replayed here against a rogue account server (a node:http server in this file, listed by the
// operator so that its token answers are read at all) and an "internal" server nothing may ever reach.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.ts';
import { EndpointPolicy } from '../../src/salesforce/endpoints.ts';
import { recordUrl } from '../../src/salesforce/record-links.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { pageMessage } from '../connect/support.ts';
import { graphql } from '../generated/gql.ts';
import { TestBrowser } from '../support/browser.ts';
import { startService, type TestService } from '../support/service.ts';

const SaveCustom = graphql(`
  mutation EndpointsSaveCustom($input: SaveSalesforceCustomConfigurationInput!) {
    saveSalesforceCustomConfiguration(input: $input) {
      __typename
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

const SetSystemApp = graphql(`
  mutation EndpointsSetSystemApp($input: SetSystemSalesforceAppInput!) {
    setSystemSalesforceApp(input: $input) {
      __typename
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

const Start = graphql(`
  mutation EndpointsStart($configuration: SalesforceConfigurationKind!) {
    startSalesforceConnection(configuration: $configuration) {
      __typename
      ... on MutationStartSalesforceConnectionSuccess {
        data {
          authorizationUrl
        }
      }
    }
  }
`);

const Status = graphql(`
  query EndpointsStatus {
    salesforceConnection {
      status
      username
      instanceUrl
      lastError
    }
    syncRecords(first: 5) {
      edges {
        node {
          objects {
            url
          }
        }
      }
    }
  }
`);

interface Seen {
  method: string;
  path: string;
  authorization: string | null;
  body: string;
}

/** A local HTTP server that records every request and answers with `handle`. */
async function recordingServer(
  handle: (req: IncomingMessage, body: string) => { status: number; body?: unknown; location?: string },
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization ?? null,
        body,
      });
      const answer = handle(req, body);
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        ...(answer.location ? { location: answer.location } : {}),
      });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let sandbox: Sandbox;
let service: TestService;
let system: string;
let internal: Awaited<ReturnType<typeof recordingServer>>;
let rogue: Awaited<ReturnType<typeof recordingServer>>;
/** What the rogue's token endpoint answers for a real code (login) or a refresh. */
let rogueAnswer: { instance_url: string; id: string };
const ROGUE_APP = { clientId: 'rogue-app', clientSecret: 'rogue-secret' };
const SANDBOX_APP = { clientId: 'honest-app', clientSecret: 'honest-secret-5e6f7a' };
const SYSTEM_APP = { clientId: 'platform-app', clientSecret: 'platform-secret-8b9c' };

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  internal = await recordingServer(() => ({ status: 200, body: { username: 'leaked-metadata-secret' } }));
  rogue = await recordingServer((req, body) => {
    const url = new URL(req.url ?? '/', 'http://rogue');
    if (url.pathname === '/services/oauth2/authorize') {
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.search = new URLSearchParams({
        code: 'rogue-code',
        state: url.searchParams.get('state')!,
      }).toString();
      return { status: 302, location: back.toString() };
    }
    if (url.pathname === '/services/oauth2/token') {
      const form = new URLSearchParams(body);
      if (form.get('code') === 'cloudcx-credentials-check') {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'authentication failure' } };
      }
      return {
        status: 200,
        body: {
          access_token: 'rogue-access',
          refresh_token: 'rogue-refresh',
          token_type: 'Bearer',
          ...rogueAnswer,
        },
      };
    }
    if (url.pathname.startsWith('/id/')) {
      return {
        status: 200,
        body: { user_id: '005R', organization_id: '00DR', username: 'rogue@org.example' },
      };
    }
    if (url.pathname.startsWith('/services/data/')) {
      return {
        status: 401,
        body: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }],
      };
    }
    return { status: 404, body: {} };
  });
  // The operator lists the sandbox and the rogue server; the internal server is listed nowhere.
  service = await startService({ SALESFORCE_ALLOWED_HOSTS: `${sandbox.url} ${rogue.url}` });
  system = await service.systemKey();
  const callbackUrls = [`${service.url}/api/v2.0/integration/app/callback/api/salesforce`];
  await sandbox.control.createConnectedApp({ ...SANDBOX_APP, callbackUrls });
  await sandbox.control.createConnectedApp({ ...SYSTEM_APP, callbackUrls });
});
afterAll(async () => {
  await service?.close();
  await sandbox?.close();
  for (const s of [internal, rogue]) if (s) await new Promise((resolve) => s.server.close(resolve));
});

async function connect(admin: string, configuration: 'SYSTEM' | 'CUSTOM') {
  const started = (await service.client(admin).request(Start, { configuration })).startSalesforceConnection;
  if (started.__typename !== 'MutationStartSalesforceConnectionSuccess') throw new Error(started.__typename);
  const { response } = await new TestBrowser().open(started.data.authorizationUrl);
  const html = await response.text();
  return {
    status: response.status,
    code: /"code":"([A-Z_]+)"/.exec(html)?.[1] ?? null,
    message: await pageMessage(new Response(html)),
  };
}

function connectionRow(tenantId: string) {
  return service.app.db.prisma.salesforceConnection.findUniqueOrThrow({ where: { tenantId } });
}

/** Every request the rogue got whose text carries `secret`. */
function rogueSaw(secret: string): Seen[] {
  return rogue.seen.filter(
    (s) => s.body.includes(secret) || s.path.includes(secret) || s.authorization?.includes(secret),
  );
}

describe('which addresses are Salesforce', () => {
  it("allows https on Salesforce's own domains and the listed origins, nothing else", () => {
    const policy = new EndpointPolicy(['http://127.0.0.1:4001', 'https://sf-proxy.corp.example']);
    const allowed = [
      'https://login.salesforce.com',
      'https://test.salesforce.com',
      'https://acme.my.salesforce.com',
      'https://acme--uat.sandbox.my.salesforce.com',
      'https://acme-dev-ed.develop.my.salesforce.com',
      'https://na30.salesforce.com',
      'https://acme.cloudforce.com',
      'https://acme.my.salesforce.mil',
      'https://login.database.com',
      'http://127.0.0.1:4001',
      'https://sf-proxy.corp.example/id/00D/005',
    ];
    const refused = [
      'http://login.salesforce.com',
      'https://login.salesforce.com:8443',
      'https://salesforce.com.evil.example',
      'https://evilsalesforce.com',
      'https://169.254.169.254',
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:4002',
      'http://localhost:4001',
      'https://user:pass@login.salesforce.com',
      'javascript:alert(document.cookie)//',
      'file:///etc/passwd',
      'not a url',
    ];
    expect(allowed.filter((url) => 'refusal' in policy.check(url))).toEqual([]);
    expect(refused.filter((url) => 'origin' in policy.check(url))).toEqual([]);
  });

  it("takes the operator's list from SALESFORCE_ALLOWED_HOSTS as origins, and refuses anything else", () => {
    const config = readConfig({
      SALESFORCE_ALLOWED_HOSTS: 'http://127.0.0.1:4001/, sf-proxy.corp.example  https://x.example:8443',
    });
    expect(config.salesforceAllowedOrigins).toEqual([
      'http://127.0.0.1:4001',
      'https://sf-proxy.corp.example',
      'https://x.example:8443',
    ]);
    expect(readConfig({}).salesforceAllowedOrigins).toEqual([]);
    for (const bad of ['ftp://files.example', 'https://sf.example/services', 'https://user:pw@sf.example']) {
      expect(() => readConfig({ SALESFORCE_ALLOWED_HOSTS: bad })).toThrow(ConfigError);
    }
  });

  it('builds record links only from a plain http(s) origin', () => {
    expect(recordUrl('https://acme.my.salesforce.com', 'Lead', '00Q000000000001')).toBe(
      'https://acme.my.salesforce.com/lightning/r/Lead/00Q000000000001/view',
    );
    for (const bad of [
      'javascript:alert(1)//',
      'javascript://acme.my.salesforce.com/%0aalert(1)',
      'data:text/html,x',
    ]) {
      expect(recordUrl(bad, 'Lead', '00Q000000000001')).toBeNull();
    }
    expect(recordUrl('https://acme.my.salesforce.com', 'Lead/../../x', '1')).toBeNull();
  });
});

describe('the login URL', () => {
  it('is refused unless it is Salesforce or listed, and the refused address is never called', async () => {
    const tenant = await service.createTenant('ssrf-login');
    const cases = [
      {
        loginUrl: internal.url,
        message: /must start with https:\/\/ \(http:\/\/ only for a host the platform operator lists/,
      },
      {
        loginUrl: 'https://169.254.169.254',
        message: /^https:\/\/169\.254\.169\.254 is not a Salesforce address\./,
      },
      { loginUrl: 'https://login.salesforce.com.evil.example', message: /is not a Salesforce address/ },
    ];
    for (const { loginUrl, message } of cases) {
      const saved = await service
        .client(tenant.admin)
        .request(SaveCustom, { input: { ...ROGUE_APP, loginUrl } });
      expect(saved.saveSalesforceCustomConfiguration).toMatchObject({
        __typename: 'InvalidInputError',
        field: 'loginUrl',
        message: expect.stringMatching(message),
      });
      const set = await service.client(system).request(SetSystemApp, { input: { ...ROGUE_APP, loginUrl } });
      expect(set.setSystemSalesforceApp).toMatchObject({
        __typename: 'InvalidInputError',
        field: 'loginUrl',
      });
    }
    expect(internal.seen).toEqual([]);
  });
});

describe('a token answer', () => {
  const refusedAnswers = () => [
    {
      name: 'instance_url and id on an internal address',
      answer: {
        instance_url: internal.url,
        id: `${internal.url}/latest/meta-data/iam/security-credentials/x`,
      },
      message:
        /^The account server answered with an instance_url that does not use https: http:\/\/127\.0\.0\.1:\d+\. Nothing was sent to it\./,
    },
    {
      name: 'a javascript: instance_url',
      answer: { instance_url: 'javascript:alert(document.cookie)//', id: `${rogue.url}/id/00DR/005R` },
      message: /instance_url that is not an http\(s\) address/,
    },
    {
      name: 'an id on another (even listed) host than the login host',
      answer: { instance_url: rogue.url, id: `${sandbox.url}/id/00DR/005R` },
      message: /an id that is not on the domain of the account server that issued the token/,
    },
    {
      name: 'an id on a metadata address behind a Salesforce instance_url',
      answer: { instance_url: 'https://acme.my.salesforce.com', id: 'https://169.254.169.254/id/00DR/005R' },
      message: /an id that is not on Salesforce's domains and not in SALESFORCE_ALLOWED_HOSTS/,
    },
  ];

  it('is refused with a coded error when instance_url or id is not allowed, and nothing is fetched from them', async () => {
    const tenant = await service.createTenant('ssrf-token');
    const saved = await service
      .client(tenant.admin)
      .request(SaveCustom, { input: { ...ROGUE_APP, loginUrl: rogue.url } });
    expect(saved.saveSalesforceCustomConfiguration.__typename).toBe(
      'MutationSaveSalesforceCustomConfigurationSuccess',
    );
    for (const { name, answer, message } of refusedAnswers()) {
      rogueAnswer = answer;
      const before = rogue.seen.length;
      const page = await connect(tenant.admin, 'CUSTOM');
      expect({ name, status: page.status, code: page.code }).toEqual({
        name,
        status: 400,
        code: 'UNTRUSTED_ENDPOINT',
      });
      expect(page.message).toMatch(message);
      expect(page.message).toMatch(/Nothing was connected\.$/);
      // The rogue got the code exchange and nothing else: no identity read, no API call with its token.
      expect(rogue.seen.slice(before).filter((s) => s.authorization !== null)).toEqual([]);
      const row = await connectionRow(tenant.id);
      expect(row).toMatchObject({
        status: 'NOT_CONNECTED',
        accessTokenEnc: null,
        refreshTokenEnc: null,
        instanceUrl: null,
      });
      expect(row.lastError).toMatch(message);
    }
    expect(internal.seen).toEqual([]);
  });

  it('on the login host itself is used, and a refresh answer naming an internal address is refused', async () => {
    const tenant = await service.createTenant('ssrf-refresh');
    await service.client(tenant.admin).request(SaveCustom, { input: { ...ROGUE_APP, loginUrl: rogue.url } });
    rogueAnswer = { instance_url: rogue.url, id: `${rogue.url}/id/00DR/005R` };
    expect(await connect(tenant.admin, 'CUSTOM')).toMatchObject({
      status: 200,
      message: /as rogue@org\.example/,
    });
    // The rogue's API answers 401, so jsforce refreshes: this time the answer points at the internal server.
    rogueAnswer = { instance_url: internal.url, id: `${rogue.url}/id/00DR/005R` };
    const { conn } = await service.app.services.connections.forTenant(tenant.id);
    await expect(conn.query('SELECT Id FROM Lead')).rejects.toThrow(/must be re-authorized/);
    const status = (await service.client(tenant.admin).request(Status)).salesforceConnection;
    expect(status).toMatchObject({
      status: 'NEEDS_REAUTH',
      lastError: expect.stringMatching(/refresh answer was refused: .*instance_url that does not use https/),
    });
    expect(internal.seen).toEqual([]);
  });
});

describe('a stored instance address that is not Salesforce', () => {
  it('is never called and never becomes a link', async () => {
    // As a row written before these checks existed could hold it.
    const tenant = await service.createTenant('legacy-row');
    const { secrets } = service.app.services;
    const prisma = service.app.db.prisma;
    await prisma.salesforceConnection.create({
      data: {
        tenantId: tenant.id,
        configurationKind: 'SYSTEM',
        loginUrl: sandbox.url,
        tokenLoginUrl: sandbox.url,
        status: 'CONNECTED',
        instanceUrl: 'javascript:alert(document.cookie)//',
        accessTokenEnc: secrets.seal('legacy-access'),
        refreshTokenEnc: secrets.seal('legacy-refresh'),
        connectedAt: new Date(),
      },
    });
    await prisma.syncRecord.create({
      data: {
        tenantId: tenant.id,
        sourceKind: 'CHAT',
        sourceId: 'legacy-chat',
        status: 'SYNCED',
        objects: { create: { role: 'lead', sobjectType: 'Lead', salesforceId: '00Q000000000001AAA' } },
      },
    });
    const answer = await service.client(tenant.admin).request(Status);
    expect(answer.salesforceConnection.instanceUrl).toBeNull();
    expect(answer.syncRecords.edges.map((e) => e.node.objects)).toEqual([[{ url: null }]]);
    await expect(service.app.services.connections.forTenant(tenant.id)).rejects.toMatchObject({
      status: 'NEEDS_REAUTH',
    });
    const status = (await service.client(tenant.admin).request(Status)).salesforceConnection;
    expect(status).toMatchObject({
      status: 'NEEDS_REAUTH',
      lastError: expect.stringMatching(/is not a Salesforce address\. Reconnect to Salesforce\./),
    });
  });
});

describe('the stored client secret and the tokens', () => {
  it('are not sent to a new login URL: re-saving with one needs the secret again', async () => {
    const tenant = await service.createTenant('secret-keeper');
    const first = await service
      .client(tenant.admin)
      .request(SaveCustom, { input: { ...SANDBOX_APP, loginUrl: sandbox.url } });
    expect(first.saveSalesforceCustomConfiguration.__typename).toBe(
      'MutationSaveSalesforceCustomConfigurationSuccess',
    );
    const moved = await service
      .client(tenant.admin)
      .request(SaveCustom, { input: { clientId: SANDBOX_APP.clientId, loginUrl: rogue.url } });
    expect(moved.saveSalesforceCustomConfiguration).toEqual({
      __typename: 'InvalidInputError',
      field: 'clientSecret',
      message:
        `Enter the client secret again: the account server address changed (from ${sandbox.url} to ${rogue.url}), ` +
        'and a saved secret is only ever sent to the server it was saved for.',
    });
    // The same address without the secret keeps the stored one.
    const same = await service
      .client(tenant.admin)
      .request(SaveCustom, { input: { clientId: SANDBOX_APP.clientId, loginUrl: `${sandbox.url}/` } });
    expect(same.saveSalesforceCustomConfiguration.__typename).toBe(
      'MutationSaveSalesforceCustomConfigurationSuccess',
    );
    // The system configuration follows the same rule.
    await service.client(system).request(SetSystemApp, { input: { ...SYSTEM_APP, loginUrl: sandbox.url } });
    const systemMoved = await service
      .client(system)
      .request(SetSystemApp, { input: { clientId: SYSTEM_APP.clientId, loginUrl: rogue.url } });
    expect(systemMoved.setSystemSalesforceApp).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'clientSecret',
      message: expect.stringMatching(/^Enter the client secret again/),
    });
    expect(rogueSaw(SANDBOX_APP.clientSecret)).toEqual([]);
    expect(rogueSaw(SYSTEM_APP.clientSecret)).toEqual([]);
  });

  it('are dropped when the custom login URL changes while connected, revoked at the server that issued them', async () => {
    const tenant = await service.createTenant('moving-co');
    await service
      .client(tenant.admin)
      .request(SaveCustom, { input: { ...SANDBOX_APP, loginUrl: sandbox.url } });
    expect(await connect(tenant.admin, 'CUSTOM')).toMatchObject({ status: 200 });
    const { secrets } = service.app.services;
    const refreshToken = secrets.open((await connectionRow(tenant.id)).refreshTokenEnc!);
    const saved = await service
      .client(tenant.admin)
      .request(SaveCustom, { input: { ...ROGUE_APP, loginUrl: rogue.url } });
    expect(saved.saveSalesforceCustomConfiguration.__typename).toBe(
      'MutationSaveSalesforceCustomConfigurationSuccess',
    );
    expect((await service.client(tenant.admin).request(Status)).salesforceConnection).toEqual({
      status: 'NOT_CONNECTED',
      username: null,
      instanceUrl: null,
      lastError:
        `Disconnected because the account server address of the custom configuration changed from ${sandbox.url} ` +
        `to ${rogue.url}. Connect again with "Connect with Salesforce".`,
    });
    expect(await connectionRow(tenant.id)).toMatchObject({ accessTokenEnc: null, refreshTokenEnc: null });
    expect((await sandbox.control.revokedTokens()).map((r) => r.token)).toContain(refreshToken);
    expect(rogueSaw(refreshToken)).toEqual([]);
  });

  it('are refreshed only at the server that issued the refresh token, even when the system app moves', async () => {
    const tenant = await service.createTenant('system-co');
    await service.client(system).request(SetSystemApp, { input: { ...SYSTEM_APP, loginUrl: sandbox.url } });
    expect(await connect(tenant.admin, 'SYSTEM')).toMatchObject({ status: 200 });
    const refreshToken = service.app.services.secrets.open((await connectionRow(tenant.id)).refreshTokenEnc!);
    const { conn } = await service.app.services.connections.forTenant(tenant.id);
    await conn.query('SELECT Id FROM Lead LIMIT 1');
    const moved = await service
      .client(system)
      .request(SetSystemApp, { input: { ...ROGUE_APP, loginUrl: rogue.url } });
    expect(moved.setSystemSalesforceApp.__typename).toBe('MutationSetSystemSalesforceAppSuccess');
    const tokenCalls = await sandbox.control.tokenCalls();
    await sandbox.control.expireAccessTokens();
    await expect(conn.query('SELECT Id FROM Lead LIMIT 1')).rejects.toThrow(/must be re-authorized/);
    expect((await service.client(tenant.admin).request(Status)).salesforceConnection).toMatchObject({
      status: 'NEEDS_REAUTH',
      lastError:
        `The account server of the system configuration changed from ${sandbox.url} to ${rogue.url} since this ` +
        'connection was made. Reconnect to Salesforce.',
    });
    expect(rogueSaw(refreshToken)).toEqual([]);
    expect(await sandbox.control.tokenCalls()).toBe(tokenCalls);
  });
});

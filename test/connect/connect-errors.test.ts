// Errors an admin can act on while configuring and connecting, that need no Salesforce: addresses, the state of
// the OAuth callback, a missing configuration, roles. (Errors Salesforce itself reports: connect-sandbox.test.ts.)
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KEY_FILE, SecretBox } from '../../src/crypto.ts';
import { graphql } from '../generated/gql.ts';
import { TestBrowser } from '../support/browser.ts';
import { graphqlError } from '../support/graphql-errors.ts';
import { type ConnectService, closedPort, get, pageMessage, startConnectService } from './support.ts';

const SaveCustom = graphql(`
  mutation SaveCustomForErrors($input: SaveSalesforceCustomConfigurationInput!) {
    saveSalesforceCustomConfiguration(input: $input) {
      __typename
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

const Start = graphql(`
  mutation StartForErrors($configuration: SalesforceConfigurationKind!) {
    startSalesforceConnection(configuration: $configuration) {
      __typename
      ... on MutationStartSalesforceConnectionSuccess {
        data {
          authorizationUrl
          expiresAt
        }
      }
      ... on SalesforceConfigurationMissingError {
        message
        configuration
      }
    }
  }
`);

const Connection = graphql(`
  query ConnectionForErrors {
    salesforceConnection {
      status
      lastError
      callbackUrl
    }
  }
`);

let service: ConnectService;
let tenant: Awaited<ReturnType<ConnectService['createTenant']>>;
/** A listed local port nothing answers on. */
let closed: number;

beforeAll(async () => {
  closed = await closedPort();
  service = await startConnectService({
    SALESFORCE_ALLOWED_HOSTS: `http://127.0.0.1:9, http://127.0.0.1:${closed}`,
  });
  tenant = await service.createTenant('acme');
});
afterAll(() => service?.close());
afterEach(() => vi.useRealTimers());

async function save(input: { clientId: string; clientSecret?: string; loginUrl: string; crmUrl?: string }) {
  return (await service.client(tenant.admin).request(SaveCustom, { input }))
    .saveSalesforceCustomConfiguration;
}

/**
 * A custom configuration whose account server is never reached: the state checks come first. The admin's browser
 * opens our start route (which sets its cookie and redirects to the account server, not followed here).
 */
async function startWithoutSalesforce(): Promise<{ state: string; browser: TestBrowser }> {
  await service.app.db.prisma.salesforceConnection.upsert({
    where: { tenantId: tenant.id },
    create: {
      tenantId: tenant.id,
      configurationKind: 'CUSTOM',
      clientId: 'client-id',
      clientSecretEnc: service.app.services.secrets.seal('client-secret'),
      loginUrl: 'http://127.0.0.1:9',
    },
    update: {},
  });
  const started = (await service.client(tenant.admin).request(Start, { configuration: 'CUSTOM' }))
    .startSalesforceConnection;
  if (started.__typename !== 'MutationStartSalesforceConnectionSuccess') throw new Error(started.__typename);
  const browser = new TestBrowser();
  const opened = await browser.get(started.data.authorizationUrl);
  expect(opened.status).toBe(302);
  return { state: new URL(started.data.authorizationUrl).searchParams.get('state')!, browser };
}

function callback(query: Record<string, string>, browser?: TestBrowser) {
  const url = `${service.url}/api/v2.0/integration/app/callback/api/salesforce?${new URLSearchParams(query)}`;
  return browser ? browser.get(url) : get(url);
}

describe('the account server address', () => {
  it('must use https, except on a host the operator listed', async () => {
    for (const loginUrl of ['http://login.salesforce.com', 'http://127.0.0.1:8']) {
      expect(await save({ clientId: 'a', clientSecret: 'b', loginUrl })).toEqual({
        __typename: 'InvalidInputError',
        field: 'loginUrl',
        message:
          'The account server address must start with https:// (http:// only for a host the platform operator ' +
          'lists in SALESFORCE_ALLOWED_HOSTS).',
      });
    }
  });

  it('is an address without a path', async () => {
    expect(
      await save({
        clientId: 'a',
        clientSecret: 'b',
        loginUrl: 'https://login.salesforce.com/services/oauth2',
      }),
    ).toMatchObject({
      field: 'loginUrl',
      message:
        'Enter only the account server address, without a path, e.g. https://login.salesforce.com or https://test.salesforce.com.',
    });
    expect(await save({ clientId: 'a', clientSecret: 'b', loginUrl: 'login.salesforce.com' })).toMatchObject({
      message:
        '"login.salesforce.com" is not an address. Enter the account server address, e.g. https://login.salesforce.com.',
    });
  });

  it('must answer', async () => {
    expect(await save({ clientId: 'a', clientSecret: 'b', loginUrl: `http://127.0.0.1:${closed}/` })).toEqual(
      {
        __typename: 'InvalidInputError',
        field: 'loginUrl',
        message: `The account server http://127.0.0.1:${closed} could not be reached (ECONNREFUSED). Check the address.`,
      },
    );
  });

  it('is not a Lightning address, and the CRM address follows the same rules', async () => {
    expect(
      await save({ clientId: 'a', clientSecret: 'b', loginUrl: 'https://acme.lightning.force.com' }),
    ).toMatchObject({ field: 'loginUrl', message: expect.stringMatching(/is a Lightning address/) });
    expect(
      await save({ clientId: 'a', clientSecret: 'b', loginUrl: 'http://127.0.0.1:9', crmUrl: 'ftp://x' }),
    ).toMatchObject({
      field: 'crmUrl',
      message: expect.stringMatching(/^The CRM address must start with https/),
    });
  });

  it('comes with a client id and a client secret', async () => {
    expect(await save({ clientId: ' ', clientSecret: 'b', loginUrl: 'http://127.0.0.1:9' })).toMatchObject({
      field: 'clientId',
    });
    expect(await save({ clientId: 'a', loginUrl: 'http://127.0.0.1:9' })).toMatchObject({
      field: 'clientSecret',
      message: 'Enter the client secret: the Consumer Secret of the connected app (Manage Consumer Details).',
    });
  });
});

describe('starting a connection', () => {
  it('needs the chosen configuration to exist', async () => {
    const other = await service.createTenant('globex');
    const result = await service.client(other.admin).request(Start, { configuration: 'SYSTEM' });
    expect(result.startSalesforceConnection).toEqual({
      __typename: 'SalesforceConfigurationMissingError',
      configuration: 'SYSTEM',
      message:
        'The platform has no Salesforce connected app yet: ask your CloudCX system administrator to set it up, ' +
        'or use a custom configuration.',
    });
    expect(
      (await service.client(other.admin).request(Start, { configuration: 'CUSTOM' }))
        .startSalesforceConnection,
    ).toMatchObject({ configuration: 'CUSTOM' });
  });

  it('is for admins only', async () => {
    const error = await graphqlError(
      service.client(tenant.agent).request(Start, { configuration: 'CUSTOM' }),
    );
    expect(error).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('shows the callback URL to paste into the connected app', async () => {
    const { salesforceConnection } = await service.client(tenant.agent).request(Connection);
    expect(salesforceConnection.callbackUrl).toBe(
      `${service.url}/api/v2.0/integration/app/callback/api/salesforce`,
    );
  });
});

describe('the OAuth callback refuses', () => {
  it('a tampered state', async () => {
    const { state, browser } = await startWithoutSalesforce();
    const [id] = state.split('.');
    for (const forged of [`${id}.AAAA${state.slice(id!.length + 5)}`, 'made-up.state', '']) {
      const response = await callback({ code: 'x', state: forged }, browser);
      expect(response.status).toBe(400);
      expect(await pageMessage(response)).toBe(
        'This sign-in link is not valid: it was altered or does not come from this service. Start again with "Connect with Salesforce".',
      );
    }
  });

  it('a denied consent, then the same state replayed', async () => {
    const { state, browser } = await startWithoutSalesforce();
    const denied = await callback(
      { error: 'access_denied', error_description: 'end-user denied authorization', state },
      browser,
    );
    expect(await pageMessage(denied)).toBe(
      'You denied CloudCX access to Salesforce, so nothing was connected. To connect, start again and click "Allow".',
    );
    const { salesforceConnection } = await service.client(tenant.admin).request(Connection);
    expect(salesforceConnection).toMatchObject({
      status: 'NOT_CONNECTED',
      lastError: expect.stringMatching(/denied/),
    });
    const replayed = await callback({ code: 'x', state }, browser);
    expect(await pageMessage(replayed)).toBe(
      'This sign-in link was already used. Start again with "Connect with Salesforce".',
    );
  });

  it('an expired state', async () => {
    const { state, browser } = await startWithoutSalesforce();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11 * 60 * 1000);
    const response = await callback({ code: 'x', state }, browser);
    expect(await pageMessage(response)).toBe(
      'This sign-in link expired: it is valid for 10 minutes. Start again with "Connect with Salesforce".',
    );
  });

  it('a state of one tenant used for another: the state decides the tenant, and it is bound by signature', async () => {
    const { state, browser } = await startWithoutSalesforce();
    const row = await service.app.db.prisma.oAuthState.findUniqueOrThrow({
      where: { id: state.split('.')[0] },
    });
    const other = await service.createTenant('initech');
    await service.app.db.prisma.oAuthState.update({ where: { id: row.id }, data: { tenantId: other.id } });
    expect(await pageMessage(await callback({ code: 'x', state }, browser))).toMatch(
      /^This sign-in link is not valid/,
    );
  });
});

describe('the encryption key', () => {
  it('is generated once into the data folder, readable only by its owner, with a warning in the log', () => {
    const file = path.join(service.dataDir, KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(service.logs.join('')).toContain('ENCRYPTION_KEY is not set');
  });

  it('seals with a random IV in a versioned format that detects tampering', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const sealed = box.seal('00Dxx!secret');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
    expect(box.seal('00Dxx!secret')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('00Dxx!secret');
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => box.open(`v1:${bytes.toString('base64')}`)).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 8)).open(sealed)).toThrow();
  });
});

// Issue 16, point 7: anyone who opened a tenant's authorization link could complete it with their own Salesforce
// login, leaving the tenant connected to that person's org (consent phishing). The link is now our start route,
// which binds the flow to the first browser that opens it through an HttpOnly nonce cookie checked at the callback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { pageMessage } from '../connect/support.ts';
import { graphql } from '../generated/gql.ts';
import { TestBrowser } from '../support/browser.ts';
import { startService, type TestService } from '../support/service.ts';

const Start = graphql(`
  mutation StateBindingStart {
    startSalesforceConnection(configuration: CUSTOM) {
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
  query StateBindingStatus {
    salesforceConnection {
      status
      username
    }
  }
`);

const CALLBACK_PATH = '/api/v2.0/integration/app/callback/api/salesforce';
const APP = { clientId: 'binding-app', clientSecret: 'binding-secret-3d4e' };

let sandbox: Sandbox;
let service: TestService;

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  service = await startService({ SALESFORCE_ALLOWED_HOSTS: sandbox.url });
  await sandbox.control.createConnectedApp({ ...APP, callbackUrls: [`${service.url}${CALLBACK_PATH}`] });
});
afterAll(async () => {
  await service?.close();
  await sandbox?.close();
});

/** A tenant with a custom configuration on the sandbox, as its admin saves it. */
async function tenantWithApp(slug: string, on: TestService = service) {
  const tenant = await on.createTenant(slug);
  await on.app.services.connections.apps.saveCustom(tenant.id, { ...APP, loginUrl: sandbox.url });
  return tenant;
}

async function authorizationUrl(admin: string, on: TestService = service): Promise<string> {
  const started = (await on.client(admin).request(Start)).startSalesforceConnection;
  if (started.__typename !== 'MutationStartSalesforceConnectionSuccess') throw new Error(started.__typename);
  return started.data.authorizationUrl;
}

describe('the authorization link', () => {
  it('is our own start route, which sets an HttpOnly, SameSite=Lax nonce cookie on the callback path and goes to Salesforce', async () => {
    const tenant = await tenantWithApp('start-route');
    const link = await authorizationUrl(tenant.admin);
    expect(link.startsWith(`${service.url}/api/v2.0/integration/app/start/salesforce?state=`)).toBe(true);
    const response = await new TestBrowser().get(link);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${sandbox.url}/services/oauth2/authorize`);
    expect(location.searchParams.get('state')).toBe(new URL(link).searchParams.get('state'));
    const [cookie, ...others] = response.headers.getSetCookie();
    expect(others).toEqual([]);
    expect(cookie).toMatch(
      new RegExp(
        `^cxsf_oauth_[\\w-]+=[\\w-]{32}; Path=${CALLBACK_PATH.replace(/\./g, '\\.')}; Max-Age=600; HttpOnly; SameSite=Lax$`,
      ),
    );
  });

  it('sets a Secure cookie when browsers reach the service over https', async () => {
    const https = await startService({
      SALESFORCE_ALLOWED_HOSTS: sandbox.url,
      PUBLIC_BASE_URL: 'https://cx.example',
    });
    try {
      const tenant = await tenantWithApp('secure-cookie', https);
      const link = await authorizationUrl(tenant.admin, https);
      expect(link.startsWith('https://cx.example/api/v2.0/integration/app/start/salesforce?')).toBe(true);
      // Behind the TLS proxy: the request reaches the handler as it would from the proxy.
      const response = await https.app.yoga.fetch(link, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.getSetCookie()[0]).toMatch(/; HttpOnly; SameSite=Lax; Secure$/);
    } finally {
      await https.close();
    }
  });

  it('forwarded after the admin opened it, cannot be completed in another browser; the admin still can', async () => {
    const tenant = await tenantWithApp('forwarded');
    const admin = new TestBrowser();
    const opened = await admin.get(await authorizationUrl(tenant.admin));
    // The address bar now shows Salesforce's authorization URL: this is what gets forwarded.
    const salesforceUrl = opened.headers.get('location')!;
    const other = await new TestBrowser().open(salesforceUrl);
    expect(other.url.startsWith(`${service.url}${CALLBACK_PATH}?`)).toBe(true);
    expect(other.response.status).toBe(400);
    expect(await pageMessage(other.response)).toBe(
      'This sign-in was not started in this browser, so it cannot be finished here: a connection is completed only ' +
        'in the browser where "Connect with Salesforce" was clicked (with cookies allowed). Start again with ' +
        '"Connect with Salesforce".',
    );
    expect((await service.client(tenant.admin).request(Status)).salesforceConnection.status).toBe(
      'NOT_CONNECTED',
    );
    const mine = await admin.open(salesforceUrl);
    expect(await pageMessage(mine.response)).toMatch(/^Connected to Salesforce as /);
    expect((await service.client(tenant.admin).request(Status)).salesforceConnection.status).toBe(
      'CONNECTED',
    );
    expect(admin.cookies.size).toBe(0);
  });

  it('opens once: the same link opened in another browser fails with a clear page', async () => {
    const tenant = await tenantWithApp('copied');
    const link = await authorizationUrl(tenant.admin);
    expect((await new TestBrowser().get(link)).status).toBe(302);
    const copy = await new TestBrowser().open(link);
    expect(copy.response.status).toBe(400);
    expect(await pageMessage(copy.response)).toBe(
      'This sign-in link was already opened. It works once, in the browser that opens it first. Start again with ' +
        '"Connect with Salesforce".',
    );
  });

  it('cannot be skipped: a state taken to Salesforce directly, without our start route, is refused', async () => {
    const tenant = await tenantWithApp('skipped');
    const state = new URL(await authorizationUrl(tenant.admin)).searchParams.get('state')!;
    const direct = new URL(`${sandbox.url}/services/oauth2/authorize`);
    direct.search = new URLSearchParams({
      response_type: 'code',
      client_id: APP.clientId,
      redirect_uri: `${service.url}${CALLBACK_PATH}`,
      state,
    }).toString();
    const { response } = await new TestBrowser().open(direct.toString());
    expect(await pageMessage(response)).toMatch(/^This sign-in was not started in this browser/);
    expect((await service.client(tenant.admin).request(Status)).salesforceConnection.status).toBe(
      'NOT_CONNECTED',
    );
  });
});

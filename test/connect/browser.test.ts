// The admin in a real browser (Debian's Chromium, driven by playwright-core): a settings page opens the
// authorization URL (our start route, which sets the browser's nonce cookie) in a popup, the admin approves (or
// denies) on the sandbox's consent page, the popup reports to its opener and closes itself, and the connection
// shows through GraphQL. Another browser given the consent link cannot finish the flow.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import { graphql } from '../generated/gql.ts';
import { findChromium } from '../support/chromium.ts';
import { type ConnectService, startConnectService } from './support.ts';

const SaveCustom = graphql(`
  mutation BrowserSaveCustom($input: SaveSalesforceCustomConfigurationInput!) {
    saveSalesforceCustomConfiguration(input: $input) {
      __typename
    }
  }
`);

const Start = graphql(`
  mutation BrowserStart {
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
  query BrowserStatus {
    salesforceConnection {
      status
      username
      orgId
    }
  }
`);

/** The settings page of the test: a button opens the URL in a popup; the popup's message is shown. */
const SETTINGS_PAGE = `<!doctype html>
<html><body>
<button id="connect" type="button">Connect with Salesforce</button>
<p id="result">waiting</p>
<script>
  const url = new URLSearchParams(location.search).get('authorize');
  document.getElementById('connect').addEventListener('click', () => {
    window.open(url, 'salesforce-connect', 'width=600,height=700');
  });
  window.addEventListener('message', (event) => {
    if (event.data && event.data.source === 'cloudcx-salesforce') {
      document.getElementById('result').textContent = event.data.status + ': ' + event.data.message;
    }
  });
</script>
</body></html>`;

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: ConnectService;
let pageServer: Server;
let pageUrl: string;
let browser: Browser;
let tenant: Awaited<ReturnType<ConnectService['createTenant']>>;

beforeAll(async () => {
  // First: without Chromium the file fails at once, saying how to install it.
  const executablePath = findChromium();
  sandbox = await startSandbox({ autoApprove: false });
  service = await startConnectService({ SALESFORCE_ALLOWED_HOSTS: sandbox.url });
  const callbackUrl = `${service.url}/api/v2.0/integration/app/callback/api/salesforce`;
  const app = { clientId: 'browser-app', clientSecret: 'browser-secret-42' };
  await sandbox.control.createConnectedApp({ ...app, callbackUrls: [callbackUrl] });
  tenant = await service.createTenant('browser-co');
  await service.client(tenant.admin).request(SaveCustom, { input: { ...app, loginUrl: sandbox.url } });
  pageServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(SETTINGS_PAGE);
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  if (pageServer) await new Promise((resolve) => pageServer.close(resolve));
  await service?.close();
  await sandbox?.close();
});

/** Opens the settings page with a fresh authorization URL and clicks "Connect": the consent page pops up. */
async function openConsent(): Promise<{ page: Page; popup: Page }> {
  const started = (await service.client(tenant.admin).request(Start)).startSalesforceConnection;
  if (started.__typename !== 'MutationStartSalesforceConnectionSuccess') throw new Error(started.__typename);
  const page = await browser.newPage();
  await page.goto(`${pageUrl}?${new URLSearchParams({ authorize: started.data.authorizationUrl })}`);
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#connect')]);
  await popup.waitForLoadState();
  return { page, popup };
}

describe('connecting in the browser', () => {
  it('approves in a popup that reports success and closes itself; the account then shows', async () => {
    const org = await sandbox.control.org();
    const { page, popup } = await openConsent();
    const select = popup.locator('select').first();
    if (await select.count()) {
      const options = await select
        .locator('option')
        .evaluateAll((nodes) =>
          nodes.map((node) => ({ value: (node as HTMLOptionElement).value, text: node.textContent ?? '' })),
        );
      const admin = options.find((o) => o.text.includes(org.adminUsername) || o.value === org.adminUserId);
      if (admin) await select.selectOption(admin.value);
    }
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Allow' }).click();
    await closed;
    await expect
      .poll(() => page.textContent('#result'))
      .toBe(`connected: Connected to Salesforce as ${org.adminUsername}. You can close this window.`);
    const { salesforceConnection } = await service.client(tenant.admin).request(Status);
    expect(salesforceConnection).toEqual({
      status: 'CONNECTED',
      username: org.adminUsername,
      orgId: org.organizationId,
    });
    await page.close();
  });

  it('shows a denied consent in the popup and to the opener', async () => {
    const { page, popup } = await openConsent();
    await popup.getByRole('button', { name: 'Deny' }).click();
    await popup.waitForURL(/\/api\/v2\.0\/integration\/app\/callback\/api\/salesforce/);
    const denied =
      'You denied CloudCX access to Salesforce, so nothing was connected. To connect, start again and click "Allow".';
    expect(await popup.textContent('#message')).toBe(denied);
    await expect.poll(() => page.textContent('#result')).toBe(`failed: ${denied}`);
    expect(popup.isClosed()).toBe(false);
    await page.close();
  });

  it('refuses, with a clear page, the consent link forwarded to and approved in another browser', async () => {
    const { page, popup } = await openConsent();
    // The popup shows Salesforce's consent page; its address is what a phisher would forward.
    expect(popup.url().startsWith(`${sandbox.url}/services/oauth2/authorize?`)).toBe(true);
    const stranger = await browser.newPage(); // a new context: another browser, with its own cookies
    await stranger.goto(popup.url());
    await stranger.getByRole('button', { name: 'Allow' }).click();
    await stranger.waitForURL(/\/api\/v2\.0\/integration\/app\/callback\/api\/salesforce/);
    expect(await stranger.textContent('#message')).toBe(
      'This sign-in was not started in this browser, so it cannot be finished here: a connection is completed only ' +
        'in the browser where "Connect with Salesforce" was clicked (with cookies allowed). Start again with ' +
        '"Connect with Salesforce".',
    );
    await stranger.close();
    await page.close();
  });
});

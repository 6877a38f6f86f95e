// The sync console in a real browser (Debian's Chromium through playwright-core) against the service and the
// project's Salesforce sandbox: sign in, see a recorded chat, lose the connection and see chats wait, reconnect
// in a popup and see them sync, resolve a review, and publish a broken mapping to see its diagnostic. Roles: an
// AGENT sees no publish or reconnect, an INTEGRATION key no mapping; a bad key gets the server's own message.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SignJWT } from 'jose';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';
import { TEST_JWT_SECRET } from '../support/service.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const salesYaml = readFileSync(
  path.resolve(import.meta.dirname, '../../mappings/defaults/sales.yaml'),
  'utf8',
);
const at = '2026-11-28T12:00:00.000Z';

let org: ConnectedTenant;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  org = await startConnectedTenant({ slug: 'console-co' });
  // Ambiguous visitors wait for review instead of being matched to the newest record.
  await org.useMapping(salesYaml.replace('onMultiple: mostRecentlyModified', 'onMultiple: none'));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
});
afterAll(async () => {
  await browser?.close();
  await org?.close();
});

const chat = (chatId: string, email: string, waitSeconds?: number) =>
  org.recordChat({
    chatId,
    event: 'ENDED',
    visitor: { name: `Visitor ${chatId}`, email },
    agent: { id: 'a1', email: 'nobody@console.example' },
    startedAt: at,
    endedAt: at,
    waitSeconds,
  });

async function signIn(target: Page, key: string) {
  await target.goto(`${org.service.url}/console`);
  await target.getByLabel('API key or platform token').fill(key);
  await target.getByRole('button', { name: 'Sign in' }).click();
}

/** What axe-core finds wrong on the page, one line per rule broken. */
async function axeViolations(target: Page): Promise<string[]> {
  // Through DevTools, as the page's own policy rightly refuses inline scripts.
  if (!(await target.evaluate(() => 'axe' in window))) await target.evaluate(axeSource);
  return target.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page as a global.
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as Array<{ id: string; nodes: Array<{ target: string[] }> }>).map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
}

const row = (sourceId: string) => page.locator(`tr[data-source="${sourceId}"]`);

describe('the sync console', { timeout: 60_000 }, () => {
  it('signs in with an ADMIN key and shows a recorded chat with its Salesforce records', async () => {
    const synced = await chat('console-1', 'one@console.example', 20);
    expect(synced.status).toBe('SYNCED');
    await signIn(page, org.keys.ADMIN);
    await expect.poll(() => page.locator('#role').textContent()).toBe('ADMIN');
    await row('console-1').waitFor();
    expect(await row('console-1').getAttribute('data-status')).toBe('SYNCED');
    const lead = synced.objects.find((o) => o.role === 'lead')!;
    const link = row('console-1').getByRole('link', { name: `Lead ${lead.salesforceId}` });
    expect(await link.getAttribute('href')).toBe(lead.url);
    // The credential stays in the tab's session storage only.
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([1, 0]);

    // An inbox conversation is its own section.
    const conversation = await org.recordConversation({
      conversationId: 'console-inbox-1',
      event: 'ENDED',
      visitor: { name: 'Inbox Visitor', email: 'inbox@console.example' },
      startedAt: at,
      endedAt: at,
      waitSeconds: 20,
    });
    expect(conversation.status).toBe('SYNCED');
    await page.getByLabel('Section', { exact: true }).selectOption('CONVERSATION');
    await expect
      .poll(() => page.locator('table.log tbody tr[data-source]').allTextContents())
      .toEqual([expect.stringContaining('console-inbox-1Inbox')]);
    await page.getByLabel('Section', { exact: true }).selectOption('CHAT');
    await expect.poll(() => page.locator('table.log tbody tr[data-source]').count()).toBe(1);
    await page.getByLabel('Section', { exact: true }).selectOption('');
    await expect.poll(() => page.locator('table.log tbody tr[data-source]').count()).toBe(2);
    // The visitor column, and the log searched by part of the visitor's name, email or phone.
    expect(await row('console-1').locator('td.visitor').textContent()).toBe(
      'Visitor console-1one@console.example',
    );
    await page.getByLabel('Visitor', { exact: true }).fill('INBOX@console');
    await expect
      .poll(() =>
        page
          .locator('table.log tbody tr[data-source]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-source'))),
      )
      .toEqual(['console-inbox-1']);
    await page.getByLabel('Visitor', { exact: true }).fill('');
    await expect.poll(() => page.locator('table.log tbody tr[data-source]').count()).toBe(2);

    await row('console-1')
      .getByRole('button', { name: /Details/ })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Web chat console-1' }).waitFor();
    expect(
      await dialog.locator('#detail-objects').getByRole('link', { name: lead.salesforceId }).count(),
    ).toBe(1);
    // The plan carried out: the Lead created, linked, and the events the chat received.
    const leadStep = dialog.locator('table.plan tbody tr', { hasText: 'Lead' });
    expect(await leadStep.getAttribute('data-outcome')).toBe('WRITTEN');
    expect(await leadStep.getByRole('link', { name: lead.salesforceId }).getAttribute('href')).toBe(lead.url);
    expect(await dialog.locator('#detail-events tbody tr td:nth-child(2)').allTextContents()).toEqual([
      'chat.ended',
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('shows chats waiting while the connection is lost, and syncing again after reconnecting in a popup', async () => {
    await org.sandbox.control.revokeRefreshTokens();
    await org.sandbox.control.expireAccessTokens();
    await chat('console-2', 'two@console.example');
    await expect
      .poll(() => row('console-2').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('WAITING_FOR_CONNECTION');

    await page.getByRole('link', { name: 'Connection' }).click();
    await expect
      .poll(() => page.locator('#connection-status').getAttribute('data-status'))
      .toBe('NEEDS_REAUTH');
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Reconnect' }).click(),
    ]);
    await popup.waitForEvent('close', { timeout: 15_000 });
    await expect.poll(() => page.locator('#connection-status').getAttribute('data-status')).toBe('CONNECTED');
    expect(await page.locator('#status').textContent()).toMatch(/Connected to Salesforce/);

    await page.getByRole('link', { name: 'Sync log' }).click();
    await expect.poll(() => row('console-2').getAttribute('data-status'), { timeout: 20_000 }).toBe('SYNCED');
  });

  it('resolves a review by picking one of the candidates shown side by side', async () => {
    const twins = [];
    for (const company of ['First Co', 'Second Co']) {
      twins.push(
        (
          await org.sandbox.control.insert('Lead', {
            LastName: 'Twin',
            Company: company,
            Email: 'twin@console.example',
          })
        ).id,
      );
    }
    const waiting = await chat('console-review', 'twin@console.example', 20);
    expect(waiting.status).toBe('NEEDS_REVIEW');
    await page.getByRole('link', { name: 'Review inbox' }).click();
    const card = page.locator('section[data-source="console-review"]');
    await card.waitFor();
    // Side by side: one column per candidate, with the mapping's display fields.
    expect(await card.locator('thead th').count()).toBe(3);
    expect(await card.getByRole('cell', { name: 'Second Co' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await card.getByRole('button', { name: `Pick Lead ${twins[1]}` }).click();
    await card.waitFor({ state: 'detached' });
    expect(await page.locator('#status').textContent()).toContain(`Lead ${twins[1]} picked`);
    await page.getByRole('link', { name: 'Sync log' }).click();
    await expect
      .poll(() => row('console-review').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('SYNCED');
  });

  it('dead-letters what the org refuses, filters it, exports it as CSV and retries all once the org is fixed', async () => {
    // The admin deleted a field the mapping writes: the org refuses every Task until it is back.
    await org.sandbox.control.setSettings({ removedFields: ['Task.ActivityDate'] });
    expect((await chat('console-dead', 'dead@console.example', 20)).status).toBe('DEAD');
    await page.getByLabel('Status', { exact: true }).selectOption('DEAD');
    await expect.poll(() => page.locator('table.log tbody tr[data-source]').count()).toBe(1);
    expect(await row('console-dead').locator('td.error-text').textContent()).toMatch(
      /^The mapping writes a field the org does not have\..*ActivityDate/,
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'id,source,section,status,created,synced,attempts,next attempt,error code,error,salesforce records,visitor,visitor email,visitor phone',
    );
    expect(csv).toContain(',console-dead,Web chat,DEAD,');
    expect(csv.trim().split('\r\n')[1]).toMatch(/,Visitor console-dead,dead@console\.example,$/);
    expect(csv.trim().split('\r\n')).toHaveLength(2);

    await org.sandbox.control.setSettings({ removedFields: [] });
    await page.getByRole('button', { name: 'Retry all dead-lettered' }).click();
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe('1 dead-lettered record(s) queued again.');
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await expect
      .poll(() => row('console-dead').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('SYNCED');
  });

  it("plots the org's API use and says what the governor does", async () => {
    await page.getByRole('link', { name: 'API budget' }).click();
    await expect
      .poll(() => page.locator('#budget-used').textContent())
      .toMatch(/^\d[\d,]* of \d[\d,]* \(\d+\.\d %\)$/);
    expect(await page.locator('#budget-state').textContent()).toMatch(/^OK/);
    expect(
      await page
        .getByRole('img', { name: /API use over this session/ })
        .locator('polyline')
        .count(),
    ).toBe(1);
    // The last 14 days, today last: the share used and the calls per chat, one bar for today.
    const today = new Date().toISOString().slice(0, 10);
    await expect
      .poll(() => page.locator('#history-share').getAttribute('aria-label'))
      .toMatch(new RegExp(`to ${today}$`));
    expect(await page.locator('#history-share rect.bar.share').count()).toBe(1);
    expect(await page.locator('#history-per-chat rect.bar.per-chat').count()).toBe(1);
    expect(await page.locator('#history-per-chat title').textContent()).toMatch(
      new RegExp(`^${today}: \\d+\\.\\d calls per chat$`),
    );
    const [day, calls, , chats] = await page
      .locator('#usage-history tbody tr')
      .first()
      .locator('th, td')
      .allTextContents();
    expect(day).toBe(today);
    expect(Number(calls!.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(Number(chats)).toBeGreaterThanOrEqual(5);
  });

  it('refuses to publish a mapping with an error, showing the diagnostic with line and column', async () => {
    await page.getByRole('link', { name: 'Mapping' }).click();
    const editor = page.getByLabel('Mapping YAML');
    await expect.poll(() => editor.inputValue()).toContain('version: 1');
    const broken = (await editor.inputValue()).replace(
      '    Email: { source: visitor.email',
      '    Emial: { source: visitor.email',
    );
    await editor.fill(broken);
    await page.getByRole('button', { name: 'Publish' }).click();
    const diagnostic = page.locator('#mapping-diagnostics li.error').first();
    await diagnostic.waitFor();
    const line = broken.split('\n').findIndex((l) => l.startsWith('    Emial:')) + 1;
    expect(await diagnostic.textContent()).toContain(`Line ${line}, column 5`);
    expect(await diagnostic.textContent()).toContain('unknown-salesforce-field');
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#status').textContent()).toMatch(/^Not published/);
    expect(await diagnostic.locator('pre').textContent()).toBe(
      `${line} |     Emial: { source: visitor.email, transform: [trim, lowercase], onOverflow: skip }\n${' '.repeat(String(line).length)} |     ^`,
    );
    // The same draft checked against the org's own fields (checkMappingAgainstOrg).
    await page.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('The draft has errors.');
    expect(await page.locator('#mapping-diagnostics li.error').first().textContent()).toContain('Emial');
    await page.getByRole('button', { name: 'Diff with active' }).click();
    await expect.poll(() => page.locator('#mapping-output').textContent()).toContain('+    Emial: { source');
    // Choosing the diagnostic puts the caret on the faulty key.
    await diagnostic.getByRole('button').click();
    expect(
      await editor.evaluate((e: HTMLTextAreaElement) =>
        e.value.slice(e.selectionStart, e.selectionStart + 5),
      ),
    ).toBe('Emial');
  });

  it('publishes a valid draft, compares two versions and rolls back', async () => {
    const editor = page.getByLabel('Mapping YAML');
    const fixed = (await editor.inputValue())
      .replace('    Emial: { source', '    Email: { source')
      .replace(/^description: .*$/m, 'description: Changed in the console');
    await editor.fill(fixed);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await expect
      .poll(() => page.locator('#status').textContent())
      .toMatch(/^Dry run done: lookups ran against the org/);
    const plan = JSON.parse((await page.locator('#mapping-output').textContent())!);
    expect(JSON.stringify(plan)).toContain('"Lead"');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Published as version (\d+)\.$/);
    const published = Number((await page.locator('#status').textContent())!.match(/\d+/)![0]);
    await expect
      .poll(() => page.locator('#mapping-active').textContent())
      .toBe(`Active: version ${published}.`);

    await expect.poll(() => page.getByLabel('with version').inputValue()).toBe(String(published));
    await page.getByRole('button', { name: 'Show diff' }).click();
    await expect
      .poll(() => page.locator('#mapping-output').textContent())
      .toContain('+description: Changed in the console');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Roll back to v${published - 1}` }).click();
    await expect
      .poll(() => page.locator('#status').textContent())
      .toBe(`Rolled back: version ${published + 1} is active.`);
    await expect
      .poll(() => page.locator('#mapping-active').textContent())
      .toBe(`Active: version ${published + 1}.`);
    expect(await editor.inputValue()).not.toContain('Changed in the console');
  });

  it('has no accessibility violations axe-core can find, on any tab', async () => {
    const found: string[] = [];
    for (const tab of ['Sync log', 'Review inbox', 'API budget', 'Connection', 'Mapping']) {
      await page.getByRole('link', { name: tab }).click();
      await page
        .locator('main h1')
        .filter({ hasText: tab === 'Connection' ? 'Salesforce connection' : tab })
        .waitFor();
      await page.waitForTimeout(300);
      found.push(...(await axeViolations(page)).map((v) => `${tab}: ${v}`));
    }
    expect(found).toEqual([]);
  });

  it('shows an AGENT (signed in with a platform token) what an agent may do, and a bad key the server’s refusal', async () => {
    // An agent signs in with a platform token (a JWT from CloudCX) rather than an API key.
    const platformToken = await new SignJWT({
      tenant: org.tenantId,
      role: 'AGENT',
      email: 'grace@console.example',
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agent-7')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const agent = await browser.newPage();
    await signIn(agent, platformToken);
    await expect.poll(() => agent.locator('#role').textContent()).toBe('AGENT');
    expect(await agent.locator('#whoami').textContent()).toContain('grace@console.example');
    await agent.getByRole('link', { name: 'Mapping' }).click();
    await agent.getByLabel('Mapping YAML').waitFor();
    expect(await agent.getByRole('button', { name: 'Publish' }).count()).toBe(0);
    await agent.getByRole('link', { name: 'Connection' }).click();
    await agent.locator('#connection-status').waitFor();
    expect(await agent.getByRole('button', { name: /Reconnect|Disconnect/ }).count()).toBe(0);
    await agent.close();

    const integration = await browser.newPage();
    await signIn(integration, org.keys.INTEGRATION);
    await expect.poll(() => integration.locator('#role').textContent()).toBe('INTEGRATION');
    expect(await integration.getByRole('link', { name: 'Mapping' }).count()).toBe(0);
    await integration.close();

    const stranger = await browser.newPage();
    await signIn(stranger, 'cxsf_not-a-real-key');
    // The server's own words, as GraphQL answers them to the same key.
    const refusal = await fetch(`${org.service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer cxsf_not-a-real-key' },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    const message = ((await refusal.json()) as { errors: Array<{ message: string }> }).errors[0]!.message;
    await expect.poll(() => stranger.locator('#sign-in-error').textContent()).toBe(message);
    expect(await stranger.evaluate(() => sessionStorage.length)).toBe(0);
    await stranger.close();
  });

  it('disconnects only after the admin confirms', async () => {
    await page.getByRole('link', { name: 'Connection' }).click();
    await expect.poll(() => page.locator('#connection-status').getAttribute('data-status')).toBe('CONNECTED');
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.waitForTimeout(300);
    expect(await page.locator('#connection-status').getAttribute('data-status')).toBe('CONNECTED');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect
      .poll(() => page.locator('#connection-status').getAttribute('data-status'))
      .toBe('NOT_CONNECTED');
    expect(await page.locator('#status').textContent()).toBe('Disconnected from Salesforce.');
    expect(await page.getByRole('button', { name: 'Connect with Salesforce' }).count()).toBe(1);
  });
});

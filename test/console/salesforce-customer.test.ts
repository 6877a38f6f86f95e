// The agent console's customer view against the sandbox org: the matched Lead (sales) or Contact and Account
// (support) with the mapping's display fields, the rule that matched and a link; and what it costs in API calls.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAPPINGS_DIR, publishMapping } from '../../src/sync/mapping-versions.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';
import { graphqlError } from '../support/graphql-errors.ts';
import { askCustomer, fieldsOf, SalesforceCustomerQuery } from './support.ts';

let org: ConnectedTenant;

beforeAll(async () => {
  org = await startConnectedTenant();
});
afterAll(() => org?.close());
beforeEach(() => org.sandbox.control.resetApiCalls());

const apiCalls = async () => (await org.sandbox.control.apiCalls()).total;
const ask = (visitor: Parameters<typeof askCustomer>[2], section?: Parameters<typeof askCustomer>[3]) =>
  askCustomer(org.service, org.keys.AGENT, visitor, section);
const link = (object: string, id: string) => `${org.sandbox.url}/lightning/r/${object}/${id}/view`;

describe('sales setup (the default mapping)', () => {
  let ada: string;

  beforeAll(async () => {
    ada = (
      await org.sandbox.control.insert('Lead', {
        FirstName: 'Ada',
        LastName: 'Lovelace',
        Email: 'ada@engines.example',
        Phone: '+44 20 7946 0001',
        Company: 'Analytical Engines',
        Title: 'Analyst',
      })
    ).id;
  });

  it('shows the Lead matched by email with exactly the display fields, the rule and a link, in 1 call', async () => {
    const customer = await ask({ name: 'Ada', email: ' ADA@Engines.example ' });
    expect(customer.connected).toBe(true);
    expect(customer.matches).toEqual([
      {
        object: 'Lead',
        id: ada,
        rule: 'lead-by-email',
        url: link('Lead', ada),
        fields: [
          { name: 'Name', value: 'Ada Lovelace' },
          { name: 'Email', value: 'ada@engines.example' },
          { name: 'Phone', value: '+44 20 7946 0001' },
          { name: 'Company', value: 'Analytical Engines' },
          { name: 'Status', value: 'Open - Not Contacted' },
        ],
      },
    ]);
    expect(await apiCalls()).toBe(1);
  });

  it('finds the Lead by phone when the visitor gives no email, and the same in the inbox section', async () => {
    for (const section of ['WEB_CHAT', 'INBOX'] as const) {
      const customer = await ask({ phone: '+44 (20) 7946-0001' }, section);
      expect(customer.matches.map((m) => [m.object, m.id, m.rule])).toEqual([['Lead', ada, 'lead-by-phone']]);
    }
    // Through Salesforce's search index, as the sync finds phones: never a table-scanning LIKE query.
    expect((await org.sandbox.control.apiCalls()).byEndpoint).toEqual({ 'GET /search': 2 });
  });

  it('answers an empty list, still connected, when nothing matches', async () => {
    const customer = await ask({ name: 'Nobody', email: 'nobody@nowhere.example', phone: '555 000 1111' });
    expect(customer).toMatchObject({ connected: true, matches: [] });
  });

  it('reads the Lead CloudCX recorded the visitor to by its Id, even when a newer Lead has the same email', async () => {
    const record = await org.recordChat({
      chatId: 'console-known-1',
      event: 'ENDED',
      visitor: { name: 'Grace Hopper', email: 'grace@navy.example' },
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');
    const recorded = record.objects.find((o) => o.sobjectType === 'Lead')!.salesforceId;
    // The email rule would take this one: it is the most recently modified.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await org.sandbox.control.insert('Lead', {
      LastName: 'Impostor',
      Company: 'X',
      Email: 'grace@navy.example',
    });
    await org.sandbox.control.resetApiCalls();

    const customer = await ask({ email: 'Grace@Navy.example' });
    expect(customer.matches).toEqual([
      expect.objectContaining({ object: 'Lead', id: recorded, rule: 'known', url: link('Lead', recorded) }),
    ]);
    expect(fieldsOf(customer.matches[0]!)).toEqual([
      ['Name', 'Grace Hopper'],
      ['Email', 'grace@navy.example'],
      ['Phone', null],
      ['Company', '[not provided]'],
      ['Status', 'Open - Not Contacted'],
    ]);
    expect(await apiCalls()).toBe(1);
  });

  it('identifies the visitor by the rules again when the recorded Lead was deleted in Salesforce', async () => {
    const record = await org.recordChat({
      chatId: 'console-known-2',
      event: 'ENDED',
      visitor: { name: 'Linus', email: 'linus@kernel.example' },
      waitSeconds: 20,
    });
    const recorded = record.objects.find((o) => o.sobjectType === 'Lead')!.salesforceId;
    const { conn } = await org.service.app.services.connections.forTenant(org.tenantId);
    await conn.sobject('Lead').destroy(recorded);
    const { id: fresh } = await org.sandbox.control.insert('Lead', {
      LastName: 'Torvalds',
      Company: 'Kernel',
      Email: 'linus@kernel.example',
    });
    await org.sandbox.control.resetApiCalls();

    const customer = await ask({ email: 'linus@kernel.example' });
    expect(customer.matches.map((m) => [m.object, m.id, m.rule])).toEqual([['Lead', fresh, 'lead-by-email']]);
    // The read by Id, then the rules.
    expect(await apiCalls()).toBe(2);
  });

  it('serves 50 consoles asking at once for 50 visitors in a handful of calls, and asking again within 30 s costs none', async () => {
    const leads = new Map<string, string>();
    for (let i = 0; i < 25; i++) {
      const { id } = await org.sandbox.control.insert('Lead', {
        LastName: `Crowd ${i}`,
        Company: 'Crowd Inc',
        Email: `visitor${i}@crowd.example`,
        Phone: `+1 415 555 ${String(1000 + i)}`,
      });
      leads.set(`visitor${i}@crowd.example`, id);
    }
    // Half known to the org (some by phone only), half not; every visitor gives a phone.
    const visitors = Array.from({ length: 50 }, (_, i) => ({
      name: `Visitor ${i}`,
      ...(i % 5 === 4 ? {} : { email: `Visitor${i}@crowd.example` }),
      phone: `(415) 555-${String(1000 + i)}`,
    }));
    await org.sandbox.control.resetApiCalls();

    const answers = await Promise.all(visitors.map((visitor) => ask(visitor)));
    const calls = await apiCalls();
    answers.forEach((answer, i) => {
      const id = leads.get(`visitor${i}@crowd.example`);
      const rule = i % 5 === 4 ? 'lead-by-phone' : 'lead-by-email';
      expect(answer.matches.map((m) => [m.id, m.rule])).toEqual(id ? [[id, rule]] : []);
    });
    // One batch is one composite (an email IN query and a phone query); a loaded machine may split the burst in a few.
    expect(calls).toBeLessThanOrEqual(4);

    await org.sandbox.control.resetApiCalls();
    const again = await Promise.all(visitors.map((visitor) => ask(visitor)));
    expect(again).toEqual(answers);
    expect(await apiCalls()).toBe(0);
  });

  it('neither breaks nor matches wrongly on quotes and backslashes in the email, asked together with others', async () => {
    const { id: ohara } = await org.sandbox.control.insert('Lead', {
      LastName: "O'Hara",
      Company: 'Quotes',
      Email: "o'hara@quote.example",
    });
    const { id: slash } = await org.sandbox.control.insert('Lead', {
      LastName: 'Slash',
      Company: 'Quotes',
      Email: 'back\\slash@quote.example',
    });
    const emails = [
      "O'Hara@quote.example",
      "o\\'hara@quote.example",
      'back\\slash@quote.example',
      'back\\\\slash@quote.example',
      "x' OR Email != '",
      "') OR (Email != '",
      '\\',
      'ada@engines.example',
    ];
    const answers = await Promise.all(emails.map((email) => ask({ email, company: "O'Brien \\ Sons" })));
    expect(answers.map((a) => a.matches.map((m) => m.id))).toEqual([
      [ohara],
      [],
      [slash],
      [],
      [],
      [],
      [],
      [ada],
    ]);
    expect(answers[0]!.matches[0]!.fields).toContainEqual({ name: 'Name', value: "O'Hara" });
  });

  it("does not let a phone shared by many Leads crowd another visitor's Lead out of their shared query", async () => {
    const { id: rare } = await org.sandbox.control.insert('Lead', {
      LastName: 'Rare',
      Company: 'R',
      Phone: '303-555-0001',
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 25; i++)
      await org.sandbox.control.insert('Lead', {
        LastName: `Switchboard ${i}`,
        Company: 'S',
        Phone: '212-555-0000',
      });
    await org.sandbox.control.resetApiCalls();

    const [busy, quiet] = await Promise.all([
      ask({ phone: '+1 212 555 0000' }),
      ask({ phone: '+1 303 555 0001' }),
    ]);
    expect(busy.matches.map((m) => m.rule)).toEqual(['lead-by-phone']);
    expect(quiet.matches.map((m) => [m.id, m.rule])).toEqual([[rare, 'lead-by-phone']]);
    // The shared query came back full, so each visitor was read again on its own: one more composite.
    expect(await apiCalls()).toBe(2);
  });

  it('may be read by agents, admins and integrators, not by the platform key', async () => {
    for (const key of [org.keys.AGENT, org.keys.ADMIN, org.keys.INTEGRATION]) {
      const customer = await askCustomer(org.service, key, { email: 'ada@engines.example' });
      expect(customer.matches.map((m) => m.id)).toEqual([ada]);
    }
    const system = org.service.client(await org.service.systemKey());
    expect(
      await graphqlError(
        system.request(SalesforceCustomerQuery, { visitor: { email: 'ada@engines.example' } }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('support setup', () => {
  let account: string;
  let contact: string;

  beforeAll(async () => {
    const yaml = readFileSync(`${DEFAULT_MAPPINGS_DIR}/support.yaml`, 'utf8');
    await publishMapping(org.service.app.db.prisma, { tenantId: org.tenantId, yaml, author: 'test' });
    account = (await org.sandbox.control.insert('Account', { Name: 'Engines Ltd', Phone: '555 0199' })).id;
    contact = (
      await org.sandbox.control.insert('Contact', {
        FirstName: 'Charles',
        LastName: 'Babbage',
        Email: 'charles@engines.example',
        Phone: '555 0101',
        Title: 'Inventor',
        AccountId: account,
      })
    ).id;
  });

  it('shows the matched Contact and Account with exactly the display fields, in both sections', async () => {
    for (const section of ['WEB_CHAT', 'INBOX'] as const) {
      const customer = await ask({ email: 'charles@engines.example', company: 'ENGINES LTD' }, section);
      expect(customer.matches).toEqual([
        {
          object: 'Contact',
          id: contact,
          rule: 'contact-by-email',
          url: link('Contact', contact),
          fields: [
            { name: 'Name', value: 'Charles Babbage' },
            { name: 'Email', value: 'charles@engines.example' },
            { name: 'Phone', value: '555 0101' },
            { name: 'Title', value: 'Inventor' },
          ],
        },
        {
          object: 'Account',
          id: account,
          rule: 'account-by-company',
          url: link('Account', account),
          fields: [
            { name: 'Name', value: 'Engines Ltd' },
            { name: 'Phone', value: '555 0199' },
          ],
        },
      ]);
    }
  });

  it('no longer shows the Lead a sales answer showed moments ago: the new mapping is not answered from the cache', async () => {
    const customer = await ask({ email: 'ada@engines.example' });
    expect(customer).toMatchObject({ connected: true, matches: [] });
  });
});

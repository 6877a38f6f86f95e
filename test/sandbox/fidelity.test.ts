// The sandbox refuses what a real org refuses (issue 12): each rule through jsforce, as the product meets it.
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { APP, connect, failure, jsforce, sandbox } from './support.ts';

let sb: Sandbox;
let conn: Connection;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
});

const create = (type: string, fields: Record<string, unknown>) =>
  conn.sobject(type).create(fields) as Promise<{ id: string }>;

/** A connection with the same session and refresh token, speaking another API version. */
const atVersion = (version: string) =>
  new jsforce.Connection({
    instanceUrl: sb.url,
    accessToken: conn.accessToken!,
    refreshToken: conn.refreshToken!,
    oauth2: {
      loginUrl: sb.url,
      clientId: APP.clientId,
      clientSecret: APP.clientSecret,
      redirectUri: APP.redirectUri,
    },
    version,
  });

const BLOCK = "You're creating a duplicate record. We recommend you use an existing record instead.";

describe('duplicate rules', () => {
  beforeEach(async () => {
    await sb.control.setSettings({
      duplicateRules: [{ object: 'Lead', fields: ['Company'], action: 'block' }],
    });
  });

  it('refuses a REST create under the misspelt duplicateResut key with the matched ids', async () => {
    const { id } = await create('Lead', { LastName: 'First', Company: 'Acme' });
    const error = await failure(create('Lead', { LastName: 'Second', Company: 'acme' }));
    expect(error.errorCode).toBe('DUPLICATES_DETECTED');
    expect(error.message).toBe(BLOCK);
    expect(error.data.duplicateResult).toBeUndefined();
    expect(error.data.duplicateResut.matchResults[0].matchRecords[0].record).toEqual({
      attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${id}` },
      Id: id,
    });
    expect(await conn.sobject('Lead').count()).toBe(1);
  });

  it('spells the key duplicateResult in an org set so, and omits matches for a rule that reports none', async () => {
    const { id } = await create('Lead', { LastName: 'First', Company: 'Acme' });
    await sb.control.setSettings({ duplicateResultKey: 'duplicateResult' });
    const spelled = await failure(create('Lead', { LastName: 'Second', Company: 'Acme' }));
    expect(spelled.data.duplicateResut).toBeUndefined();
    expect(spelled.data.duplicateResult.matchResults[0].matchRecords[0].record.Id).toBe(id);

    await sb.control.setSettings({
      duplicateRules: [{ object: 'Lead', fields: ['Company'], action: 'block', reportsMatches: false }],
    });
    const silent = await failure(create('Lead', { LastName: 'Third', Company: 'Acme' }));
    expect(silent.data).toEqual({ errorCode: 'DUPLICATES_DETECTED', message: BLOCK, fields: [] });
  });

  it('answers a composite subrequest with the REST create body, matched ids included', async () => {
    const { id } = await create('Lead', { LastName: 'First', Company: 'Acme' });
    const res = await conn.requestPost<{ compositeResponse: Array<Record<string, unknown>> }>('/composite', {
      allOrNone: false,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Lead',
          referenceId: 'lead',
          body: { LastName: 'Second', Company: 'Acme' },
        },
      ],
    });
    const [sub] = res.compositeResponse;
    expect(sub).toMatchObject({ httpStatusCode: 400, referenceId: 'lead', httpHeaders: {} });
    // biome-ignore lint/suspicious/noExplicitAny: the error body is checked key by key.
    const [body] = sub!.body as Array<Record<string, any>>;
    expect(body!.errorCode).toBe('DUPLICATES_DETECTED');
    expect(body!.duplicateResut.matchResults[0].matchRecords[0].record.Id).toBe(id);
  });

  it('answers in Collections with statusCode, message and fields only, no ids', async () => {
    const { id } = await create('Lead', { LastName: 'First', Company: 'Acme' });
    const [result] = await conn.sobject('Lead').create([{ LastName: 'Second', Company: 'Acme' }]);
    expect(result).toEqual({
      success: false,
      errors: [{ statusCode: 'DUPLICATES_DETECTED', message: BLOCK, fields: [] }],
    });
    expect(JSON.stringify(result)).not.toContain(id);
  });
});

describe('sObject Collections chunks', () => {
  const lead = (i: number) => ({ attributes: { type: 'Lead' }, LastName: `L${i}`, Company: 'Acme' });
  const contact = (i: number) => ({ attributes: { type: 'Contact' }, LastName: `C${i}` });
  const post = (records: unknown[]) =>
    conn.requestPost<Array<{ success: boolean }>>('/composite/sobjects', { allOrNone: false, records });

  it('refuses a request of more than 10 type chunks as a whole, saving nothing', async () => {
    const alternating = Array.from({ length: 11 }, (_, i) => (i % 2 ? contact(i) : lead(i)));
    const error = await failure(post(alternating));
    expect(error.errorCode).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking.',
    );
    expect(await conn.sobject('Lead').count()).toBe(0);
    expect(await conn.sobject('Contact').count()).toBe(0);
  });

  it('accepts 10 chunks, and any number of records grouped by type', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => (i % 2 ? contact(i) : lead(i)));
    expect((await post(ten)).every((r) => r.success)).toBe(true);
    const grouped = [
      ...Array.from({ length: 12 }, (_, i) => lead(i)),
      ...Array.from({ length: 12 }, (_, i) => contact(i)),
    ];
    expect((await post(grouped)).every((r) => r.success)).toBe(true);
  });

  it('counts chunks on updates too', async () => {
    const ids = await post(Array.from({ length: 11 }, (_, i) => (i < 6 ? lead(i) : contact(i))));
    const records = (ids as unknown as Array<{ id: string }>).map((r, i) => ({
      attributes: { type: i < 6 ? 'Lead' : 'Contact' },
      id: r.id,
      Description: 'x',
    }));
    const interleaved = [0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5].map((i) => records[i]);
    const error = await failure(
      conn.request({
        method: 'PATCH',
        url: '/composite/sobjects',
        body: JSON.stringify({ records: interleaved }),
      }),
    );
    expect(error.errorCode).toBe('INVALID_INPUT');
  });
});

describe('create-only and converted records', () => {
  it('refuses Case.Supplied* on update although describe says updateable', async () => {
    const { id } = await create('Case', {
      Subject: 'Chat',
      SuppliedName: 'Jane',
      SuppliedEmail: 'jane@acme.test',
    });
    for (const field of ['SuppliedName', 'SuppliedEmail', 'SuppliedPhone', 'SuppliedCompany']) {
      const error = await failure(conn.sobject('Case').update({ Id: id, [field]: 'x@acme.test' }));
      expect([error.errorCode, error.data.fields]).toEqual(['INVALID_FIELD_FOR_INSERT_UPDATE', [field]]);
    }
    await expect(conn.sobject('Case').update({ Id: id, Description: 'transcript' })).resolves.toMatchObject({
      success: true,
    });
    const describe = await conn.sobject('Case').describe();
    expect(describe.fields.find((f) => f.name === 'SuppliedEmail')).toMatchObject({
      createable: true,
      updateable: true,
    });
    expect((await conn.sobject('Case').retrieve(id)).SuppliedEmail).toBe('jane@acme.test');
  });

  it('refuses a Task whose WhoId is a converted Lead, and accepts its converted Contact', async () => {
    const { id: leadId } = await create('Lead', { LastName: 'Doe', Company: 'Acme' });
    const { contactId } = await sb.control.convertLead(leadId);
    const error = await failure(create('Task', { Subject: 'Chat', WhoId: leadId }));
    expect(error.data).toEqual({
      errorCode: 'CANNOT_UPDATE_CONVERTED_LEAD',
      message: 'cannot reference converted lead',
      fields: [],
    });
    await expect(create('Task', { Subject: 'Chat', WhoId: contactId })).resolves.toMatchObject({
      success: true,
    });
  });

  it('refuses deleting a Contact that has Cases with DELETE_FAILED', async () => {
    const { id: contactId } = await create('Contact', { FirstName: 'Jane', LastName: 'Doe' });
    const { id: caseId } = await create('Case', { ContactId: contactId });
    const error = await failure(conn.sobject('Contact').destroy(contactId));
    expect(error.errorCode).toBe('DELETE_FAILED');
    expect(error.message).toMatch(
      /^Your attempt to delete Jane Doe could not be completed because it is associated with the following cases\.: \d{8}/,
    );
    await conn.sobject('Case').destroy(caseId);
    await expect(conn.sobject('Contact').destroy(contactId)).resolves.toMatchObject({ success: true });
  });
});

describe('sessions', () => {
  const limits = (token: string) =>
    fetch(`${sb.url}/services/data/v62.0/limits`, { headers: { authorization: `Bearer ${token}` } });

  it('expires a session idle past the 2-hour default with 401 INVALID_SESSION_ID; jsforce refreshes it', async () => {
    const token = conn.accessToken!;
    await sb.control.advanceClock(119 * 60_000);
    expect((await limits(token)).status).toBe(200);
    // Activity keeps the session alive: another 119 minutes after the last call is still within the timeout.
    await sb.control.advanceClock(119 * 60_000);
    expect((await limits(token)).status).toBe(200);
    await sb.control.advanceClock(121 * 60_000);
    const expired = await limits(token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    const before = await sb.control.tokenCalls();
    await expect(conn.sobject('Lead').count()).resolves.toBe(0);
    expect(conn.accessToken).not.toBe(token);
    expect(await sb.control.tokenCalls()).toBe(before + 1);
  });

  it('takes the org timeout from 15 minutes to 24 hours', async () => {
    await sb.control.setSettings({ sessionTimeoutMinutes: 15 });
    await sb.control.advanceClock(16 * 60_000);
    expect((await limits(conn.accessToken!)).status).toBe(401);
    await expect(sb.control.setSettings({ sessionTimeoutMinutes: 14 })).rejects.toThrow(/15 to 1440/);
    await expect(sb.control.setSettings({ sessionTimeoutMinutes: 1441 })).rejects.toThrow(/15 to 1440/);
  });
});

describe('versions and URLs', () => {
  it('answers 410 GONE for retired versions 7.0-30.0 and 404 for versions that never existed', async () => {
    const status = async (v: string) =>
      (
        await fetch(`${sb.url}/services/data/v${v}/limits`, {
          headers: { authorization: `Bearer ${conn.accessToken}` },
        })
      ).status;
    expect([await status('7.0'), await status('20.0'), await status('30.0')]).toEqual([410, 410, 410]);
    expect([await status('31.0'), await status('68.0')]).toEqual([200, 200]);
    expect([await status('6.0'), await status('69.0')]).toEqual([404, 404]);
    const error = await failure(atVersion('30.0').sobject('Lead').count());
    expect(error.message).toBeTruthy();
  });

  it('carries the requested version in Location, attributes.url and nextRecordsUrl', async () => {
    const old = atVersion('55.0');
    const res = await fetch(`${sb.url}/services/data/v55.0/sobjects/Lead`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ LastName: 'Doe', Company: 'Acme' }),
    });
    const { id } = (await res.json()) as { id: string };
    expect(res.headers.get('location')).toBe(`/services/data/v55.0/sobjects/Lead/${id}`);
    expect((await old.sobject('Lead').retrieve(id)).attributes).toEqual({
      type: 'Lead',
      url: `/services/data/v55.0/sobjects/Lead/${id}`,
    });
    await old
      .sobject('Lead')
      .create(Array.from({ length: 200 }, (_, i) => ({ LastName: `L${i}`, Company: 'Acme' })));
    const page = await old.request<{
      nextRecordsUrl: string;
      records: Array<{ attributes: { url: string } }>;
    }>({
      method: 'GET',
      url: `/query?q=${encodeURIComponent('SELECT Id FROM Lead')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v55\.0\/query\//);
    expect(page.records[0]!.attributes.url).toMatch(/^\/services\/data\/v55\.0\/sobjects\/Lead\//);
    const composite = await conn.requestPost<{
      compositeResponse: Array<{ httpHeaders: { Location: string } }>;
    }>('/composite', {
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v58.0/sobjects/Lead',
          referenceId: 'l',
          body: { LastName: 'X', Company: 'Y' },
        },
      ],
    });
    expect(composite.compositeResponse[0]!.httpHeaders.Location).toMatch(
      /^\/services\/data\/v58\.0\/sobjects\/Lead\//,
    );
  });

  it('answers 414 to a URI over 16,384 bytes and serves one of exactly 16,384', async () => {
    const prefix = '/services/data/v62.0/limits?pad=';
    const call = (bytes: number) =>
      fetch(`${sb.url}${prefix}${'a'.repeat(bytes - prefix.length)}`, {
        headers: { authorization: `Bearer ${conn.accessToken}` },
      });
    const tooLong = await call(16_385);
    expect([tooLong.status, await tooLong.text()]).toEqual([414, 'URI Too Long']);
    expect((await call(16_384)).status).toBe(200);
    const ids = Array.from({ length: 900 }, (_, i) => `'00Q${String(i).padStart(12, '0')}'`);
    const error = await failure(conn.query(`SELECT Id FROM Lead WHERE Id IN (${ids.join(',')})`));
    expect(error.errorCode).toBe('ERROR_HTTP_414');
  });
});

describe('SOQL and picklists', () => {
  it('refuses a string literal over 4,000 characters with MALFORMED_QUERY', async () => {
    const error = await failure(conn.query(`SELECT Id FROM Lead WHERE LastName = '${'x'.repeat(4_001)}'`));
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toMatch(/ERROR at Row:1:Column:38/);
    // Escapes count as the characters they stand for: 3,999 letters and one quote make 4,000.
    await expect(
      conn.query(`SELECT Id FROM Lead WHERE LastName = '${'x'.repeat(3_999)}\\''`),
    ).resolves.toMatchObject({ totalSize: 0 });
  });

  it('refuses an unknown field with INVALID_FIELD quoting the query', async () => {
    const error = await failure(conn.query('SELECT Foo FROM Lead'));
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toBe(
      "SELECT Foo FROM Lead\n       ^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
  });

  it('restricts custom picklists by default, not standard ones', async () => {
    await sb.control.setSettings({
      customFields: [
        { object: 'Case', name: 'Channel__c', type: 'picklist', picklistValues: ['Chat', 'Email'] },
        { object: 'Case', name: 'Topic__c', type: 'picklist', picklistValues: ['Sales'], restricted: false },
      ],
    });
    const error = await failure(create('Case', { Channel__c: 'Phone' }));
    expect(error.data).toEqual({
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      message: 'Channel: bad value for restricted picklist field: Phone',
      fields: ['Channel__c'],
    });
    await expect(
      create('Case', { Channel__c: 'Chat', Topic__c: 'Billing', Origin: 'Chat' }),
    ).resolves.toMatchObject({
      success: true,
    });
  });
});

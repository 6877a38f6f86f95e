import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { to18 } from '../../src/sandbox/ids.ts';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, failure, rest, sandbox } from './support.ts';

let sb: Sandbox;
let conn: Connection;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
});

describe('versions and resources', () => {
  it('lists API versions without a session, from 31.0 to the current release', async () => {
    const res = await fetch(`${sb.url}/services/data/`);
    const versions = (await res.json()) as Array<{ label: string; url: string; version: string }>;
    expect(versions.at(-1)).toEqual({ label: "Winter '27", url: '/services/data/v68.0', version: '68.0' });
    expect(versions[0]?.version).toBe('31.0');
    expect(versions.find((v) => v.version === '62.0')?.label).toBe("Winter '25");
    expect(versions.find((v) => v.version === '61.0')?.label).toBe("Summer '24");
  });

  it('answers NOT_FOUND for a version the org does not have', async () => {
    const res = await fetch(`${sb.url}/services/data/v99.0/limits`, {
      headers: { authorization: `Bearer ${conn.accessToken}` },
    });
    expect(res.status).toBe(404);
  });

  it('puts Sforce-Limit-Info and a JSON content type on every REST response', async () => {
    const ok = await rest(sb, conn, 'GET', '/limits');
    expect(ok.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
    expect(ok.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(ok.body.DailyApiRequests).toEqual({ Max: 15000, Remaining: 14999 });
    const bad = await rest(sb, conn, 'GET', '/sobjects/Lead/00Q000000000000AAA');
    expect(bad.headers.get('sforce-limit-info')).toBe('api-usage=2/15000');
    await conn.query('SELECT Id FROM Lead');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 3, limit: 15000 });
  });
});

describe('describe', () => {
  it('describes fields with the metadata the rules enforce', async () => {
    const d = await conn.sobject('Lead').describe();
    expect(d).toMatchObject({ name: 'Lead', keyPrefix: '00Q', createable: true });
    const field = (name: string) => d.fields.find((f) => f.name === name)!;
    expect(field('LastName')).toMatchObject({
      type: 'string',
      length: 80,
      nillable: false,
      createable: true,
      defaultedOnCreate: false,
    });
    expect(field('Company')).toMatchObject({ length: 255, nillable: false });
    expect(field('Email')).toMatchObject({ type: 'email', length: 80, nillable: true });
    expect(field('Description')).toMatchObject({ type: 'textarea', length: 32000, filterable: false });
    expect(field('Status')).toMatchObject({ type: 'picklist', defaultedOnCreate: true, nillable: false });
    expect(field('Status').picklistValues!.find((p) => p.defaultValue)?.value).toBe('Open - Not Contacted');
    expect(field('IsConverted')).toMatchObject({ createable: false, updateable: false });
    expect(field('OwnerId')).toMatchObject({
      type: 'reference',
      referenceTo: ['Group', 'User'],
      relationshipName: 'Owner',
    });
    const task = await conn.sobject('Task').describe();
    expect(task.fields.find((f) => f.name === 'WhoId')?.referenceTo).toEqual(['Contact', 'Lead']);
    expect(task.fields.find((f) => f.name === 'Description')?.label).toBe('Comments');
  });

  it('answers NOT_FOUND for an unknown object', async () => {
    const res = await rest(sb, conn, 'GET', '/sobjects/Foo__c/describe');
    expect(res.status).toBe(404);
    expect(res.body[0].errorCode).toBe('NOT_FOUND');
  });

  it('lists the objects in describeGlobal', async () => {
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Account', 'Lead', 'ContentDocumentLink']),
    );
  });
});

describe('create, read, update, delete', () => {
  it('creates a record with 201, an 18-character id and a Location header', async () => {
    const res = await rest(sb, conn, 'POST', '/sobjects/Contact', { LastName: 'Doe' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^003[A-Za-z0-9]{15}$/),
      success: true,
      errors: [],
    });
    expect(res.headers.get('location')).toBe(`/services/data/v62.0/sobjects/Contact/${res.body.id}`);
  });

  it('reads a record with attributes, defaults and audit fields', async () => {
    const { id } = (await conn.sobject('Lead').create({ LastName: 'Doe', Company: 'Acme' })) as {
      id: string;
    };
    const org = await sb.control.org();
    const lead = await conn.sobject('Lead').retrieve(id);
    expect(lead).toMatchObject({
      attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${id}` },
      Id: id,
      Name: 'Doe',
      Status: 'Open - Not Contacted',
      OwnerId: org.adminUserId,
      CreatedById: org.adminUserId,
      IsConverted: false,
      IsDeleted: false,
    });
    expect(lead.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    const some = await rest(sb, conn, 'GET', `/sobjects/Lead/${id.slice(0, 15)}?fields=LastName,Company`);
    expect(some.body).toEqual({ attributes: lead.attributes, LastName: 'Doe', Company: 'Acme', Id: id });
  });

  it('updates with 204 and deletes, then answers ENTITY_IS_DELETED', async () => {
    const { id } = (await conn.sobject('Account').create({ Name: 'Acme' })) as { id: string };
    const patch = await rest(sb, conn, 'PATCH', `/sobjects/Account/${id}`, { Phone: '555' });
    expect(patch.status).toBe(204);
    expect((await sb.control.record('Account', id)).Phone).toBe('555');
    await conn.sobject('Account').destroy(id);
    const gone = await rest(sb, conn, 'GET', `/sobjects/Account/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual([{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }]);
    expect((await failure(conn.sobject('Account').update({ Id: id, Name: 'x' }))).errorCode).toBe(
      'ENTITY_IS_DELETED',
    );
  });

  it('answers NOT_FOUND, MALFORMED_ID, INVALID_FIELD, JSON_PARSER_ERROR, and INVALID_FIELD_FOR_INSERT_UPDATE for an Id on create', async () => {
    const missing = await rest(sb, conn, 'GET', `/sobjects/Lead/${to18('00QHs000000000A')}`);
    expect([missing.status, missing.body[0].errorCode]).toEqual([404, 'NOT_FOUND']);
    const malformed = await rest(sb, conn, 'PATCH', '/sobjects/Lead/abc', { LastName: 'x' });
    expect([malformed.status, malformed.body[0].errorCode]).toEqual([400, 'MALFORMED_ID']);
    const unknown = await failure(conn.sobject('Lead').create({ LastName: 'x', Company: 'y', Foo: 1 }));
    expect(unknown.errorCode).toBe('INVALID_FIELD');
    expect(unknown.message).toBe("No such column 'Foo' on sobject of type Lead");
    const badJson = await rest(sb, conn, 'POST', '/sobjects/Lead', '{"LastName": ');
    expect([badJson.status, badJson.body[0].errorCode]).toEqual([400, 'JSON_PARSER_ERROR']);
    const withId = await failure(
      conn.requestPost('/sobjects/Lead', { Id: to18('00QHs000000000A'), LastName: 'x', Company: 'y' }),
    );
    expect(withId.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('stores an empty string as null and email in lower case', async () => {
    const { id } = (await conn
      .sobject('Contact')
      .create({ LastName: 'Doe', Title: '', Email: 'Jane.DOE@Example.com' })) as { id: string };
    const row = await sb.control.record('Contact', id);
    expect(row.Title).toBeNull();
    expect(row.Email).toBe('jane.doe@example.com');
  });
});

describe('upsert by external id', () => {
  beforeEach(async () => {
    await sb.control.setSettings({
      customFields: [
        { object: 'Contact', name: 'Chat_Id__c', type: 'string', length: 64, externalId: true, unique: true },
      ],
    });
  });

  it('creates with 201 created:true, then updates with 200 created:false', async () => {
    const first = await rest(sb, conn, 'PATCH', '/sobjects/Contact/Chat_Id__c/c-1', { LastName: 'Doe' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ success: true, created: true });
    const second = await rest(sb, conn, 'PATCH', '/sobjects/Contact/Chat_Id__c/c-1', { LastName: 'Roe' });
    expect(second).toMatchObject({ status: 200, body: { id: first.body.id, created: false } });
    expect((await sb.control.record('Contact', first.body.id)).LastName).toBe('Roe');
    const viaJsforce = await conn
      .sobject('Contact')
      .upsert({ Chat_Id__c: 'c-2', LastName: 'Poe' }, 'Chat_Id__c');
    expect(viaJsforce).toMatchObject({ success: true });
  });

  it('answers 300 when several records match and NOT_FOUND for a field that is not an external id', async () => {
    await sb.control.setSettings({
      customFields: [{ object: 'Contact', name: 'Chat_Id__c', type: 'string', externalId: true }],
    });
    await sb.control.insert('Contact', { LastName: 'A', Chat_Id__c: 'dup' });
    await sb.control.insert('Contact', { LastName: 'B', Chat_Id__c: 'dup' });
    const res = await rest(sb, conn, 'PATCH', '/sobjects/Contact/Chat_Id__c/dup', { LastName: 'C' });
    expect(res.status).toBe(300);
    expect(res.body).toHaveLength(2);
    const notExternal = await rest(sb, conn, 'PATCH', '/sobjects/Contact/LastName/x', { FirstName: 'C' });
    expect([notExternal.status, notExternal.body[0].errorCode]).toEqual([404, 'NOT_FOUND']);
  });

  it('refuses a second record with the same unique value', async () => {
    await conn.sobject('Contact').create({ LastName: 'A', Chat_Id__c: 'u-1' });
    const error = await failure(conn.sobject('Contact').create({ LastName: 'B', Chat_Id__c: 'U-1' }));
    expect(error.errorCode).toBe('DUPLICATE_VALUE');
  });
});

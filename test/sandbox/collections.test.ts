import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, rest, sandbox } from './support.ts';

let sb: Sandbox;
let conn: Connection;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
});

describe('sObject Collections', () => {
  it('creates records with one result each, in order, record errors using statusCode', async () => {
    await sb.control.resetApiCalls();
    const results = await conn
      .sobject('Lead')
      .create([{ LastName: 'A', Company: 'Acme' }, { LastName: 'B' }, { LastName: 'C', Company: 'Acme' }]);
    expect(results[0]).toMatchObject({ success: true, id: expect.stringMatching(/^00Q/) });
    expect(results[1]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'REQUIRED_FIELD_MISSING',
          message: 'Required fields are missing: [Company]',
          fields: ['Company'],
        },
      ],
    });
    expect(results[2]!.success).toBe(true);
    expect(await sb.control.apiCalls()).toEqual({ total: 1, byEndpoint: { 'POST /composite/sobjects': 1 } });
  });

  it('saves nothing with allOrNone and reports ALL_OR_NONE_OPERATION_ROLLED_BACK for valid records', async () => {
    const results = await conn
      .sobject('Lead')
      .create([{ LastName: 'A', Company: 'Acme' }, { LastName: 'B' }], { allOrNone: true });
    expect(results[0]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' }],
    });
    expect(results[1]).toMatchObject({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING' }] });
    expect(await sb.control.records('Lead')).toEqual([]);
  });

  it('updates, upserts, retrieves and deletes records', async () => {
    await sb.control.setSettings({
      customFields: [{ object: 'Contact', name: 'Ext__c', type: 'string', externalId: true }],
    });
    const created = await conn.sobject('Contact').create([{ LastName: 'A' }, { LastName: 'B' }]);
    const ids = created.map((r) => (r as { id: string }).id);
    const updated = await conn.sobject('Contact').update(ids.map((Id) => ({ Id, Title: 'CEO' })));
    expect(updated.every((r) => r.success)).toBe(true);
    const upserted = await conn.sobject('Contact').upsert([{ Ext__c: 'e1', LastName: 'E' }], 'Ext__c');
    expect(upserted[0]).toMatchObject({ success: true, created: true });
    const again = await conn.sobject('Contact').upsert([{ Ext__c: 'e1', LastName: 'F' }], 'Ext__c');
    expect(again[0]).toMatchObject({ success: true, created: false });
    const read = await conn.sobject('Contact').retrieve(ids, { fields: ['Title'] });
    expect(read.map((r) => r?.Title)).toEqual(['CEO', 'CEO']);
    const deleted = await conn.sobject('Contact').destroy(ids);
    expect(deleted.map((r) => r.success)).toEqual([true, true]);
    expect(await sb.control.records('Contact')).toHaveLength(1);
  });

  it('mixes types in one call and needs attributes.type on each record', async () => {
    const mixed = await rest(sb, conn, 'POST', '/composite/sobjects', {
      records: [
        { attributes: { type: 'Account' }, Name: 'Acme' },
        { attributes: { type: 'Task' }, Subject: 'Call' },
      ],
    });
    expect(mixed.body.map((r: { id: string }) => r.id.slice(0, 3))).toEqual(['001', '00T']);
    const untyped = await rest(sb, conn, 'POST', '/composite/sobjects', { records: [{ Name: 'Acme' }] });
    expect(untyped.status).toBe(400);
  });

  it('refuses more than 200 records', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({
      attributes: { type: 'Account' },
      Name: `A${i}`,
    }));
    const res = await rest(sb, conn, 'POST', '/composite/sobjects', { records });
    expect(res.status).toBe(400);
    expect(res.body[0].errorCode).toBe('EXCEEDED_ID_LIMIT');
    const split = await conn.sobject('Account').create(
      records.map(({ Name }) => ({ Name })),
      { allowRecursive: true },
    );
    expect(split).toHaveLength(201);
  });

  it('answers a duplicate in a record error with statusCode, message and fields only', async () => {
    await sb.control.setSettings({
      duplicateRules: [{ object: 'Contact', fields: ['Email'], action: 'block' }],
    });
    const { id } = await sb.control.insert('Contact', { LastName: 'A', Email: 'a@acme.test' });
    const [result] = await conn.sobject('Contact').create([{ LastName: 'B', Email: 'a@acme.test' }]);
    expect(result).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'DUPLICATES_DETECTED',
          message: "You're creating a duplicate record. We recommend you use an existing record instead.",
          fields: [],
        },
      ],
    });
    expect(JSON.stringify(result)).not.toContain(id);
  });
});

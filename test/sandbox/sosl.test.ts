// The sandbox's SOSL subset, through jsforce: FIND … IN PHONE FIELDS RETURNING …, alone and inside composite.
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, failure, sandbox } from './support.ts';

let sb: Sandbox;
let conn: Connection;
const ids: Record<string, string> = {};
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
  ids.ada = (await sb.control.insert('Lead', { LastName: 'Ada', Company: 'A', Phone: '(555) 010-2030' })).id;
  ids.bob = (
    await sb.control.insert('Lead', { LastName: 'Bob', Company: 'B', MobilePhone: '+1 555 010 4000' })
  ).id;
  ids.cyd = (
    await sb.control.insert('Lead', { LastName: 'Cyd', Company: 'C', Phone: '+44 20 7946 0001' })
  ).id;
  ids.dan = (await sb.control.insert('Contact', { LastName: 'Dan', Phone: '555.010.2030' })).id;
});

const search = async (sosl: string) =>
  ((await conn.search(sosl)) as unknown as { searchRecords: Array<Record<string, unknown>> }).searchRecords;

describe('SOSL in phone fields', () => {
  it('finds a phone whatever its formatting, in every phone field, across the objects RETURNING names', async () => {
    const rows = await search(
      'FIND {"5550102030"} IN PHONE FIELDS RETURNING Lead(Id, Phone), Contact(Id, Phone)',
    );
    expect(rows.map((r) => r.Id)).toEqual([ids.ada, ids.dan]);
    expect(rows[0]).toMatchObject({ attributes: { type: 'Lead' }, Phone: '(555) 010-2030' });
    expect(rows[1]).toMatchObject({ attributes: { type: 'Contact' }, Phone: '555.010.2030' });
    const mobile = await search('FIND {5550104000} IN PHONE FIELDS RETURNING Lead(Id, MobilePhone)');
    expect(mobile.map((r) => r.Id)).toEqual([ids.bob]);
  });

  it('matches a number with or without its country code, never a short fragment', async () => {
    expect((await search('FIND {"2079460001"} IN PHONE FIELDS RETURNING Lead(Id)')).map((r) => r.Id)).toEqual(
      [ids.cyd],
    );
    expect(
      (await search('FIND {"15550102030"} IN PHONE FIELDS RETURNING Lead(Id)')).map((r) => r.Id),
    ).toEqual([ids.ada]);
    expect(await search('FIND {"0102"} IN PHONE FIELDS RETURNING Lead(Id)')).toEqual([]);
  });

  it('searches several numbers at once with OR, with WHERE, ORDER BY and LIMIT per object', async () => {
    const rows = await search(
      'FIND {"5550102030" OR "2079460001"} IN PHONE FIELDS RETURNING Lead(Id, LastName WHERE Company != \'Z\' ORDER BY LastName DESC LIMIT 5)',
    );
    expect(rows.map((r) => r.LastName)).toEqual(['Cyd', 'Ada']);
    const limited = await search(
      'FIND {"5550102030" OR "2079460001"} IN PHONE FIELDS RETURNING Lead(Id ORDER BY LastName LIMIT 1)',
    );
    expect(limited.map((r) => r.Id)).toEqual([ids.ada]);
    const filtered = await search(
      'FIND {"5550102030" OR "2079460001"} IN PHONE FIELDS RETURNING Lead(Id WHERE Company = \'C\')',
    );
    expect(filtered.map((r) => r.Id)).toEqual([ids.cyd]);
  });

  it('answers a search inside a composite request', async () => {
    const q = encodeURIComponent('FIND {"5550102030"} IN PHONE FIELDS RETURNING Contact(Id, LastName)');
    const response = await conn.requestPost<{
      compositeResponse: Array<{ httpStatusCode: number; body: { searchRecords: Array<{ Id: string }> } }>;
    }>('/composite', {
      compositeRequest: [
        { method: 'GET', url: `/services/data/v${conn.version}/search?q=${q}`, referenceId: 's' },
      ],
    });
    expect(response.compositeResponse[0]!.httpStatusCode).toBe(200);
    expect(response.compositeResponse[0]!.body.searchRecords.map((r) => r.Id)).toEqual([ids.dan]);
  });

  it('refuses what it does not understand with Salesforce codes', async () => {
    expect((await failure(search('FIND 555 RETURNING Lead'))).errorCode).toBe('MALFORMED_SEARCH');
    expect((await failure(search('FIND {5} IN PHONE FIELDS RETURNING Lead(Id)'))).errorCode).toBe(
      'INVALID_SEARCH',
    );
    expect((await failure(search('FIND {"5550102030"} RETURNING Nope(Id)'))).errorCode).toBe('INVALID_TYPE');
    expect(
      (await failure(search('FIND {"5550102030"} IN PHONE FIELDS RETURNING Lead(Id WHERE Bogus = 1)')))
        .errorCode,
    ).toBe('INVALID_FIELD');
  });
});

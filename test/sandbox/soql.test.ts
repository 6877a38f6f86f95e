import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, failure, rest, sandbox } from './support.ts';

let sb: Sandbox;
let conn: Connection;
let owner: string;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
  owner = (
    await sb.control.createUser({
      username: 'agent@acme.test',
      email: 'Agent@Acme.test',
      lastName: 'Agent',
      firstName: 'Ann',
    })
  ).id;
  const seed = (fields: Record<string, unknown>) => sb.control.insert('Lead', { Company: 'Acme', ...fields });
  await seed({ LastName: "O'Brien", Email: 'obrien@acme.test', OwnerId: owner, Rating: 'Hot' });
  await seed({ LastName: 'Smith', Email: 'smith@acme.test', Rating: 'Warm', Company: 'Globex' });
  await seed({ LastName: 'smithers', Email: null, Rating: null, Company: '50% Off_Shop' });
  await seed({ LastName: 'Jones', Email: 'jones@acme.test', Rating: 'Cold', City: 'Back\\slash' });
});

const q = async (soql: string) => (await conn.query(soql)).records as Array<Record<string, unknown>>;
const names = async (soql: string) => (await q(soql)).map((r) => r.LastName);

describe('SELECT and FROM', () => {
  it('returns the selected fields in their API casing with attributes', async () => {
    const [row] = await q("select lastname, EMAIL from lead where lastname = 'smith'");
    expect(Object.keys(row!)).toEqual(['attributes', 'LastName', 'Email']);
    expect(row!.attributes).toMatchObject({
      type: 'Lead',
      url: expect.stringMatching(/^\/services\/data\/v62\.0\/sobjects\/Lead\/00Q/),
    });
  });

  it('follows parent relationships such as Owner.Email, nesting them with attributes or null', async () => {
    const [row] = await q("SELECT LastName, Owner.Email, Owner.Name FROM Lead WHERE LastName = 'O\\'Brien'");
    expect(row!.Owner).toEqual({
      attributes: { type: 'Name', url: `/services/data/v62.0/sobjects/User/${owner}` },
      Email: 'agent@acme.test',
      Name: 'Ann Agent',
    });
    const { id: contactId } = await sb.control.insert('Contact', { LastName: 'Solo' });
    const contacts = await q(`SELECT Account.Name, Owner.Username FROM Contact WHERE Id = '${contactId}'`);
    expect(contacts[0]!.Account).toBeNull();
    expect((contacts[0]!.Owner as { attributes: { type: string } }).attributes.type).toBe('User');
  });

  it('filters on a parent field', async () => {
    expect(await names("SELECT LastName FROM Lead WHERE Owner.Email = 'AGENT@acme.test'")).toEqual([
      "O'Brien",
    ]);
  });

  it('counts with COUNT()', async () => {
    const result = await conn.query("SELECT COUNT() FROM Lead WHERE Company = 'acme'");
    expect(result.totalSize).toBe(2);
    expect(result.records).toEqual([]);
  });
});

describe('WHERE', () => {
  it('compares text case-insensitively with = != and IN', async () => {
    expect(await names("SELECT LastName FROM Lead WHERE Email = 'SMITH@ACME.TEST'")).toEqual(['Smith']);
    expect(
      await names("SELECT LastName FROM Lead WHERE Rating IN ('hot', 'COLD') ORDER BY LastName"),
    ).toEqual(['Jones', "O'Brien"]);
    expect(await names("SELECT LastName FROM Lead WHERE Rating NOT IN ('hot') ORDER BY LastName")).toEqual([
      'Jones',
      'Smith',
      'smithers',
    ]);
    expect(await names("SELECT LastName FROM Lead WHERE Rating != 'Warm' ORDER BY LastName")).toEqual([
      'Jones',
      "O'Brien",
      'smithers',
    ]);
  });

  it('matches null with = null and != null', async () => {
    expect(await names('SELECT LastName FROM Lead WHERE Email = null')).toEqual(['smithers']);
    expect(await names('SELECT LastName FROM Lead WHERE Email != null ORDER BY LastName')).toHaveLength(3);
  });

  it('supports LIKE with % and _ wildcards and their escapes', async () => {
    expect(await names("SELECT LastName FROM Lead WHERE LastName LIKE 'smith%' ORDER BY LastName")).toEqual([
      'Smith',
      'smithers',
    ]);
    expect(await names("SELECT LastName FROM Lead WHERE LastName LIKE 'J_nes'")).toEqual(['Jones']);
    expect(await names("SELECT LastName FROM Lead WHERE Company LIKE '50\\% Off\\_%'")).toEqual(['smithers']);
    expect(await names("SELECT LastName FROM Lead WHERE Company LIKE '5\\%'")).toEqual([]);
  });

  it('combines AND, OR, NOT and parentheses, but refuses AND and OR mixed without them', async () => {
    expect(
      await names(
        "SELECT LastName FROM Lead WHERE (Rating = 'Hot' OR Rating = 'Cold') AND NOT Email LIKE 'jones%'",
      ),
    ).toEqual(["O'Brien"]);
    const error = await failure(
      conn.query("SELECT Id FROM Lead WHERE Rating = 'Hot' OR Rating = 'Cold' AND City = null"),
    );
    expect(error.errorCode).toBe('MALFORMED_QUERY');
  });

  it('compares numbers, booleans and dates by type', async () => {
    await sb.control.insert('Task', { Subject: 'a', CallDurationInSeconds: 30, ActivityDate: '2024-01-10' });
    await sb.control.insert('Task', { Subject: 'b', CallDurationInSeconds: 90, ActivityDate: '2024-02-10' });
    const subjects = async (soql: string) => (await q(soql)).map((r) => r.Subject);
    expect(await subjects('SELECT Subject FROM Task WHERE CallDurationInSeconds >= 60')).toEqual(['b']);
    expect(await subjects('SELECT Subject FROM Task WHERE ActivityDate < 2024-02-01')).toEqual(['a']);
    expect(await subjects('SELECT Subject FROM Task WHERE IsClosed = false ORDER BY Subject')).toEqual([
      'a',
      'b',
    ]);
    expect(
      await subjects(
        'SELECT Subject FROM Task WHERE CreatedDate = TODAY AND CreatedDate > 2020-01-01T00:00:00Z ORDER BY Subject',
      ),
    ).toEqual(['a', 'b']);
    expect(
      await subjects('SELECT Subject FROM Task WHERE CreatedDate = LAST_N_DAYS:3 ORDER BY Subject'),
    ).toHaveLength(2);
  });

  it('refuses a literal of the wrong type and an invalid id', async () => {
    expect((await failure(conn.query('SELECT Id FROM Lead WHERE LastName = 5'))).errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
    expect((await failure(conn.query("SELECT Id FROM Lead WHERE IsConverted = 'false'"))).errorCode).toBe(
      'INVALID_QUERY_FILTER_OPERATOR',
    );
    expect((await failure(conn.query("SELECT Id FROM Lead WHERE Id = 'abc'"))).message).toContain(
      'invalid ID field: abc',
    );
  });

  it('refuses filtering on a long text area', async () => {
    const error = await failure(conn.query("SELECT Id FROM Case WHERE Description = 'x'"));
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toContain("field 'Description' can not be filtered in a query call");
  });

  it('matches a 15-character id against the stored 18-character one', async () => {
    const [row] = await q("SELECT Id FROM Lead WHERE LastName = 'Jones'");
    const id = String(row!.Id);
    expect(await names(`SELECT LastName FROM Lead WHERE Id = '${id.slice(0, 15)}'`)).toEqual(['Jones']);
  });
});

describe('string escaping', () => {
  it('reads escaped quotes and backslashes', async () => {
    expect(await names("SELECT LastName FROM Lead WHERE LastName = 'O\\'Brien'")).toEqual(["O'Brien"]);
    expect(await names("SELECT LastName FROM Lead WHERE City = 'Back\\\\slash'")).toEqual(['Jones']);
  });

  it('answers MALFORMED_QUERY for an unescaped quote', async () => {
    const error = await failure(conn.query("SELECT Id FROM Lead WHERE LastName = 'O'Brien'"));
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    const res = await rest(
      sb,
      conn,
      'GET',
      `/query?q=${encodeURIComponent("SELECT Id FROM Lead WHERE LastName = 'O'Brien'")}`,
    );
    expect(res.status).toBe(400);
    expect(res.body[0].message).toMatch(/ERROR at Row:1:Column:\d+/);
  });

  it('answers MALFORMED_QUERY for an unknown escape sequence', async () => {
    const error = await failure(conn.query("SELECT Id FROM Lead WHERE City = 'Back\\slash'"));
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toContain("Illegal character sequence '\\s'");
    expect((await failure(conn.query("SELECT Id FROM Lead WHERE City = '50\\%'"))).errorCode).toBe(
      'MALFORMED_QUERY',
    );
  });
});

describe('errors for names', () => {
  it('answers INVALID_FIELD quoting the query for an unknown column', async () => {
    const error = await failure(conn.query('SELECT Foo FROM Lead'));
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toMatch(
      /^SELECT Foo FROM Lead\n {7}\^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Lead'\./,
    );
    expect((await failure(conn.query('SELECT Owner.Foo FROM Lead'))).errorCode).toBe('INVALID_FIELD');
    expect((await failure(conn.query('SELECT Boss.Email FROM Lead'))).errorCode).toBe('INVALID_FIELD');
  });

  it('answers INVALID_TYPE for an unknown object', async () => {
    const error = await failure(conn.query('SELECT Id FROM Foo'));
    expect(error.errorCode).toBe('INVALID_TYPE');
    expect(error.message).toContain("sObject type 'Foo' is not supported.");
  });

  it('requires a ContentDocumentLink query to filter by document or entity', async () => {
    expect((await failure(conn.query('SELECT Id FROM ContentDocumentLink'))).errorCode).toBe(
      'MALFORMED_QUERY',
    );
  });
});

describe('ORDER BY, LIMIT, OFFSET and paging', () => {
  it('sorts case-insensitively with nulls first ascending and last descending', async () => {
    expect(await names('SELECT LastName FROM Lead ORDER BY LastName DESC')).toEqual([
      'smithers',
      'Smith',
      "O'Brien",
      'Jones',
    ]);
    expect(await names('SELECT LastName FROM Lead ORDER BY Rating, LastName')).toEqual([
      'smithers',
      'Jones',
      "O'Brien",
      'Smith',
    ]);
    expect(await names('SELECT LastName FROM Lead ORDER BY Rating DESC NULLS FIRST')).toEqual([
      'smithers',
      'Smith',
      "O'Brien",
      'Jones',
    ]);
    expect(await names('SELECT LastName FROM Lead ORDER BY Rating ASC NULLS LAST LIMIT 1')).toEqual([
      'Jones',
    ]);
  });

  it('applies LIMIT and OFFSET', async () => {
    expect(await names('SELECT LastName FROM Lead ORDER BY LastName LIMIT 2 OFFSET 1')).toEqual([
      "O'Brien",
      'Smith',
    ]);
    expect((await failure(conn.query('SELECT Id FROM Lead OFFSET 2001'))).errorCode).toBe(
      'NUMBER_OUTSIDE_VALID_RANGE',
    );
  });

  it('pages with nextRecordsUrl and queryMore, honouring batchSize', async () => {
    await Promise.all(Array.from({ length: 450 }, (_, i) => sb.control.insert('Account', { Name: `A${i}` })));
    const first = await rest(
      sb,
      conn,
      'GET',
      `/query?q=${encodeURIComponent('SELECT Name FROM Account')}`,
      undefined,
      {
        'Sforce-Query-Options': 'batchSize=200',
      },
    );
    expect(first.body).toMatchObject({ totalSize: 450, done: false });
    expect(first.body.records).toHaveLength(200);
    expect(first.body.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]+-200$/);
    const all = await conn.query('SELECT Name FROM Account').run({ autoFetch: true, maxFetch: 1000 });
    expect(all.records).toHaveLength(450);
    const bad = await rest(sb, conn, 'GET', '/query/01gnope-200');
    expect(bad.body[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('includes deleted rows only in queryAll', async () => {
    const [row] = await q("SELECT Id FROM Lead WHERE LastName = 'Jones'");
    await conn.sobject('Lead').destroy(String(row!.Id));
    expect(await names("SELECT LastName FROM Lead WHERE LastName = 'Jones'")).toEqual([]);
    const all = await conn.query("SELECT LastName, IsDeleted FROM Lead WHERE LastName = 'Jones'", {
      scanAll: true,
    });
    expect(all.records).toMatchObject([{ LastName: 'Jones', IsDeleted: true }]);
  });
});

// Hostile but small input that used to end in 500s or fail other people's requests: a NUL in one console lookup
// batched with others, malformed global ids and cursors. Each now answers as what it is, a user error saying what to
// fix, and never disturbs the requests around it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askCustomer } from '../console/support.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

let org: ConnectedTenant;
beforeAll(async () => {
  org = await startConnectedTenant();
});
afterAll(() => org?.close());

async function post(query: string, variables?: unknown) {
  const response = await fetch(`${org.service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${org.keys.AGENT}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  return { status: response.status, errors: (body.errors ?? []).map((e) => [e.extensions?.code, e.message]) };
}

describe('console lookups', () => {
  it('one NUL character in one lookup fails no lookup batched with it (PostgreSQL 22021)', async () => {
    const { id } = await org.sandbox.control.insert('Lead', {
      LastName: 'Hopper',
      Company: 'Navy',
      Email: 'grace@navy.example',
    });
    // Concurrent asks share one batch (quiet-window.ts): the NUL one must not take the others down.
    const [nul, grace, other] = await Promise.all([
      askCustomer(org.service, org.keys.AGENT, { email: 'grace@navy.example\u0000' }),
      askCustomer(org.service, org.keys.AGENT, { email: 'grace@navy.example' }),
      askCustomer(org.service, org.keys.AGENT, { name: 'Nobody\u0000', phone: '+1 555 0100\u0000' }),
    ]);
    expect(grace.matches.map((m) => m.id)).toEqual([id]);
    // NUL cannot be stored in Salesforce: the value is looked up without it.
    expect(nul.matches.map((m) => m.id)).toEqual([id]);
    expect(other).toMatchObject({ connected: true, matches: [] });
  });
});

describe('malformed ids and cursors are user errors saying what to fix', () => {
  it.each([
    ['not base64 at all', '{ node(id: "not an id!") { id } }'],
    ['base64 of no type', `{ node(id: "${Buffer.from('nothing').toString('base64')}") { id } }`],
    ['an empty id', '{ syncRecord(id: "") { id } }'],
    ['a mutation argument', 'mutation { retrySync(id: "%%%") { __typename } }'],
  ])('%s: BAD_USER_INPUT', async (_name, query) => {
    const { errors } = await post(query);
    expect(errors).toEqual([
      [
        'BAD_USER_INPUT',
        expect.stringMatching(
          /is not an id of this API: pass an `id` field exactly as a query returned it\.$/,
        ),
      ],
    ]);
  });

  it('an id of another type: BAD_USER_INPUT naming the type expected', async () => {
    const other = Buffer.from('MappingVersion:1').toString('base64');
    const { errors } = await post(`{ syncRecord(id: "${other}") { id } }`);
    expect(errors).toEqual([['BAD_USER_INPUT', `ID: ${other} is not of type: SyncRecord`]]);
  });

  it.each(['garbage', Buffer.from('GPC:X:1').toString('base64'), ''])(
    'the cursor "%s": BAD_USER_INPUT',
    async (cursor) => {
      const { status, errors } = await post(
        'query C($after: String) { syncRecords(first: 5, after: $after) { edges { cursor } } }',
        {
          after: cursor,
        },
      );
      expect(status).toBe(400);
      expect(errors).toEqual([
        [
          'BAD_USER_INPUT',
          'The cursor is not one this API returned: pass pageInfo.endCursor (or an edge cursor) unchanged.',
        ],
      ]);
    },
  );
});

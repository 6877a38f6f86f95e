// Query depth, cost and alias limits, and the request body cap. The rules are shown on a small schema with a
// recursive type (ours has none, so nothing in it can be too deep), then on the service itself.
import { getIntrospectionQuery } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useQueryLimits } from '../../src/graphql/plugins/use-query-limits.ts';
import { MAX_REQUEST_BODY_BYTES } from '../../src/yoga.ts';
import { startService, type TestService } from '../support/service.ts';

const schema = createSchema({
  typeDefs: `
    type Query {
      item: Item
      items(first: Int): [Item!]!
      byIds(ids: [ID!]!): [Item]!
      page(first: Int, last: Int): ItemConnection!
    }
    type Item { id: ID! name: String child: Item children(first: Int): [Item!]! }
    type ItemConnection { edges: [ItemEdge!]! pageInfo: PageInfo! }
    type ItemEdge { cursor: String! node: Item! }
    type PageInfo { hasNextPage: Boolean! }
  `,
  resolvers: {
    Query: {
      item: () => ({ id: '1' }),
      items: () => [],
      byIds: () => [],
      page: () => ({ edges: [], pageInfo: { hasNextPage: false } }),
    },
  },
});

const limited = createYoga({
  schema,
  logging: false,
  maskedErrors: false,
  plugins: [useQueryLimits({ maxDepth: 4, maxCost: 100, maxAliases: 2 })],
});

async function run(query: string, variables?: Record<string, unknown>) {
  const response = await limited.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
  return { status: response.status, body, errors: body.errors?.map((e) => [e.extensions?.code, e.message]) };
}

describe('depth', () => {
  it('accepts a query at the depth limit and refuses one a field deeper, saying both', async () => {
    expect((await run('{ item { child { child { id } } } }')).errors).toBeUndefined();
    const refused = await run('{ item { child { child { child { id } } } } }');
    expect(refused.status).toBe(400);
    expect(refused.errors).toEqual([
      ['QUERY_TOO_DEEP', 'The query is 5 fields deep; at most 4 are allowed.'],
    ]);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ limit: 4, measured: 5 });
    expect(refused.body.data).toBeUndefined();
  });

  it('counts the fields of fragments and inline fragments where they are spread', async () => {
    const refused = await run(`
      query Deep { item { ...Child } }
      fragment Child on Item { child { ... on Item { child { child { id } } } } }
    `);
    expect(refused.errors).toEqual([
      ['QUERY_TOO_DEEP', 'The query is 5 fields deep; at most 4 are allowed.'],
    ]);
  });

  it('does not limit introspection, which GraphiQL sends', async () => {
    expect((await run(getIntrospectionQuery())).errors).toBeUndefined();
  });

  it('counts aliases inside introspection: they are what multiplies its answer', async () => {
    const refused = await run(
      '{ __schema { a: types { name } b: types { name } } __type(name: "Item") { c: name } }',
    );
    expect(refused.errors).toEqual([['TOO_MANY_ALIASES', 'The query has 3 aliases; at most 2 are allowed.']]);
  });
});

describe('cost', () => {
  it('counts each field once per item of the lists around it', async () => {
    // 1 for items, then 50 × (id + name).
    expect((await run('{ items(first: 49) { id name } }')).errors).toBeUndefined();
    expect((await run('{ items(first: 50) { id name } }')).errors).toEqual([
      [
        'QUERY_TOO_COSTLY',
        'The query costs 101 (a field costs 1, once per item of the lists around it); at most 100 is allowed. ' +
          'Ask for smaller pages or fewer fields.',
      ],
    ]);
  });

  it('multiplies nested lists, and counts a list without a size as 10 items', async () => {
    // 1 + 10 × (1 + 10 × 1) = 111
    const refused = await run('{ items { children { id } } }');
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', measured: 111 });
  });

  it("counts a connection's edges once per item of its page", async () => {
    // page 1 + edges (1 + 20 × (node 1 + id 1)) + pageInfo (1 + 1) = 44: 20 is the default page.
    expect((await run('{ page { edges { node { id } } pageInfo { hasNextPage } } }')).errors).toBeUndefined();
    const refused = await run('{ page(last: 40) { edges { cursor node { id name } } } }');
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', measured: 162 });
  });

  it('counts a page size given as a variable as the largest page, whatever the variable says', async () => {
    const refused = await run('query ($n: Int) { page(first: $n) { edges { node { id } } } }', { n: 1 });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', measured: 202 });
  });

  it('counts a list looked up by ids once per id', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `"${i}"`).join(',');
    expect((await run(`{ byIds(ids: [${ids(99)}]) { id } }`)).errors).toBeUndefined();
    const refused = await run(`{ byIds(ids: [${ids(100)}]) { id } }`);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', measured: 101 });
  });

  it('refuses a fragment bomb at once, measuring each fragment once', async () => {
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i} on Item { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const started = performance.now();
    const refused = await run(`{ item { ...F0 } } ${fragments} fragment F40 on Item { id }`);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COSTLY',
      measured: 2 ** 40 + 1,
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('aliases', () => {
  it('refuses more aliases than allowed, counting those of each fragment spread', async () => {
    expect((await run('{ a: item { id } b: item { id } }')).errors).toBeUndefined();
    const refused = await run(`
      { item { ...Names } again: item { ...Names } }
      fragment Names on Item { first: name }
    `);
    expect(refused.errors).toEqual([['TOO_MANY_ALIASES', 'The query has 3 aliases; at most 2 are allowed.']]);
  });
});

describe('the service', () => {
  let service: TestService;
  let key: string;
  beforeAll(async () => {
    service = await startService();
    key = (await service.createTenant('acme')).admin;
  });
  afterAll(() => service?.close());

  const post = (body: string | Record<string, unknown>) =>
    fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('refuses an alias bomb of 21 aliases before running anything', async () => {
    const query = `{ ${Array.from({ length: 21 }, (_, i) => `v${i}: viewer { role }`).join(' ')} }`;
    const response = await post({ query });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: unknown }> };
    expect(body.errors).toMatchObject([
      {
        message: 'The query has 21 aliases; at most 20 are allowed.',
        locations: [{ line: 1, column: 1 }],
        extensions: { code: 'TOO_MANY_ALIASES', limit: 20, measured: 21 },
      },
    ]);
  });

  it('answers a full page of sync records, and refuses two of them in one query as too costly', async () => {
    const page = `syncRecords(first: 100) {
      edges { node { id status objects { role url } mappingVersion { warnings { line column path code message severity } } } }
    }`;
    const one = await post({ query: `{ ${page} }` });
    expect(one.status).toBe(200);
    const two = await post({ query: `{ a: ${page} b: ${page} }` });
    expect(two.status).toBe(400);
    const body = (await two.json()) as { errors: Array<{ message: string; extensions: unknown }> };
    expect(body.errors[0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COSTLY',
      limit: 10_000,
      measured: 17_204,
    });
  });

  it('refuses a body over the size limit with 413, without reading it', async () => {
    const response = await post('x'.repeat(MAX_REQUEST_BODY_BYTES + 1));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      errors: [
        {
          message: 'The request body is larger than 48 MB.',
          extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' },
        },
      ],
    });
  });

  it('keeps batching off: an array of operations is refused', async () => {
    const response = await post('[{"query":"{ viewer { role } }"},{"query":"{ viewer { role } }"}]');
    expect(response.status).toBe(400);
  });
});

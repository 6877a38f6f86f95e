// No leaks: in production the schema is private (no GraphiQL, no introspection, no "Did you mean") unless a setting
// opens it; before authentication nothing about the schema is said; CORS is closed unless origins are listed; the
// query text and variables never reach the logs; platform tokens verify with RSA, EC and Ed25519 keys alike; a JWT
// tenant claim means one tenant only.
import { randomUUID } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../src/auth/jwt.ts';
import { startService, type TestService } from '../support/service.ts';

async function post(service: TestService, query: string, credential?: string, variables?: unknown) {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(credential ? { authorization: `Bearer ${credential}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  return { status: response.status, ...body, text: JSON.stringify(body) };
}

const graphiql = (service: TestService) =>
  fetch(`${service.url}/graphql`, { headers: { accept: 'text/html' } }).then(async (r) => ({
    status: r.status,
    html: (await r.text()).includes('<html'),
  }));

// Production refuses to start without its secrets.
const PRODUCTION = {
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  PUBLIC_BASE_URL: 'https://cx.example',
};

const INTROSPECTION = '{ __schema { queryType { name } } }';
const TYPO = '{ viewr { role } }';

describe('in production (NODE_ENV=production)', () => {
  let service: TestService;
  let admin: string;
  beforeAll(async () => {
    service = await startService({ NODE_ENV: 'production', ...PRODUCTION });
    admin = (await service.createTenant('prod')).keys.ADMIN;
  });
  afterAll(() => service?.close());

  it('serves no GraphiQL: a browser without a credential gets 401', async () => {
    expect(await graphiql(service)).toEqual({ status: 401, html: false });
  });

  it('refuses introspection even to an ADMIN', async () => {
    const answer = await post(service, INTROSPECTION, admin);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.message).toMatch(/introspection/i);
    expect(answer.data).toBeUndefined();
  });

  it('says no "Did you mean" in validation or variable errors', async () => {
    const typo = await post(service, TYPO, admin);
    expect(typo.errors?.[0]?.message).toBe('Cannot query field "viewr" on type "Query".');
    const enumTypo = await post(
      service,
      'query Q($kind: [SyncStatus!]) { syncRecords(status: $kind) { edges { cursor } } }',
      admin,
      { kind: ['SYNCD'] },
    );
    expect(enumTypo.errors?.[0]?.message).toMatch(/^Variable "\$kind" got invalid value "SYNCD"/);
    expect(enumTypo.text).not.toContain('Did you mean');
  });

  it('answers an unauthenticated typo with 401 alone, naming nothing of the schema', async () => {
    const answer = await post(service, TYPO);
    expect(answer.status).toBe(401);
    expect(answer.text).not.toMatch(/viewer|Query|Did you mean/);
  });
});

describe('GRAPHIQL=1 and INTROSPECTION=1 open them in production', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService({
      NODE_ENV: 'production',
      ...PRODUCTION,
      GRAPHIQL: '1',
      INTROSPECTION: '1',
    });
  });
  afterAll(() => service?.close());

  it('serves GraphiQL and answers introspection', async () => {
    expect(await graphiql(service)).toEqual({ status: 200, html: true });
    const admin = (await service.createTenant('open')).keys.ADMIN;
    expect((await post(service, INTROSPECTION, admin)).data).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    expect((await post(service, TYPO, admin)).errors?.[0]?.message).toContain('Did you mean "viewer"?');
  });
});

describe('CORS', () => {
  const preflight = (service: TestService, origin: string) =>
    fetch(`${service.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    }).then((r) => ({
      origin: r.headers.get('access-control-allow-origin'),
      credentials: r.headers.get('access-control-allow-credentials'),
    }));

  let closed: TestService;
  let listed: TestService;
  beforeAll(async () => {
    [closed, listed] = await Promise.all([
      startService(),
      startService({ CORS_ORIGINS: 'https://app.cloudcx.example, https://admin.cloudcx.example/' }),
    ]);
  });
  afterAll(() => Promise.all([closed?.close(), listed?.close()]));

  it('is closed by default: no origin is allowed, none is reflected', async () => {
    expect(await preflight(closed, 'https://evil.example')).toEqual({ origin: null, credentials: null });
  });

  it('allows exactly the origins CORS_ORIGINS lists', async () => {
    expect(await preflight(listed, 'https://admin.cloudcx.example')).toEqual({
      origin: 'https://admin.cloudcx.example',
      credentials: 'true',
    });
    expect((await preflight(listed, 'https://evil.example')).origin).not.toBe('https://evil.example');
  });
});

describe('logs', () => {
  let service: TestService;
  let admin: string;
  beforeAll(async () => {
    service = await startService();
    admin = (await service.createTenant('logs')).keys.ADMIN;
  });
  afterAll(() => service?.close());

  it('never hold the query text or the variables, even when a request fails on them', async () => {
    const inline = `sk-inline-${randomUUID()}`;
    const inVariable = `sk-variable-${randomUUID()}`;
    const idSecret = `sk-id-${randomUUID()}`;
    await post(service, `{ syncRecords(first: 1, after: "${inline}") { edges { cursor } } }`, admin);
    await post(service, `{ node(id: "${idSecret}") { id } }`, admin);
    await post(service, 'query Q($n: Int) { syncRecords(first: $n) { edges { cursor } } }', admin, {
      n: inVariable,
    });
    await post(service, `{ viewer { role } mapping(x: "${inline}") { version } }`, admin);
    expect(service.logs.length).toBeGreaterThan(3);
    const text = service.logs.join('\n');
    for (const secret of [inline, inVariable, idSecret]) expect(text).not.toContain(secret);
    expect(text).toContain('BAD_USER_INPUT');
  });
});

describe('platform tokens signed with each kind of key', () => {
  const claims = { tenant: 'acme', role: 'AGENT', email: 'agent@acme.example' };
  const cases: Array<
    [string, Parameters<typeof generateKeyPair>[0], Parameters<typeof generateKeyPair>[1]?]
  > = [
    ['RSA (RS256)', 'RS256', { modulusLength: 2048 }],
    ['EC P-256 (ES256)', 'ES256'],
    ['EC P-384 (ES384)', 'ES384'],
    ['Ed25519 (EdDSA)', 'EdDSA', { crv: 'Ed25519' }],
  ];
  it.each(cases)('%s: verified by the algorithm its key declares', async (_name, alg, options) => {
    const { publicKey, privateKey } = await generateKeyPair(alg, { ...options, extractable: true });
    const verify = await createJwtVerifier({ publicKeyPem: await exportSPKI(publicKey) });
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setSubject('agent-1')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await verify(token)).toMatchObject({ tenantId: 'acme', role: 'AGENT' });
  });

  it.each([
    ['RS512', 'RS256'],
    ['PS256', 'RS256'],
  ] as const)(
    'JWT_ALGORITHM=%s chooses among an RSA key’s algorithms; %s tokens are then refused',
    async (alg, other) => {
      // An RSA-PSS key exported as SPKI reads as plain RSA: its algorithm must be declared.
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const verify = await createJwtVerifier({ publicKeyPem: await exportSPKI(publicKey), algorithm: alg });
      const sign = async (signWith: string) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: signWith })
          .setSubject('a')
          .setExpirationTime('5m')
          .sign(signWith === alg ? privateKey : (await generateKeyPair(signWith)).privateKey);
      expect(await verify(await sign(alg))).toMatchObject({ role: 'AGENT' });
      await expect(verify(await sign(other))).rejects.toThrow(/not signed with an accepted algorithm/);
    },
  );

  it('a key that is not one stops the service at start, saying why', async () => {
    await expect(createJwtVerifier({ publicKeyPem: 'not a key' })).rejects.toThrow(
      /^JWT_PUBLIC_KEY is not a PEM public key/,
    );
  });

  it('the service starts with an Ed25519 key and accepts its tokens', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const service = await startService({ JWT_SECRET: '', JWT_PUBLIC_KEY: await exportSPKI(publicKey) });
    try {
      const tenant = await service.createTenant('eddsa');
      const token = await new SignJWT({ ...claims, tenant: tenant.id })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject('agent-1')
        .setExpirationTime('5m')
        .sign(privateKey);
      expect((await post(service, '{ viewer { role } }', token)).data).toEqual({ viewer: { role: 'AGENT' } });
    } finally {
      await service.close();
    }
  });
});

describe('the JWT tenant claim', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(() => service?.close());

  it('refuses a slug shaped like a tenant id when the tenant is created', async () => {
    const system = await service.systemKey();
    const answer = await post(
      service,
      `mutation { createTenant(input: { slug: "${randomUUID()}", name: "Lookalike" }) { __typename ... on InvalidInputError { message field } } }`,
      system,
    );
    expect(answer.data).toEqual({
      createTenant: {
        __typename: 'InvalidInputError',
        field: 'slug',
        message: 'slug must not look like a tenant id (a UUID): tokens name tenants by either.',
      },
    });
  });

  it('names a tenant by id when shaped like one, else by slug: never both', async () => {
    const { TEST_JWT_SECRET } = await import('../support/service.ts');
    const tenant = await service.createTenant('claims');
    // A slug shaped like this tenant's id, written around the API's check: it must not be found by that id.
    const lookalike = await service.app.db.prisma.tenant.create({ data: { slug: randomUUID(), name: 'x' } });
    const token = (tenant: string) =>
      new SignJWT({ tenant, role: 'AGENT' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('a')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const as = async (claim: string) =>
      (await post(service, '{ viewer { tenant { id } } }', await token(claim))).data;
    expect(await as(tenant.id)).toEqual({ viewer: { tenant: { id: tenant.id } } });
    expect(await as('claims')).toEqual({ viewer: { tenant: { id: tenant.id } } });
    expect(await as(lookalike.slug)).toBeUndefined();
  });
});

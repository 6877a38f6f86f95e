import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/gql.ts';
import { graphqlError } from '../support/graphql-errors.ts';
import { startService, TEST_JWT_SECRET, type TestService } from '../support/service.ts';

const Viewer = graphql(`
  query Viewer {
    viewer {
      role
      agentEmail
      tenant {
        slug
      }
    }
  }
`);

const CreateApiKey = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      __typename
      ... on MutationCreateApiKeySuccess {
        data {
          key
          apiKey {
            id
            role
          }
        }
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

const RevokeApiKey = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      __typename
      ... on MutationRevokeApiKeySuccess {
        data {
          id
          revokedAt
        }
      }
      ... on NotFoundError {
        message
      }
    }
  }
`);

const ApiKeys = graphql(`
  query ApiKeys {
    apiKeys {
      id
      name
    }
  }
`);

const CreateTenant = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      __typename
      ... on MutationCreateTenantSuccess {
        data {
          tenantId
          adminKey
        }
      }
      ... on InvalidInputError {
        message
      }
    }
  }
`);

const ClearSystemSalesforceApp = graphql(`
  mutation ClearSystemSalesforceApp {
    clearSystemSalesforceApp
  }
`);

let service: TestService;
let acme: Awaited<ReturnType<TestService['createTenant']>>;
let globex: Awaited<ReturnType<TestService['createTenant']>>;

beforeAll(async () => {
  service = await startService();
  acme = await service.createTenant('acme');
  globex = await service.createTenant('globex');
});
afterAll(() => service?.close());

/** The audit lines of an action (of one key's id, when given). */
async function audit(action: string, details?: { id: string }) {
  const rows = await service.app.db.prisma.auditEvent.findMany({
    where: { action, ...(details ? { details: { path: ['id'], equals: details.id } } : {}) },
    select: { tenantId: true, actor: true, details: true },
  });
  return rows;
}

function token(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('agent-7')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

describe('API keys', () => {
  it('refuses a request without a credential with 401 and says what to send', async () => {
    const error = await graphqlError(service.client().request(Viewer));
    expect(error).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'Authentication required: send "Authorization: Bearer <API key or platform token>".',
    });
  });

  it('refuses a malformed or unknown key', async () => {
    const error = await graphqlError(
      service.client('cxsf_000000000000_notarealkeynotarealkeynotarealkey').request(Viewer),
    );
    expect(error.status).toBe(401);
    expect(error.message).toBe('The API key is not valid. Check that it was copied whole.');
  });

  it('answers as the tenant and role the key is bound to', async () => {
    const result = await service.client(acme.keys.AGENT).request(Viewer);
    expect(result.viewer).toEqual({ role: 'AGENT', agentEmail: null, tenant: { slug: 'acme' } });
  });

  it('lets an admin create a key, shown once, that works at once', async () => {
    const result = await service
      .client(acme.keys.ADMIN)
      .request(CreateApiKey, { input: { name: 'ci', role: 'INTEGRATION' } });
    if (result.createApiKey.__typename !== 'MutationCreateApiKeySuccess')
      throw new Error(result.createApiKey.__typename);
    const { key } = result.createApiKey.data;
    expect(key).toMatch(/^cxsf_[0-9a-f]{12}_/);
    expect((await service.client(key).request(Viewer)).viewer.role).toBe('INTEGRATION');
    const stored = await service.app.db.prisma.apiKey.findUniqueOrThrow({
      where: { id: result.createApiKey.data.apiKey.id },
    });
    expect(JSON.stringify(stored)).not.toContain(key.slice(`cxsf_${stored.prefix}_`.length));
    expect(await audit('api-key.created', { id: stored.id })).toEqual([
      {
        tenantId: acme.id,
        actor: expect.stringMatching(/^api-key:/),
        details: { id: stored.id, role: 'INTEGRATION' },
      },
    ]);
  });

  it('refuses a revoked key', async () => {
    const created = await service
      .client(acme.keys.ADMIN)
      .request(CreateApiKey, { input: { name: 'temp', role: 'AGENT' } });
    if (created.createApiKey.__typename !== 'MutationCreateApiKeySuccess') throw new Error('not created');
    const { id } = created.createApiKey.data.apiKey;
    await service.client(acme.keys.ADMIN).request(RevokeApiKey, { id });
    // Revoking it again answers the key and writes no second line.
    const again = await service.client(acme.keys.ADMIN).request(RevokeApiKey, { id });
    expect(again.revokeApiKey.__typename).toBe('MutationRevokeApiKeySuccess');
    expect(await audit('api-key.revoked', { id })).toHaveLength(1);
    const error = await graphqlError(service.client(created.createApiKey.data.key).request(Viewer));
    expect(error).toMatchObject({
      status: 401,
      message: 'The API key was revoked. Ask an admin for a new one.',
    });
  });

  it('answers a bad input as data that names the field', async () => {
    const result = await service
      .client(acme.keys.ADMIN)
      .request(CreateApiKey, { input: { name: ' ', role: 'AGENT' } });
    expect(result.createApiKey).toEqual({
      __typename: 'InvalidInputError',
      field: 'name',
      message: 'Give the key a name that says what it is for.',
    });
  });
});

describe('roles', () => {
  it.each(['AGENT', 'INTEGRATION'] as const)('forbids a %s key to create keys', async (role) => {
    const error = await graphqlError(
      service.client(acme.keys[role]).request(CreateApiKey, { input: { name: 'x', role: 'ADMIN' } }),
    );
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      message: `Your ${role} credential may not use "Mutation.createApiKey".`,
    });
  });

  it('lets only the platform create tenants', async () => {
    const denied = await graphqlError(
      service.client(acme.keys.ADMIN).request(CreateTenant, { input: { slug: 'initech', name: 'Initech' } }),
    );
    expect(denied.code).toBe('FORBIDDEN');
    const system = await service.systemKey();
    const created = await service
      .client(system)
      .request(CreateTenant, { input: { slug: 'initech', name: 'Initech' } });
    if (created.createTenant.__typename !== 'MutationCreateTenantSuccess') throw new Error('not created');
    const viewer = await service.client(created.createTenant.data.adminKey).request(Viewer);
    expect(viewer.viewer).toMatchObject({ role: 'ADMIN', tenant: { slug: 'initech' } });
    const tenantId = created.createTenant.data.tenantId;
    expect(await audit('tenant.created')).toContainEqual({
      tenantId,
      actor: expect.any(String),
      details: null,
    });
    const again = await service
      .client(system)
      .request(CreateTenant, { input: { slug: 'initech', name: 'Again' } });
    expect(again.createTenant).toEqual({
      __typename: 'InvalidInputError',
      message: 'A tenant with slug "initech" already exists.',
    });
  });
});

describe('the platform app', () => {
  it('is cleared by the platform, audited once', async () => {
    await service.app.db.prisma.platformApp.create({
      data: { clientId: 'x', clientSecretEnc: 'sealed', loginUrl: 'https://test.salesforce.com' },
    });
    const system = await service.systemKey();
    expect((await service.client(system).request(ClearSystemSalesforceApp)).clearSystemSalesforceApp).toBe(
      true,
    );
    expect((await service.client(system).request(ClearSystemSalesforceApp)).clearSystemSalesforceApp).toBe(
      false,
    );
    expect(await audit('platform-app.cleared')).toEqual([
      { tenantId: null, actor: expect.any(String), details: null },
    ]);
  });
});

describe('tenant isolation', () => {
  it('lists only the caller tenant keys', async () => {
    const mine = (await service.client(acme.keys.ADMIN).request(ApiKeys)).apiKeys;
    const theirs = await service.app.db.prisma.apiKey.findMany({ where: { tenantId: globex.id } });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((k) => k.id)).not.toEqual(expect.arrayContaining([theirs[0]!.id]));
  });

  it('cannot revoke another tenant key: it does not exist for the caller', async () => {
    const theirs = await service.app.db.prisma.apiKey.findFirstOrThrow({
      where: { tenantId: globex.id, role: 'AGENT' },
    });
    const result = await service.client(acme.keys.ADMIN).request(RevokeApiKey, { id: theirs.id });
    expect(result.revokeApiKey).toEqual({
      __typename: 'NotFoundError',
      message: `No API key with id "${theirs.id}" exists for your tenant.`,
    });
    expect((await service.client(globex.keys.AGENT).request(Viewer)).viewer.tenant?.slug).toBe('globex');
  });
});

describe('platform tokens (JWT)', () => {
  it('accepts a signed token and knows the agent', async () => {
    const jwt = await token({ tenant: acme.id, role: 'AGENT', email: 'ada@acme.test' });
    const result = await service.client(jwt).request(Viewer);
    expect(result.viewer).toEqual({ role: 'AGENT', agentEmail: 'ada@acme.test', tenant: { slug: 'acme' } });
  });

  it('refuses an expired token', async () => {
    const jwt = await token({ tenant: acme.id, role: 'AGENT' }, { expiresIn: '-1m' });
    expect(await graphqlError(service.client(jwt).request(Viewer))).toMatchObject({
      status: 401,
      message: 'The token has expired. Sign in again.',
    });
  });

  it('refuses a token signed with another key', async () => {
    const jwt = await token(
      { tenant: acme.id, role: 'ADMIN' },
      { secret: 'someone-else-s-secret-0123456789abcdef' },
    );
    expect(await graphqlError(service.client(jwt).request(Viewer))).toMatchObject({
      status: 401,
      message: 'The token signature is not valid.',
    });
  });

  it('refuses an unsigned token', async () => {
    const jwt = new UnsecuredJWT({ tenant: acme.id, role: 'ADMIN' })
      .setSubject('x')
      .setExpirationTime('5m')
      .encode();
    expect(await graphqlError(service.client(jwt).request(Viewer))).toMatchObject({
      status: 401,
      message: 'The token is not signed with an accepted algorithm (unsigned tokens are refused).',
    });
  });

  it('refuses a token for a tenant that does not exist', async () => {
    const jwt = await token({ tenant: 'nobody', role: 'ADMIN' });
    expect(await graphqlError(service.client(jwt).request(Viewer))).toMatchObject({
      status: 401,
      message: 'The token names tenant "nobody", which does not exist.',
    });
  });

  it('refuses a token without a role the service knows', async () => {
    const jwt = await token({ tenant: acme.id, role: 'SYSTEM' });
    expect((await graphqlError(service.client(jwt).request(Viewer))).message).toBe(
      'The token must carry a "tenant" claim and a "role" of ADMIN, AGENT or INTEGRATION.',
    );
  });
});

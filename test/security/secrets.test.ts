// Secrets stay secret: API keys are stored as SHA-256 only, no GraphQL field returns a hash, secret or token, and
// neither the answers nor the service's log lines ever carry a key, a Salesforce token or a client secret.
// OAuth state replay is refused: see test/connect/connect-errors.test.ts ("a denied consent, then the same state
// replayed", "a tampered state", "an expired state").
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecretBox } from '../../src/crypto.ts';
import { schema } from '../../src/graphql/schema.ts';
import { createLogger } from '../../src/log.ts';
import { graphql } from '../generated/gql.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

const CLIENT_SECRET = 'cloudcx-test-secret';

const SecretsCreateKey = graphql(`
  mutation SecretsCreateKey {
    createApiKey(input: { name: "script", role: INTEGRATION }) {
      __typename
      ... on MutationCreateApiKeySuccess {
        data {
          key
          apiKey {
            id
            prefix
          }
        }
      }
    }
  }
`);

const SecretsEverything = graphql(`
  query SecretsEverything {
    viewer {
      role
    }
    apiKeys {
      id
      name
      prefix
      role
    }
    salesforceConnection {
      status
      username
      orgId
      instanceUrl
      lastError
      customConfiguration {
        clientId
        loginUrl
      }
    }
    syncRecords(first: 20) {
      edges {
        node {
          id
          status
          lastError
          candidates
        }
      }
    }
  }
`);

const SecretsSystemApp = graphql(`
  query SecretsSystemApp {
    systemSalesforceApp {
      clientId
      loginUrl
      callbackUrl
    }
  }
`);

/** Output fields whose names sound secret but are not, each with the reason. */
const ALLOWED: Record<string, string> = {
  'MappingVersion.hash': 'the content hash of the mapping YAML, published in git anyway',
  'CreateApiKeyPayload.key': 'the new key, shown once to its creator by design',
  'CreateTenantPayload.adminKey': "the new tenant's first key, shown once to the platform by design",
  'PlannedLookup.key': 'names a lookup of the plan (object and rule), not a credential',
};

let org: ConnectedTenant;
beforeAll(async () => {
  org = await startConnectedTenant();
});
afterAll(() => org?.close());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('API keys', () => {
  it('are stored as their SHA-256 only: no column holds the key or its secret part', async () => {
    const result = await org.service.client(org.keys.ADMIN).request(SecretsCreateKey);
    if (result.createApiKey.__typename !== 'MutationCreateApiKeySuccess') throw new Error('not created');
    const { key, apiKey } = result.createApiKey.data;
    const row = await org.service.app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.hash).toBe(sha256(key));
    const secretPart = key.slice('cxsf_'.length + row.prefix.length + 1);
    expect(JSON.stringify(row)).not.toContain(secretPart);
    expect(key).toContain(row.prefix);
  });
});

describe('the schema', () => {
  it('has no output field that returns a hash, a secret, a token or a password', () => {
    const suspicious: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !('getFields' in type) || 'parseLiteral' in type) continue;
      if (String(type.constructor.name) === 'GraphQLInputObjectType') continue;
      for (const [field, definition] of Object.entries(type.getFields())) {
        const name = `${type.name}.${field}`;
        const text = String(definition.type).replace(/[[\]!]/g, '') === 'String';
        if (
          (/hash|secret|token|password/i.test(field) || (text && /key$/i.test(field))) &&
          !(name in ALLOWED)
        )
          suspicious.push(name);
      }
    }
    expect(suspicious).toEqual([]);
  });
});

describe('answers and logs', () => {
  it('never carry an API key, a key hash, a Salesforce token or the client secret', async () => {
    const box = loadSecretBox(
      { encryptionKey: undefined, dataDir: org.service.dataDir },
      createLogger('silent'),
    );
    const tokens = async () => {
      const row = await org.service.app.db.prisma.salesforceConnection.findFirstOrThrow({
        where: { tenantId: org.tenantId },
      });
      return [row.accessTokenEnc, row.refreshTokenEnc].filter((t) => t !== null).map((t) => box.open(t!));
    };
    const before = await tokens();
    // A refresh mid-run: the old and the new access token both stay out of sight.
    await org.recordChat({
      chatId: 'secret-1',
      event: 'ENDED',
      visitor: { email: 'a@x.example' },
      waitSeconds: 20,
    });
    await org.sandbox.control.expireAccessTokens();
    await org.recordChat({
      chatId: 'secret-2',
      event: 'ENDED',
      visitor: { email: 'b@x.example' },
      waitSeconds: 20,
    });
    const after = await tokens();
    expect(after[0]).not.toBe(before[0]);

    const systemKey = await org.service.systemKey();
    const answers = [
      JSON.stringify(await org.service.client(org.keys.ADMIN).request(SecretsEverything)),
      JSON.stringify(
        await org.service
          .client(org.keys.AGENT)
          .request(SecretsEverything)
          .catch((e) => e.response),
      ),
      JSON.stringify(await org.service.client(systemKey).request(SecretsSystemApp)),
    ];
    const keyRows = await org.service.app.db.prisma.apiKey.findMany();
    const secrets = [
      ...Object.values(org.keys),
      systemKey,
      ...keyRows.map((k) => k.hash),
      ...before,
      ...after,
      CLIENT_SECRET,
    ];
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) {
      for (const answer of answers) expect(answer).not.toContain(secret);
      const leaking = org.service.logs.filter((line) => line.includes(secret));
      expect(leaking).toEqual([]);
    }
    expect(org.service.logs.length).toBeGreaterThan(10);
    expect(org.service.logs.join('\n')).not.toMatch(/Bearer\s+\S/);
  });
});

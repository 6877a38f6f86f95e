// Ambiguity instead of guessing: when several records match and the mapping says not to guess (onMultiple: none),
// the chat waits in NEEDS_REVIEW with the candidates; an agent picks one, which is remembered for the visitor.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishMapping } from '../../src/sync/mapping-versions.ts';
import { graphql } from '../generated/gql.ts';
import {
  type ConnectedTenant,
  type SyncRecordView,
  startConnectedTenant,
} from '../support/connected-tenant.ts';
import { graphqlError } from '../support/graphql-errors.ts';

const ReviewedRecord = graphql(`
  query AmbiguityReviewedRecord($id: ID!) {
    syncRecord(id: $id) {
      status
      lastErrorCode
      lastError
      matchCandidates {
        object
        salesforceId
        rule
        fields
        url
      }
      objects {
        role
        salesforceId
      }
    }
  }
`);

const ResolveMatch = graphql(`
  mutation AmbiguityResolveMatch($id: ID!, $object: SalesforceMatchObject!, $salesforceId: String!) {
    resolveSalesforceMatch(syncRecordId: $id, object: $object, salesforceId: $salesforceId) {
      __typename
      ... on MutationResolveSalesforceMatchSuccess {
        data {
          status
        }
      }
      ... on InvalidInputError {
        message
        field
      }
    }
  }
`);

const salesYaml = readFileSync(
  path.resolve(import.meta.dirname, '../../mappings/defaults/sales.yaml'),
  'utf8',
);

let org: ConnectedTenant;
beforeAll(async () => {
  org = await startConnectedTenant();
  await publishMapping(org.service.app.db.prisma, {
    tenantId: org.tenantId,
    yaml: salesYaml.replace('onMultiple: mostRecentlyModified', 'onMultiple: none'),
    author: 'test',
  });
});
afterAll(() => org?.close());

const at = '2026-11-25T12:00:00.000Z';
const chat = (chatId: string) =>
  org.recordChat({
    chatId,
    event: 'ENDED',
    visitor: { name: 'Twin', email: 'twin@example.com' },
    agent: { id: 'a1', email: 'nobody@acme.example' },
    startedAt: at,
    endedAt: at,
    waitSeconds: 20,
  });

async function settled(id: string) {
  const client = org.service.client(org.keys.AGENT);
  for (let i = 0; i < 200; i++) {
    const { syncRecord } = await client.request(ReviewedRecord, { id });
    if (syncRecord && !['PENDING', 'RUNNING', 'RETRYING'].includes(syncRecord.status)) return syncRecord;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the sync did not settle');
}

describe('two Leads with one email under onMultiple: none', () => {
  let first: SyncRecordView;
  let older: string;
  let newer: string;

  it('writes nothing and waits in NEEDS_REVIEW with both candidates', async () => {
    older = (
      await org.sandbox.control.insert('Lead', {
        LastName: 'Twin One',
        Company: 'A',
        Email: 'twin@example.com',
      })
    ).id;
    newer = (
      await org.sandbox.control.insert('Lead', {
        LastName: 'Twin Two',
        Company: 'B',
        Email: 'twin@example.com',
      })
    ).id;
    first = await chat('ambiguous-1');
    expect(first.status).toBe('NEEDS_REVIEW');
    const record = await settled(first.id);
    expect(record.lastErrorCode).toBe('MULTIPLE_MATCHES');
    expect(record.lastError).toContain('2 Lead records match');
    expect(record.matchCandidates.map((c) => c.salesforceId).sort()).toEqual([older, newer].sort());
    const one = record.matchCandidates.find((c) => c.salesforceId === older)!;
    expect(one).toMatchObject({
      object: 'Lead',
      rule: 'lead-by-email',
      fields: { Name: 'Twin One', Email: 'twin@example.com', Company: 'A' },
      url: `${org.sandbox.url}/lightning/r/Lead/${older}/view`,
    });
    expect(await org.sandbox.control.records('Task')).toEqual([]);
    expect(await org.sandbox.control.records('Lead', { Email: 'twin@example.com' })).toHaveLength(2);
  });

  it('lets neither an integration key resolve it nor an agent pick a record that is not a candidate', async () => {
    const forbidden = await graphqlError(
      org.service
        .client(org.keys.INTEGRATION)
        .request(ResolveMatch, { id: first.id, object: 'Lead', salesforceId: newer }),
    );
    expect(forbidden.code).toBe('FORBIDDEN');
    const other = await org.service
      .client(org.keys.AGENT)
      .request(ResolveMatch, { id: first.id, object: 'Lead', salesforceId: '00Q000000000999AAA' });
    expect(other.resolveSalesforceMatch).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'salesforceId',
    });
  });

  it('puts the Task under the Lead an agent picks', async () => {
    const answer = await org.service
      .client(org.keys.AGENT)
      .request(ResolveMatch, { id: first.id, object: 'Lead', salesforceId: newer });
    expect(answer.resolveSalesforceMatch.__typename).toBe('MutationResolveSalesforceMatchSuccess');
    // The refused attempts above wrote no line; the choice wrote one.
    const lines = await org.service.app.db.prisma.auditEvent.findMany({
      where: { action: 'sync.match.resolved' },
      select: { details: true },
    });
    expect(lines).toEqual([{ details: expect.objectContaining({ object: 'Lead', salesforceId: newer }) }]);
    const record = await settled(first.id);
    expect(record.status).toBe('SYNCED');
    expect(record.matchCandidates).toEqual([]);
    const tasks = await org.sandbox.control.records('Task', { WhoId: newer });
    expect(tasks).toHaveLength(1);
    expect(await org.sandbox.control.records('Task', { WhoId: older })).toEqual([]);
    expect(await org.sandbox.control.records('Lead', { Email: 'twin@example.com' })).toHaveLength(2);
  });

  it("uses the agent's choice for the visitor's next chat without asking", async () => {
    const next = await chat('ambiguous-2');
    expect(next.status).toBe('SYNCED');
    expect(await org.sandbox.control.records('Task', { WhoId: newer })).toHaveLength(2);
    expect(await org.sandbox.control.records('Lead', { Email: 'twin@example.com' })).toHaveLength(2);
  });
});

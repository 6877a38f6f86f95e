// planChat runs the worker's own prepare -> read -> plan: a dry run of an event, then the real sync of the same
// event, carry out the same plan, step by step, for a chat that folds into what its first event wrote and for an
// inbox conversation. Over GraphQL, against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/gql.ts';
import type { RecordChatInput, RecordConversationInput } from '../generated/graphql.ts';
import {
  type ConnectedTenant,
  type SyncRecordView,
  startConnectedTenant,
} from '../support/connected-tenant.ts';

const DryRun = graphql(`
  query DryRunPlan($event: RecordChatInput, $conversation: RecordConversationInput) {
    planChat(event: $event, conversation: $conversation) {
      __typename
      ... on QueryPlanChatSuccess {
        data {
          plan
          connected
          lookups {
            key
            soql
            records
          }
        }
      }
      ... on InvalidInputError {
        message
      }
    }
  }
`);

const CarriedOut = graphql(`
  query DryRunCarriedOut($id: ID!) {
    syncRecord(id: $id) {
      carriedOutPlans(last: 1) {
        steps {
          ref
          object
          operation
          outcome
        }
      }
    }
  }
`);

type Step =
  | { op: 'create'; ref: string; object: string; fields: Record<string, unknown> }
  | { op: 'update'; ref: string; object: string; id: string; fields: Record<string, unknown> }
  | { op: 'upload'; ref: string; object?: undefined };

let org: ConnectedTenant;
beforeAll(async () => {
  org = await startConnectedTenant();
  await org.createAgent('sam@acme.example', 'Agent');
});
afterAll(() => org?.close());

const started = '2026-11-25T10:00:00.000Z';
const ended = '2026-11-25T10:12:00.000Z';
const agent = { id: 'a1', name: 'Sam', email: 'sam@acme.example' };

async function dryRun(input: { event?: RecordChatInput; conversation?: RecordConversationInput }) {
  const result = await org.service.client(org.keys.ADMIN).request(DryRun, input);
  if (result.planChat.__typename !== 'QueryPlanChatSuccess') throw new Error(result.planChat.__typename);
  return result.planChat.data as {
    plan: { steps: Step[] };
    connected: boolean;
    lookups: Array<{ key: string; soql: string; records: unknown[] | null }>;
  };
}

/** Every planned step happened in the org: created records with exactly the planned values (references resolved
 *  to the records the run made or knew), updated ones carrying the planned values, no other record made. */
async function expectCarriedOut(steps: Step[], record: SyncRecordView, createdBefore: Set<string>) {
  // The write the sync kept is the dry run's plan, step by step, each written.
  const kept = await org.service.client(org.keys.ADMIN).request(CarriedOut, { id: record.id });
  expect(kept.syncRecord?.carriedOutPlans[0]?.steps).toEqual(
    steps.map((s) => ({
      ref: s.ref,
      object: s.op === 'upload' ? 'ContentVersion' : s.object,
      operation: s.op.toUpperCase(),
      outcome: 'WRITTEN',
    })),
  );
  const idOf = new Map(record.objects.map((o) => [o.role, o.salesforceId]));
  const created = record.objects.filter((o) => !createdBefore.has(o.salesforceId));
  expect(created.map((o) => o.role).sort()).toEqual(
    steps
      .filter((s) => s.op !== 'update')
      .map((s) => s.ref)
      .sort(),
  );
  for (const step of steps) {
    if (step.op === 'upload') continue;
    const id = step.op === 'update' ? step.id : idOf.get(step.ref)!;
    const row = await org.sandbox.control.record(step.object, id);
    for (const [field, value] of Object.entries(step.fields)) {
      const want =
        value && typeof value === 'object' && 'ref' in value
          ? idOf.get((value as { ref: string }).ref)
          : value;
      expect(row[field], `${step.object}.${field}`).toEqual(want);
    }
  }
}

describe('planChat', () => {
  it("plans a chat's ENDED event as the sync then carries it out: the Task its STARTED event made is updated", async () => {
    const visitor = { name: 'Grace Hopper', email: 'grace@example.com', phone: '+1 555 010 4242' };
    const first = await org.recordChat({
      chatId: 'dry-1',
      event: 'STARTED',
      visitor,
      agent,
      startedAt: started,
      waitSeconds: 20,
    });
    expect(first.status).toBe('SYNCED');
    const before = new Set(first.objects.map((o) => o.salesforceId));
    const input: RecordChatInput = {
      chatId: 'dry-1',
      event: 'ENDED',
      visitor,
      agent,
      startedAt: started,
      endedAt: ended,
      messages: [{ at: ended, from: 'VISITOR', text: 'Thanks, bye' }],
    };
    const dry = await dryRun({ event: input });
    expect(dry.connected).toBe(true);
    // The fold and the ledger: the Lead and Task the first event wrote are known, so only they are read (by Id,
    // or not at all when this visitor data wrote them), and the Task is updated, not created again.
    expect(dry.plan.steps.map((s) => `${s.op} ${s.ref}`)).toContain('update task');
    expect(dry.plan.steps.some((s) => s.op === 'create')).toBe(false);
    expect(dry.lookups.every((l) => !l.soql.includes('LIKE'))).toBe(true);

    const real = await org.recordChat({ ...input, waitSeconds: 20 });
    expect(real.status).toBe('SYNCED');
    await expectCarriedOut(dry.plan.steps, real, before);
    // Sent again, the same event is a duplicate that ingest drops: the dry run plans nothing either.
    expect((await dryRun({ event: input })).plan.steps).toEqual([]);
  });

  it('plans a new visitor found by phone through the search index, and the sync creates exactly that', async () => {
    const lead = await org.sandbox.control.insert('Lead', {
      LastName: 'Lamarr',
      Company: 'Patents Inc',
      Phone: '(555) 010-7777',
    });
    const input: RecordChatInput = {
      chatId: 'dry-2',
      event: 'ENDED',
      visitor: { name: 'Hedy Lamarr', phone: '+1 555 010 7777' },
      agent,
      startedAt: started,
      endedAt: ended,
    };
    const dry = await dryRun({ event: input });
    const byPhone = dry.lookups.find((l) => l.key === 'identify:Lead:lead-by-phone')!;
    expect(byPhone.soql).toMatch(/^FIND \{"5550107777"\} IN PHONE FIELDS RETURNING Lead\(/);
    expect((byPhone.records as Array<{ Id: string }>).map((r) => r.Id)).toEqual([lead.id]);
    expect(dry.plan.steps.map((s) => `${s.op} ${s.ref}`)).toEqual(['create task']);

    const real = await org.recordChat({ ...input, waitSeconds: 20 });
    expect(real.status).toBe('SYNCED');
    await expectCarriedOut(dry.plan.steps, real, new Set());
    expect((dry.plan.steps[0] as Extract<Step, { op: 'create' }>).fields.WhoId).toBe(lead.id);
  });

  it('plans an inbox conversation too, as its sync carries it out', async () => {
    const input: RecordConversationInput = {
      conversationId: 'dry-conv-1',
      event: 'ENDED',
      subject: 'Invoice question',
      visitor: { name: 'Ada Byron', email: 'ada.byron@example.com' },
      agent,
      startedAt: started,
      endedAt: ended,
    };
    const dry = await dryRun({ conversation: input });
    expect(dry.plan.steps.map((s) => `${s.op} ${s.ref}`)).toEqual(['create lead', 'create task']);
    const real = await org.recordConversation({ ...input, waitSeconds: 20 });
    expect(real.status).toBe('SYNCED');
    await expectCarriedOut(dry.plan.steps, real, new Set());
  });

  it('asks for exactly one of event and conversation', async () => {
    const result = await org.service.client(org.keys.ADMIN).request(DryRun, {});
    expect(result.planChat).toMatchObject({ __typename: 'InvalidInputError' });
  });
});

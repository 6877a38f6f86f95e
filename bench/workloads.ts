// The three bulk workloads (a burst of new visitors, a backfill, the agent console), run by the product and by the
// hand-written baselines against the same sandbox, one after the other, each counted by the sandbox's API counter.
// Used by the benches and by test/bench/targets.test.ts.
import { graphql } from '../test/generated/gql.ts';
import type { RecordChatInput } from '../test/generated/graphql.ts';
import {
  type BaselineChat,
  carefulBulkChats,
  carefulBulkLookups,
  carefulChat,
  carefulLookup,
  connect,
  type LookupVisitor,
  naiveChat,
  naiveLookup,
  ownerCache,
  pool,
} from './baselines.ts';
import { type BenchOrg, drained } from './harness.ts';

export const AGENT = { id: 'agent-1', email: 'agent@bench.example' };
/** How many calls the per-chat baselines keep in flight in a backfill (a script with a small worker pool). */
const SCRIPT_WIDTH = 10;

export interface Measured {
  calls: number;
  seconds: number;
}

export type Script = 'product' | 'naive' | 'careful' | 'carefulBulk';
export const SCRIPTS: Script[] = ['product', 'naive', 'careful', 'carefulBulk'];

const RecordChat = graphql(`
  mutation WorkloadRecordChat($input: RecordChatInput!) {
    recordChat(input: $input) {
      __typename
    }
  }
`);

const Backfill = graphql(`
  mutation WorkloadBackfill($input: BackfillChatsInput!) {
    backfillChats(input: $input) {
      __typename
      ... on MutationBackfillChatsSuccess {
        data {
          accepted
        }
      }
    }
  }
`);

export function newVisitorChat(prefix: string, n: number): RecordChatInput {
  return {
    chatId: `${prefix}-${n}`,
    event: 'ENDED',
    channel: 'Website',
    visitor: { name: `Visitor ${prefix} ${n}`, email: `${prefix}${n}@bench.example`, company: 'Bench Co' },
    agent: AGENT,
    startedAt: '2026-11-25T10:00:00Z',
    endedAt: '2026-11-25T10:10:00Z',
    messages: [{ at: '2026-11-25T10:00:00Z', from: 'VISITOR', text: `Hello from chat ${n}` }],
  };
}

const baselineChat = (input: RecordChatInput): BaselineChat => ({
  chatId: input.chatId,
  email: input.visitor!.email!,
  name: input.visitor!.name!,
  agentEmail: AGENT.email,
  transcript: input.messages!.map((m) => m.text).join('\n'),
});

/** Creates the agent's Salesforce user, whom every workload's records are owned by. */
export async function addAgent(org: BenchOrg): Promise<void> {
  await org.sandbox.control.createUser({ username: AGENT.email, email: AGENT.email, lastName: 'Agent' });
}

async function measure(org: BenchOrg, work: () => Promise<void>): Promise<Measured> {
  const before = await org.calls();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  return { calls: (await org.calls()) - before, seconds: Math.round(seconds * 100) / 100 };
}

async function expectTasks(org: BenchOrg, prefix: string, count: number): Promise<void> {
  const tasks = (await org.sandbox.control.records('Task')).filter((t) =>
    String(t.Description ?? '').includes(`Chat ID: ${prefix}-`),
  );
  if (tasks.length !== count)
    throw new Error(`${prefix}: ${tasks.length} Tasks in Salesforce, expected ${count}`);
}

async function syncedCount(org: BenchOrg, prefix: string): Promise<number> {
  return org.app.db.prisma.syncRecord.count({
    where: { tenantId: org.tenantId, status: 'SYNCED', sourceId: { startsWith: `${prefix}-` } },
  });
}

/**
 * `chats` new visitors' chats recorded at the same moment; measured until every one is synced. A mutation that
 * fails is sent again after a second (up to 10 times), as an integrator's client would; `errors` counts those failures.
 */
export async function productBurst(
  org: BenchOrg,
  prefix: string,
  chats: number,
): Promise<Measured & { errors: number }> {
  let errors = 0;
  const record = async (n: number) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await org.client.request(RecordChat, {
          input: { ...newVisitorChat(prefix, n), waitSeconds: 0 },
        });
      } catch (error) {
        errors++;
        if (attempt === 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  const result = await measure(org, async () => {
    await Promise.all(Array.from({ length: chats }, (_, n) => record(n)));
    await drained(org);
  });
  const synced = await syncedCount(org, prefix);
  if (synced !== chats) throw new Error(`burst: only ${synced} of ${chats} chats synced`);
  return { ...result, errors };
}

/** `chats` historical chats through backfillChats (1,000 a request); measured until every one is synced. */
export async function productBackfill(org: BenchOrg, prefix: string, chats: number): Promise<Measured> {
  const result = await measure(org, async () => {
    for (let start = 0; start < chats; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, chats - start) }, (_, i) =>
        newVisitorChat(prefix, start + i),
      );
      const answer = await org.client.request(Backfill, { input: { chats: batch } });
      if (answer.backfillChats.__typename !== 'MutationBackfillChatsSuccess')
        throw new Error(`backfill refused: ${answer.backfillChats.__typename}`);
    }
    await drained(org, 1_800_000);
  });
  const synced = await syncedCount(org, prefix);
  if (synced !== chats) throw new Error(`backfill: only ${synced} of ${chats} chats synced`);
  return result;
}

/** The same chats written by a baseline script; checks that each made its Task. */
export async function baselineChats(
  org: BenchOrg,
  script: Exclude<Script, 'product'>,
  prefix: string,
  chats: number,
  concurrent: boolean,
): Promise<Measured> {
  const conn = connect(org.sandbox.url, await org.accessToken());
  const inputs = Array.from({ length: chats }, (_, n) => baselineChat(newVisitorChat(prefix, n)));
  const width = concurrent ? chats : SCRIPT_WIDTH;
  const result = await measure(org, async () => {
    if (script === 'naive') await pool(inputs, width, (chat) => naiveChat(conn, chat));
    else if (script === 'careful') {
      const owner = ownerCache(conn);
      await pool(inputs, width, (chat) => carefulChat(conn, owner, chat));
    } else await carefulBulkChats(conn, inputs);
  });
  await expectTasks(org, prefix, chats);
  return result;
}

/** Visitors for the console: half are Leads in the org; every fifth gives only a phone. */
export async function consoleVisitors(org: BenchOrg, prefix: string, count: number) {
  const visitors = Array.from({ length: count }, (_, i) => ({
    name: `Visitor ${i}`,
    ...(i % 5 === 4 ? {} : { email: `${prefix}${i}@bench.example` }),
    phone: `+1 415 ${prefix.length % 10}${String(i).padStart(6, '0')}`,
  }));
  for (let i = 0; i < count; i += 2) {
    await org.sandbox.control.insert('Lead', {
      LastName: `Visitor ${i}`,
      Company: 'Bench Inc',
      Email: `${prefix}${i}@bench.example`,
      Phone: visitors[i]!.phone,
    });
  }
  return { visitors, expectedMatches: Math.ceil(count / 2) };
}

const CONSOLE_QUERY = `query BenchConsole($visitor: VisitorInput!) {
  salesforceCustomer(visitor: $visitor) { connected matches { object id rule url fields { name value } } }
}`;

/** Every visitor asked for by a different console at the same moment; returns the calls and how many matched. */
export async function productLookups(
  org: BenchOrg,
  agentKey: string,
  visitors: Array<LookupVisitor & { name: string }>,
): Promise<Measured & { matched: number }> {
  let matched = 0;
  const ask = async (visitor: LookupVisitor & { name: string }) => {
    const response = await org.app.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agentKey}` },
      body: JSON.stringify({ query: CONSOLE_QUERY, variables: { visitor } }),
    });
    const body = (await response.json()) as {
      data?: { salesforceCustomer: { matches: unknown[] } };
      errors?: unknown[];
    };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    if (body.data.salesforceCustomer.matches.length > 0) matched++;
  };
  const result = await measure(org, async () => {
    await Promise.all(visitors.map(ask));
  });
  return { ...result, matched };
}

export async function baselineLookups(
  org: BenchOrg,
  script: Exclude<Script, 'product'>,
  visitors: LookupVisitor[],
): Promise<Measured & { matched: number }> {
  const conn = connect(org.sandbox.url, await org.accessToken());
  let matched = 0;
  const result = await measure(org, async () => {
    if (script === 'carefulBulk') matched = await carefulBulkLookups(conn, visitors);
    else {
      const lookup = script === 'naive' ? naiveLookup : carefulLookup;
      const found = await Promise.all(visitors.map((v) => lookup(conn, v)));
      matched = found.filter(Boolean).length;
    }
  });
  return { ...result, matched };
}

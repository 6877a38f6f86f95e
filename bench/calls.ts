// Salesforce API calls per recorded chat, as the org's daily limit counts them (OAuth excluded), for every seed
// scenario and under concurrency, next to two baselines written here for comparison only:
//   naive   — one jsforce call per lookup and per record, as a typical script does;
//   careful — owner cached, one query then one composite per chat.
// Usage: npm run bench:calls [-- --short]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import jsforce from 'jsforce';
import { graphql } from '../test/generated/gql.ts';
import type { RecordChatInput } from '../test/generated/graphql.ts';
import { type BenchOrg, drained, startBenchOrg, table } from './harness.ts';

const short = process.argv.includes('--short');
const REPEAT = short ? 1 : 3;
const CONCURRENT = short ? 20 : 200;
const supportYaml = readFileSync(
  path.resolve(import.meta.dirname, '../mappings/defaults/support.yaml'),
  'utf8',
);
const withPolicy = (policy: string) =>
  supportYaml.replace(/overwrite:\n {2}default: \w+/, `overwrite:\n  default: ${policy}`);

const RecordChat = graphql(`
  mutation BenchRecordChat($input: RecordChatInput!) {
    recordChat(input: $input) {
      __typename
    }
  }
`);

const AGENT = { id: 'agent-1', email: 'agent@bench.example' };
const file = (name: string) => ({
  name,
  contentType: 'application/pdf',
  base64: Buffer.from(`%PDF ${name}`).toString('base64'),
});

interface Scenario {
  name: string;
  mapping?: string;
  /** Prepare the org for visitor n (e.g. an existing record); returns nothing. */
  prepare?: (org: BenchOrg, email: string) => Promise<void>;
  agent?: { id: string; email: string };
  attachments?: boolean;
  /** Record one chat of the same visitor first (the product then knows the visitor). */
  returning?: boolean;
}

const scenarios: Scenario[] = [
  { name: 'new visitor → Lead + Task' },
  {
    name: 'known Lead (in the org) → Task',
    prepare: (org, email) =>
      org.sandbox.control.insert('Lead', { LastName: 'Known', Company: 'K', Email: email }).then(() => {}),
  },
  { name: 'returning visitor (recorded before) → Task', returning: true },
  { name: 'new visitor → Contact + Case', mapping: supportYaml },
  ...(['never', 'overwrite', 'fillBlanks'] as const).map((policy) => ({
    name: `known Contact, policy ${policy}`,
    mapping: withPolicy(policy),
    prepare: (org: BenchOrg, email: string) =>
      org.sandbox.control.insert('Contact', { LastName: 'Known', Email: email }).then(() => {}),
  })),
  { name: 'agent without a Salesforce user', agent: { id: 'agent-2', email: 'nobody@bench.example' } },
  { name: 'new visitor with two attachments', attachments: true },
];

function chat(id: string, email: string, scenario: Scenario, event: 'STARTED' | 'ENDED'): RecordChatInput {
  return {
    chatId: id,
    event,
    channel: 'Website',
    visitor: { name: `Visitor ${email.split('@')[0]}`, email, phone: '+1 555 0100', company: 'Bench Co' },
    agent: scenario.agent ?? AGENT,
    startedAt: '2026-11-25T10:00:00Z',
    ...(event === 'ENDED'
      ? {
          endedAt: '2026-11-25T10:10:00Z',
          messages: [{ at: '2026-11-25T10:00:00Z', from: 'VISITOR', text: 'Hello' }],
          attachments: scenario.attachments ? [file('a.pdf'), file('b.pdf')] : undefined,
        }
      : {}),
    waitSeconds: 30,
  };
}

async function measureScenario(scenario: Scenario, split: boolean): Promise<number> {
  const org = await startBenchOrg({ mapping: scenario.mapping });
  await org.sandbox.control.createUser({ username: AGENT.email, email: AGENT.email, lastName: 'Agent' });
  try {
    let total = 0;
    for (let n = 0; n < REPEAT; n++) {
      const email = `visitor${n}@bench.example`;
      await scenario.prepare?.(org, email);
      if (scenario.returning)
        await org.client.request(RecordChat, { input: chat(`warm-${n}`, email, scenario, 'ENDED') });
      const before = await org.calls();
      if (split)
        await org.client.request(RecordChat, { input: chat(`chat-${n}`, email, scenario, 'STARTED') });
      await org.client.request(RecordChat, { input: chat(`chat-${n}`, email, scenario, 'ENDED') });
      total += (await org.calls()) - before;
    }
    return total / REPEAT;
  } finally {
    await org.close();
  }
}

/** The typical hand-written script: look up, look up the owner, create, create, upload — one call each. */
async function naive(conn: jsforce.Connection, email: string, attachments: number) {
  const leads = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Email = '${email}'`);
  const owner = await conn.query<{ Id: string }>(
    `SELECT Id FROM User WHERE Email = '${AGENT.email}' LIMIT 1`,
  );
  const ownerId = owner.records[0]?.Id;
  const leadId =
    leads.records[0]?.Id ??
    (
      (await conn
        .sobject('Lead')
        .create({ LastName: email, Company: 'Bench Co', Email: email, OwnerId: ownerId })) as { id: string }
    ).id;
  const task = (await conn.sobject('Task').create({ Subject: 'Chat', WhoId: leadId, OwnerId: ownerId })) as {
    id: string;
  };
  for (let i = 0; i < attachments; i++) {
    await conn.sobject('ContentVersion').create({
      Title: `f${i}`,
      PathOnClient: `f${i}.pdf`,
      VersionData: 'UERG',
      FirstPublishLocationId: task.id,
    });
  }
}

/** A careful script: the owner cached, one query, then one composite with the Lead, the Task and the files. */
async function careful(conn: jsforce.Connection, email: string, ownerId: string, attachments: number) {
  const leads = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Email = '${email}'`);
  const base = `/services/data/v${conn.version}/sobjects`;
  const known = leads.records[0]?.Id;
  const compositeRequest: object[] = [];
  if (!known)
    compositeRequest.push({
      method: 'POST',
      url: `${base}/Lead`,
      referenceId: 'lead',
      body: { LastName: email, Company: 'Bench Co', Email: email, OwnerId: ownerId },
    });
  compositeRequest.push({
    method: 'POST',
    url: `${base}/Task`,
    referenceId: 'task',
    body: { Subject: 'Chat', WhoId: known ?? '@{lead.id}', OwnerId: ownerId },
  });
  for (let i = 0; i < attachments; i++) {
    compositeRequest.push({
      method: 'POST',
      url: `${base}/ContentVersion`,
      referenceId: `f${i}`,
      body: {
        Title: `f${i}`,
        PathOnClient: `f${i}.pdf`,
        VersionData: 'UERG',
        FirstPublishLocationId: '@{task.id}',
      },
    });
  }
  await conn.requestPost('/composite', { allOrNone: true, compositeRequest });
}

async function baselines(chats: number, attachments: number, concurrent: boolean) {
  const org = await startBenchOrg();
  try {
    const { id: ownerId } = await org.sandbox.control.createUser({
      username: AGENT.email,
      email: AGENT.email,
      lastName: 'Agent',
    });
    const conn = new jsforce.Connection({
      instanceUrl: org.sandbox.url,
      accessToken: await org.accessToken(),
      version: '62.0',
    });
    const run = async (kind: 'naive' | 'careful', n: number) =>
      kind === 'naive'
        ? naive(conn, `${kind}${n}@bench.example`, attachments)
        : careful(conn, `${kind}${n}@bench.example`, ownerId, attachments);
    const result: Record<string, number> = {};
    for (const kind of ['naive', 'careful'] as const) {
      const before = await org.calls();
      if (concurrent) await Promise.all(Array.from({ length: chats }, (_, n) => run(kind, n)));
      else for (let n = 0; n < chats; n++) await run(kind, n);
      // The careful script's owner lookup is cached, as a long-running script's would be.
      result[kind] = ((await org.calls()) - before) / chats;
    }
    return result;
  } finally {
    await org.close();
  }
}

async function concurrency(): Promise<{ calls: number; seconds: number }> {
  const org = await startBenchOrg();
  await org.sandbox.control.createUser({ username: AGENT.email, email: AGENT.email, lastName: 'Agent' });
  try {
    const started = Date.now();
    const before = await org.calls();
    await Promise.all(
      Array.from({ length: CONCURRENT }, (_, n) =>
        org.client.request(RecordChat, {
          input: {
            ...chat(`burst-${n}`, `burst${n}@bench.example`, {} as Scenario, 'ENDED'),
            waitSeconds: 0,
          },
        }),
      ),
    );
    await drained(org);
    const synced = await org.app.db.prisma.syncRecord.count({
      where: { tenantId: org.tenantId, status: 'SYNCED' },
    });
    if (synced !== CONCURRENT) throw new Error(`only ${synced} of ${CONCURRENT} chats synced`);
    return { calls: (await org.calls()) - before, seconds: (Date.now() - started) / 1000 };
  } finally {
    await org.close();
  }
}

const rows: Array<Record<string, string | number>> = [];
for (const scenario of scenarios) {
  rows.push({
    scenario: scenario.name,
    'whole chat': await measureScenario(scenario, false),
    'start + end events': await measureScenario(scenario, true),
  });
}
const single = await baselines(REPEAT, 0, false);
const withFiles = await baselines(REPEAT, 2, false);
table(`Salesforce API calls per chat, one chat at a time (mean of ${REPEAT} chats)`, rows);
table('Baselines, one new visitor at a time', [
  { script: 'naive', 'calls per chat': single.naive!, 'with two attachments': withFiles.naive! },
  { script: 'careful', 'calls per chat': single.careful!, 'with two attachments': withFiles.careful! },
]);
const burst = await concurrency();
const burstBaselines = await baselines(CONCURRENT, 0, true);
table(`${CONCURRENT} chats of ${CONCURRENT} new visitors arriving at once`, [
  {
    script: 'cloudcx-salesforce',
    'calls in total': burst.calls,
    'calls per chat': Number((burst.calls / CONCURRENT).toFixed(3)),
    seconds: burst.seconds,
  },
  {
    script: 'naive',
    'calls in total': burstBaselines.naive! * CONCURRENT,
    'calls per chat': burstBaselines.naive!,
    seconds: '',
  },
  {
    script: 'careful',
    'calls in total': burstBaselines.careful! * CONCURRENT,
    'calls per chat': burstBaselines.careful!,
    seconds: '',
  },
]);
process.exit(0);

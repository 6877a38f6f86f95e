// Salesforce API calls per recorded chat, as the org's daily limit counts them (OAuth excluded), for every seed
// scenario, and for a burst of new visitors arriving at once next to the baselines of bench/baselines.ts (naive,
// careful per chat, careful bulk), run against the same sandbox in the same run. Every figure is the median and
// range over RUNS runs; the results go to bench/results.json; exit status 1 when a target is missed.
// Usage: npm run bench:calls [-- --short] [-- --runs 5] [-- --out file.json]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { graphql } from '../test/generated/gql.ts';
import type { RecordChatInput } from '../test/generated/graphql.ts';
import { carefulChat, connect, naiveChat, ownerCache } from './baselines.ts';
import { type BenchOrg, startBenchOrg, table } from './harness.ts';
import {
  argNumber,
  formatSpread,
  printProvenance,
  provenance,
  type Spread,
  saveSection,
  spread,
} from './results.ts';
import { reportTargets, TARGETS, type TargetCheck } from './targets.ts';
import { AGENT, addAgent, baselineChats, productBurst, SCRIPTS, type Script } from './workloads.ts';

const short = process.argv.includes('--short');
const RUNS = argNumber('runs', short ? 1 : 5);
const CONCURRENT = argNumber('concurrent', short ? 20 : 200);
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
  /** The visitor is new to the org: the target is TARGETS.newVisitorCalls. */
  newVisitor?: boolean;
}

const scenarios: Scenario[] = [
  { name: 'new visitor → Lead + Task', newVisitor: true },
  {
    name: 'known Lead (in the org) → Task',
    prepare: (org, email) =>
      org.sandbox.control.insert('Lead', { LastName: 'Known', Company: 'K', Email: email }).then(() => {}),
  },
  { name: 'returning visitor (recorded before) → Task', returning: true },
  { name: 'new visitor → Contact + Case', mapping: supportYaml, newVisitor: true },
  ...(['never', 'overwrite', 'fillBlanks'] as const).map((policy) => ({
    name: `known Contact, policy ${policy}`,
    mapping: withPolicy(policy),
    prepare: (org: BenchOrg, email: string) =>
      org.sandbox.control.insert('Contact', { LastName: 'Known', Email: email }).then(() => {}),
  })),
  {
    name: 'agent without a Salesforce user',
    agent: { id: 'agent-2', email: 'nobody@bench.example' },
    newVisitor: true,
  },
  { name: 'new visitor with two attachments', attachments: true, newVisitor: true },
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

/** Calls of each of RUNS chats of the scenario, one chat at a time, each of a different visitor. */
async function measureScenario(scenario: Scenario, split: boolean): Promise<Spread> {
  const org = await startBenchOrg({ mapping: scenario.mapping });
  await addAgent(org);
  try {
    const runs: number[] = [];
    for (let n = 0; n < RUNS; n++) {
      const email = `visitor${n}@bench.example`;
      await scenario.prepare?.(org, email);
      if (scenario.returning)
        await org.client.request(RecordChat, { input: chat(`warm-${n}`, email, scenario, 'ENDED') });
      const before = await org.calls();
      if (split)
        await org.client.request(RecordChat, { input: chat(`chat-${n}`, email, scenario, 'STARTED') });
      await org.client.request(RecordChat, { input: chat(`chat-${n}`, email, scenario, 'ENDED') });
      runs.push((await org.calls()) - before);
    }
    return spread(runs);
  } finally {
    await org.close();
  }
}

/** The per-chat baselines, one new visitor at a time: calls of each of RUNS chats. */
async function perChatBaselines(): Promise<Record<'naive' | 'careful', Spread>> {
  const org = await startBenchOrg();
  await addAgent(org);
  try {
    const conn = connect(org.sandbox.url, await org.accessToken());
    const owner = ownerCache(conn);
    const result = {} as Record<'naive' | 'careful', Spread>;
    for (const kind of ['naive', 'careful'] as const) {
      const runs: number[] = [];
      for (let n = 0; n < RUNS; n++) {
        const one = {
          chatId: `${kind}-${n}`,
          email: `${kind}${n}@bench.example`,
          name: `Visitor ${n}`,
          agentEmail: AGENT.email,
          transcript: 'Hello',
        };
        const before = await org.calls();
        if (kind === 'naive') await naiveChat(conn, one);
        else await carefulChat(conn, owner, one);
        runs.push((await org.calls()) - before);
      }
      result[kind] = spread(runs);
    }
    return result;
  } finally {
    await org.close();
  }
}

/** RUNS bursts, each on a fresh org: the product first (cold caches), then each baseline on the same sandbox. */
async function bursts(): Promise<Record<Script, { calls: Spread; seconds: Spread }> & { errors: Spread }> {
  const runs = Object.fromEntries(
    SCRIPTS.map((s) => [s, { calls: [] as number[], seconds: [] as number[] }]),
  );
  const errors: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const org = await startBenchOrg();
    await addAgent(org);
    try {
      for (const script of SCRIPTS) {
        const prefix = `burst${run}${script}`;
        let measured: { calls: number; seconds: number };
        if (script === 'product') {
          const product = await productBurst(org, prefix, CONCURRENT);
          errors.push(product.errors);
          measured = product;
        } else measured = await baselineChats(org, script, prefix, CONCURRENT, true);
        runs[script]!.calls.push(measured.calls);
        runs[script]!.seconds.push(measured.seconds);
      }
    } finally {
      await org.close();
    }
  }
  return {
    ...(Object.fromEntries(
      SCRIPTS.map((s) => [s, { calls: spread(runs[s]!.calls), seconds: spread(runs[s]!.seconds) }]),
    ) as Record<Script, { calls: Spread; seconds: Spread }>),
    errors: spread(errors),
  };
}

const about = await provenance(short);
printProvenance(about);
const scenarioResults: Array<{ name: string; whole: Spread; split: Spread; scenario: Scenario }> = [];
for (const scenario of scenarios) {
  scenarioResults.push({
    name: scenario.name,
    scenario,
    whole: await measureScenario(scenario, false),
    split: await measureScenario(scenario, true),
  });
}
const single = await perChatBaselines();
table(
  `Salesforce API calls per chat, one chat at a time (median (min–max) of ${RUNS} chats)`,
  scenarioResults.map((r) => ({
    scenario: r.name,
    'whole chat': formatSpread(r.whole, 1),
    'start + end events': formatSpread(r.split, 1),
  })),
);
table('Baselines, one new visitor at a time', [
  { script: 'naive', 'calls per chat': formatSpread(single.naive, 1) },
  { script: 'careful', 'calls per chat': formatSpread(single.careful, 1) },
]);
const burst = await bursts();
table(
  `${CONCURRENT} chats of ${CONCURRENT} new visitors arriving at once (median (min–max) of ${RUNS} runs)`,
  SCRIPTS.map((script) => ({
    script,
    'calls in total': formatSpread(burst[script].calls),
    'calls per chat': formatSpread(spread(burst[script].calls.runs.map((c) => c / CONCURRENT)), 3),
    seconds: formatSpread(burst[script].seconds, 2),
  })),
);
if (burst.errors.max > 0)
  console.log(
    `recordChat answered an error ${formatSpread(burst.errors)} times a run (sent again, as a client would)`,
  );

const checks: TargetCheck[] = [];
for (const r of scenarioResults) {
  if (r.scenario.newVisitor)
    checks.push({ target: `${r.name}, whole chat`, measured: r.whole.max, limit: TARGETS.newVisitorCalls });
  if (r.scenario.returning)
    checks.push({
      target: `${r.name}, whole chat`,
      measured: r.whole.max,
      limit: TARGETS.returningVisitorCalls,
    });
  checks.push({
    target: `${r.name}, start + end events over the whole chat`,
    measured: r.split.max - r.whole.max,
    limit: TARGETS.splitEventsExtraCalls,
  });
}
if (CONCURRENT === 200)
  checks.push({
    target: `${CONCURRENT} new visitors at once, calls per chat (worst of ${RUNS})`,
    measured: burst.product.calls.max / CONCURRENT,
    limit: TARGETS.burstCallsPerChat,
  });
const met = reportTargets(checks);
const written = saveSection('calls', {
  provenance: about,
  runs: RUNS,
  scenarios: scenarioResults.map(({ name, whole, split }) => ({ name, whole, split })),
  perChatBaselines: single,
  burst: { chats: CONCURRENT, ...burst },
  targetsMet: met,
});
if (written) console.log(`\nresults written to ${written}`);
process.exit(process.exitCode ?? 0);

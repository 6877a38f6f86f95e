// Many chats' plans against the sandbox through jsforce: the levels of a burst (Leads, then the Tasks referring to
// them) travel as Collections of one composite request; a Lead refused in its Collection halts the Task
// Collection that refers to it, and the Tasks of the Leads that were written follow in one more call, never
// writing a Lead twice.
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlanStep } from '../../src/mapping/plan.ts';
import { executeSteps, type StepOutcome, type TaggedStep } from '../../src/salesforce/execute-plan.ts';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, sandbox } from '../sandbox/support.ts';

let sb: Sandbox;
let conn: Connection;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
  await sb.control.resetApiCalls();
});

/** A new visitor's chat: a Lead (no Company when `refused`: REQUIRED_FIELD_MISSING), a Task under it, a file. */
function chat(i: number, { refused = false, file = false } = {}): TaggedStep[] {
  const steps: PlanStep[] = [
    {
      op: 'create',
      ref: 'lead',
      object: 'Lead',
      fields: { LastName: `Visitor ${i}`, Email: `v${i}@example.com`, Company: refused ? null : 'Acme' },
    },
    { op: 'create', ref: 'task', object: 'Task', fields: { Subject: `Chat ${i}`, WhoId: { ref: 'lead' } } },
  ];
  if (file)
    steps.push({
      op: 'upload',
      ref: 'file',
      fields: {
        Title: `t${i}.txt`,
        PathOnClient: `t${i}.txt`,
        VersionData: Buffer.from(`transcript ${i}`).toString('base64'),
        FirstPublishLocationId: { ref: 'lead' },
      },
    });
  return steps.map((step) => ({ tag: `chat${i}`, step }));
}

async function run(groups: TaggedStep[][]) {
  let sent = 0;
  const outcomes = await executeSteps(conn, groups, async () => {
    sent++;
  });
  const calls = (await sb.control.apiCalls()).total;
  expect(sent, 'beforeSend runs before each request').toBe(calls);
  return { outcomes, calls };
}

const byRef = (outcomes: StepOutcome[] | undefined) => new Map((outcomes ?? []).map((o) => [o.ref, o]));

async function tasksByLead(): Promise<Map<string, number>> {
  const count = new Map<string, number>();
  for (const task of await sb.control.records('Task')) {
    const who = String(task.WhoId);
    count.set(who, (count.get(who) ?? 0) + 1);
  }
  return count;
}

describe('many chats in sObject Collections', () => {
  it("writes 200 new visitors' Leads and Tasks in one API call, each Task under its own Lead", async () => {
    const { outcomes, calls } = await run(Array.from({ length: 200 }, (_, i) => chat(i)));
    expect(calls).toBe(1);
    const leads = await sb.control.records('Lead');
    expect(leads).toHaveLength(200);
    const tasks = await tasksByLead();
    for (let i = 0; i < 200; i++) {
      const mine = byRef(outcomes.get(`chat${i}`));
      const lead = mine.get('lead');
      expect(lead).toMatchObject({ ok: true, id: expect.any(String) });
      expect(mine.get('task')).toMatchObject({ ok: true });
      expect(tasks.get((lead as { id: string }).id)).toBe(1);
      const record = leads.find((l) => l.Id === (lead as { id: string }).id);
      expect(record?.Email).toBe(`v${i}@example.com`);
    }
  });

  it('sends again the Tasks of the written Leads when a refused Lead halts their Collection, in one more call', async () => {
    const refused = new Set([3, 77, 199]);
    const { outcomes, calls } = await run(
      Array.from({ length: 200 }, (_, i) => chat(i, { refused: refused.has(i) })),
    );
    expect(calls).toBe(2);
    // No Lead written twice, and every written Lead has exactly one Task.
    const leads = await sb.control.records('Lead');
    expect(leads).toHaveLength(197);
    const tasks = await tasksByLead();
    expect(tasks.size).toBe(197);
    for (const lead of leads) expect(tasks.get(String(lead.Id))).toBe(1);
    for (let i = 0; i < 200; i++) {
      const mine = byRef(outcomes.get(`chat${i}`));
      expect(outcomes.get(`chat${i}`)).toHaveLength(2);
      if (refused.has(i)) {
        expect(mine.get('lead')).toMatchObject({ ok: false, code: 'REQUIRED_FIELD_MISSING' });
        expect(mine.get('task')).toMatchObject({ ok: false, code: 'PROCESSING_HALTED', kind: 'retryable' });
      } else {
        expect(mine.get('lead')).toMatchObject({ ok: true });
        expect(mine.get('task')).toMatchObject({ ok: true });
      }
    }
  });

  it('keeps to 5 Collections a composite: 600 Leads and Tasks in two calls', async () => {
    const { outcomes, calls } = await run(Array.from({ length: 600 }, (_, i) => chat(i)));
    expect(calls).toBe(2);
    expect(await sb.control.records('Lead')).toHaveLength(600);
    expect((await tasksByLead()).size).toBe(600);
    expect([...outcomes.values()].flat().every((o) => o.ok)).toBe(true);
  });

  it('keeps to 25 subrequests a composite: 30 files, each its own subrequest, and their Leads and Tasks', async () => {
    const { outcomes, calls } = await run(Array.from({ length: 30 }, (_, i) => chat(i, { file: true })));
    // Leads' Collection and 24 files, then 6 files and the Tasks' Collection with the Leads' ids by value.
    expect(calls).toBe(2);
    const leads = new Set((await sb.control.records('Lead')).map((l) => String(l.Id)));
    expect(leads.size).toBe(30);
    const versions = await sb.control.records('ContentVersion');
    expect(versions).toHaveLength(30);
    for (const version of versions) expect(leads.has(String(version.FirstPublishLocationId))).toBe(true);
    expect([...outcomes.values()].flat().every((o) => o.ok)).toBe(true);
  });
});

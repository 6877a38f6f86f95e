// planChat and checkMappingAgainstOrg against a connected org: the sandbox, reached by jsforce over HTTP.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { startService, type TestService } from '../support/service.ts';
import { CheckAgainstOrg, PlanChat } from './documents.ts';
import { connectTenant } from './support.ts';

const sales = readFileSync(new URL('../../mappings/defaults/sales.yaml', import.meta.url), 'utf8');

let service: TestService;
let sandbox: Sandbox;
let acme: Awaited<ReturnType<TestService['createTenant']>>;

beforeAll(async () => {
  sandbox = await startSandbox({ autoApprove: true });
  service = await startService({ SALESFORCE_ALLOWED_HOSTS: sandbox.url });
  acme = await service.createTenant('acme');
});
afterAll(async () => {
  await service?.close();
  await sandbox?.close();
});

describe('checkMappingAgainstOrg', () => {
  it('says an admin must connect first when the tenant is not connected', async () => {
    const result = await service.client(acme.keys.AGENT).request(CheckAgainstOrg, {});
    expect(result.checkMappingAgainstOrg).toMatchObject({
      __typename: 'SalesforceUnavailableError',
      status: 'NOT_CONNECTED',
    });
  });

  it("passes the default mapping against the org's describe results", async () => {
    await connectTenant(service, sandbox, acme.id);
    const result = await service.client(acme.keys.AGENT).request(CheckAgainstOrg, {});
    expect(result.checkMappingAgainstOrg).toMatchObject({
      data: { valid: true, objects: ['Lead', 'Task'], mappingVersion: 1 },
    });
  });

  it('reports a mapped field the org no longer has, at its place in the mapping', async () => {
    await sandbox.control.setSettings({ removedFields: ['Lead.Phone'] });
    const result = await service
      .client(acme.keys.ADMIN)
      .request(CheckAgainstOrg, { yaml: sales })
      .finally(() => sandbox.control.setSettings({ removedFields: [] }));
    if (result.checkMappingAgainstOrg.__typename !== 'QueryCheckMappingAgainstOrgSuccess')
      throw new Error(result.checkMappingAgainstOrg.__typename);
    const { data } = result.checkMappingAgainstOrg;
    expect(data.valid).toBe(false);
    expect(data.mappingVersion).toBeNull();
    expect(
      data.diagnostics
        .filter((d) => d.severity === 'ERROR')
        .map((d) => `${d.line}:${d.column} ${d.path} ${d.message}`),
    ).toEqual([
      '27:22 identification.Lead.rules[1].all[0].field "Phone" is not a field of Lead',
      '38:5 objects.Lead.Phone "Phone" is not a field of Lead',
      '86:25 display.webChat.Lead[2] "Phone" is not a field of Lead',
      '88:25 display.inbox.Lead[2] "Phone" is not a field of Lead',
    ]);
  });
});

describe('planChat against the org', () => {
  it('runs the lookups read-only first, so the plan updates the Lead the org already has', async () => {
    const { id: leadId } = await sandbox.control.insert('Lead', {
      LastName: 'Lovelace',
      Company: 'Analytical',
      Email: 'ada@example.com',
      Status: 'Open - Not Contacted',
    });
    const leadsBefore = (await sandbox.control.records('Lead')).length;
    const tasksBefore = (await sandbox.control.records('Task')).length;
    const result = await service.client(acme.keys.AGENT).request(PlanChat, {
      event: {
        chatId: 'chat-org-1',
        event: 'STARTED',
        visitor: { name: 'Ada Lovelace', email: 'ADA@example.com', phone: '+44 20 7946 0018' },
        startedAt: '2026-11-25T10:30:00Z',
      },
    });
    if (result.planChat.__typename !== 'QueryPlanChatSuccess') throw new Error(result.planChat.__typename);
    const { data } = result.planChat;
    expect(data.connected).toBe(true);
    expect(data.lookups.find((l) => l.key === 'identify:Lead:lead-by-email')).toMatchObject({
      records: [expect.objectContaining({ Id: leadId })],
      error: null,
    });
    const plan = data.plan as { matched: unknown; steps: Array<{ op: string; object: string }> };
    expect(plan.matched).toEqual({ object: 'Lead', id: leadId, rule: 'lead-by-email' });
    expect(plan.steps.map((s) => `${s.op} ${s.object}`)).not.toContain('create Lead');
    expect(plan.steps.map((s) => `${s.op} ${s.object}`)).toContain('create Task');
    expect((await sandbox.control.records('Lead')).length).toBe(leadsBefore);
    expect((await sandbox.control.records('Task')).length).toBe(tasksBefore);
  });

  it("shows an agent only Id and the active mapping's display fields of the rows it read; an admin all of them", async () => {
    const event = { chatId: 'chat-org-2', event: 'STARTED' as const, visitor: { email: 'ada@example.com' } };
    const rowOf = async (key: string) => {
      const result = await service.client(key).request(PlanChat, { event });
      if (result.planChat.__typename !== 'QueryPlanChatSuccess') throw new Error(result.planChat.__typename);
      const lookup = result.planChat.data.lookups.find((l) => l.key === 'identify:Lead:lead-by-email');
      return (lookup!.records as Array<Record<string, unknown>>)[0]!;
    };
    expect(Object.keys(await rowOf(acme.keys.AGENT)).sort()).toEqual([
      'Company',
      'Email',
      'Id',
      'Name',
      'Phone',
      'Status',
    ]);
    expect(Object.keys(await rowOf(acme.keys.ADMIN))).toEqual(
      expect.arrayContaining(['IsConverted', 'LastName']),
    );
  });
});

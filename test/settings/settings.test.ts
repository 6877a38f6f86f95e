// The settings screens and the mapping over HTTP: two views of one per-tenant mapping, every version kept.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlError } from '../support/graphql-errors.ts';
import { startService, type TestService } from '../support/service.ts';
import {
  ActiveMapping,
  Diff,
  MappingVersions,
  PlanChat,
  Publish,
  Rollback,
  Settings,
  UpdateSettings,
} from './documents.ts';

const sales = readFileSync(new URL('../../mappings/defaults/sales.yaml', import.meta.url), 'utf8');
const support = readFileSync(new URL('../../mappings/defaults/support.yaml', import.meta.url), 'utf8');

let service: TestService;
let acme: Awaited<ReturnType<TestService['createTenant']>>;

beforeAll(async () => {
  service = await startService();
  acme = await service.createTenant('acme');
});
afterAll(() => service?.close());

const admin = () => service.client(acme.keys.ADMIN);
const agent = () => service.client(acme.keys.AGENT);
const adminActor = async () => {
  const key = await service.app.db.prisma.apiKey.findFirstOrThrow({
    where: { tenantId: acme.id, role: 'ADMIN' },
  });
  return `api-key:${key.id}`;
};

describe('settings', () => {
  it("shows a new tenant the default sales setup as the seed's screens", async () => {
    const { salesforceSettings } = await agent().request(Settings);
    expect(salesforceSettings).toMatchObject({
      mode: 'AUTOMATIC',
      webChat: 'LEAD_AND_TASK',
      inbox: 'LEAD_AND_TASK',
      whenContactMatched: 'ONLY_ADD_NEW',
      mappingVersion: 1,
      display: [
        { section: 'WEB_CHAT', object: 'Lead', fields: ['Name', 'Email', 'Phone', 'Company', 'Status'] },
        { section: 'INBOX', object: 'Lead', fields: ['Name', 'Email', 'Phone', 'Company', 'Status'] },
      ],
    });
    expect(salesforceSettings.identification[0]).toEqual({
      object: 'Lead',
      onMultiple: 'MOST_RECENTLY_MODIFIED',
      rules: [
        {
          name: 'lead-by-email',
          all: [{ field: 'Email', source: 'visitor.email', normalize: 'EMAIL', countryCode: null }],
        },
        {
          name: 'lead-by-phone',
          all: [{ field: 'Phone', source: 'visitor.phone', normalize: 'PHONE', countryCode: null }],
        },
      ],
    });
  });

  it("saves the screens as a new version of the mapping by the admin, keeping the YAML's comments", async () => {
    const result = await admin().request(UpdateSettings, {
      input: { webChat: 'CONTACT_AND_CASE', whenContactMatched: 'DO_NOT_UPDATE' },
    });
    if (result.updateSalesforceSettings.__typename !== 'MutationUpdateSalesforceSettingsSuccess')
      throw new Error(result.updateSalesforceSettings.__typename);
    const { data } = result.updateSalesforceSettings;
    expect(data.settings).toEqual({
      mode: 'AUTOMATIC',
      webChat: 'CONTACT_AND_CASE',
      inbox: 'LEAD_AND_TASK',
      whenContactMatched: 'DO_NOT_UPDATE',
    });
    expect(data.changes).toContain('sections.webChat.record: sales -> support');
    expect(data.changes).toContain('overwrite.default: fillBlanks -> never');
    expect(data.mappingVersion).toMatchObject({ version: 2, active: true, author: await adminActor() });
    expect(data.mappingVersion.yaml).toContain("# The seed's sales setup");
    expect((await agent().request(ActiveMapping)).mapping.version).toBe(2);
    const audit = await service.app.db.prisma.auditEvent.findFirst({
      where: { tenantId: acme.id, action: 'settings.updated' },
    });
    expect(audit?.details).toMatchObject({ version: 2 });
  });

  it('answers settings that make the mapping invalid with its diagnostics, and publishes nothing', async () => {
    const result = await admin().request(UpdateSettings, {
      input: { display: [{ section: 'INBOX', object: 'Lead', fields: ['Nmae'] }] },
    });
    expect(result.updateSalesforceSettings).toEqual({
      __typename: 'MappingInvalidError',
      message: 'The mapping has 1 problem(s): "Nmae" is not a field of Lead',
      diagnostics: [
        expect.objectContaining({
          path: 'display.inbox.Lead[0]',
          code: 'unknown-salesforce-field',
          message: '"Nmae" is not a field of Lead',
        }),
      ],
    });
    expect((await agent().request(ActiveMapping)).mapping.version).toBe(2);
  });

  it.each(['AGENT', 'INTEGRATION'] as const)('forbids a %s key to change settings', async (role) => {
    const error = await graphqlError(
      service.client(acme.keys[role]).request(UpdateSettings, { input: { mode: 'MANUAL' } }),
    );
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      message: `Your ${role} credential may not use "Mutation.updateSalesforceSettings".`,
    });
  });

  it('does not show settings to an integration key', async () => {
    const error = await graphqlError(service.client(acme.keys.INTEGRATION).request(Settings));
    expect(error.code).toBe('FORBIDDEN');
  });
});

describe('mappings', () => {
  it("answers an invalid mapping with every problem's line and column, and publishes nothing", async () => {
    const broken = sales.replace('mode: automatic', 'mode: automatc').replace('    Email: {', '    Emial: {');
    const result = await admin().request(Publish, { yaml: broken });
    if (result.publishMapping.__typename !== 'MappingInvalidError')
      throw new Error(result.publishMapping.__typename);
    expect(result.publishMapping.diagnostics).toEqual([
      {
        line: 7,
        column: 7,
        path: 'mode',
        code: 'invalid-value',
        message: '"automatc" is not one of: automatic, manual',
        severity: 'ERROR',
      },
    ]);
    const fieldProblem = await admin().request(Publish, {
      yaml: sales.replace('    Email: {', '    Emial: {'),
    });
    expect(fieldProblem.publishMapping).toMatchObject({
      __typename: 'MappingInvalidError',
      diagnostics: [{ line: 42, column: 5, path: 'objects.Lead.Emial', code: 'unknown-salesforce-field' }],
    });
    expect((await agent().request(MappingVersions)).mappingVersions).toHaveLength(2);
  });

  it('publishes a mapping as the next active version, and the same text again changes nothing', async () => {
    const first = await admin().request(Publish, { yaml: support });
    expect(first.publishMapping).toMatchObject({
      __typename: 'MutationPublishMappingSuccess',
      data: { created: true, mappingVersion: { version: 3, active: true }, warnings: [] },
    });
    const again = await admin().request(Publish, { yaml: support });
    expect(again.publishMapping).toMatchObject({ data: { created: false, mappingVersion: { version: 3 } } });
    const versions = (await agent().request(MappingVersions)).mappingVersions;
    expect(versions.map((v) => [v.version, v.active])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    expect(versions[2]!.author).toBe('default (sales)');
  });

  it('diffs two versions, or a draft against the active one', async () => {
    const between = await agent().request(Diff, { from: 1, to: 2 });
    if (between.diffMapping.__typename !== 'QueryDiffMappingSuccess')
      throw new Error(between.diffMapping.__typename);
    expect(between.diffMapping.data).toMatchObject({ from: 1, to: 2 });
    expect(between.diffMapping.data.diff).toMatch(/^--- mapping v1\n\+\+\+ mapping v2\n@@ /);
    expect(between.diffMapping.data.diff).toContain('\n-    record: sales\n+    record: support\n');

    // Drafts are an admin's (an agent diffs published versions only).
    const draft = await admin().request(Diff, {
      yaml: support.replace('default: fillBlanks', 'default: overwrite'),
    });
    expect(draft.diffMapping).toMatchObject({
      data: {
        from: 3,
        to: null,
        added: 1,
        removed: 1,
        diff: expect.stringContaining('--- mapping v3\n+++ draft\n'),
      },
    });
    expect(
      draft.diffMapping.__typename === 'QueryDiffMappingSuccess' && draft.diffMapping.data.diff,
    ).toContain('-  default: fillBlanks\n+  default: overwrite\n');
    expect((await agent().request(Diff, { to: 99 })).diffMapping).toEqual({
      __typename: 'NotFoundError',
      message: 'No mapping version with id "99" exists for your tenant.',
    });
    expect((await agent().request(Diff, {})).diffMapping).toMatchObject({
      __typename: 'InvalidInputError',
      field: 'to',
    });
  });

  it('rolls back by activating an earlier version as a new version, keeping history', async () => {
    const result = await admin().request(Rollback, { version: 1 });
    expect(result.rollbackMapping).toMatchObject({
      __typename: 'MutationRollbackMappingSuccess',
      data: { created: true, mappingVersion: { version: 4, active: true, yaml: sales } },
    });
    const versions = (await agent().request(MappingVersions)).mappingVersions;
    expect(versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect(versions.filter((v) => v.active).map((v) => v.version)).toEqual([4]);
    expect(versions[0]!.hash).toBe(versions[3]!.hash);
    expect((await admin().request(Rollback, { version: 42 })).rollbackMapping).toEqual({
      __typename: 'NotFoundError',
      message: 'No mapping version with id "42" exists for your tenant.',
    });
  });

  it.each(['AGENT', 'INTEGRATION'] as const)('forbids a %s key to publish or roll back', async (role) => {
    const client = service.client(acme.keys[role]);
    expect((await graphqlError(client.request(Publish, { yaml: sales }))).code).toBe('FORBIDDEN');
    expect((await graphqlError(client.request(Rollback, { version: 1 }))).code).toBe('FORBIDDEN');
  });

  it('keeps tenants apart', async () => {
    const globex = await service.createTenant('globex');
    const versions = (await service.client(globex.keys.AGENT).request(MappingVersions)).mappingVersions;
    expect(versions.map((v) => v.version)).toEqual([1]);
    expect(
      (await service.client(globex.keys.ADMIN).request(Rollback, { version: 3 })).rollbackMapping.__typename,
    ).toBe('NotFoundError');
  });
});

describe('planChat without a connection', () => {
  const event = {
    chatId: 'chat-plan-1',
    event: 'STARTED' as const,
    channel: 'Website',
    visitor: { name: 'Ada Lovelace', email: 'ada@example.com', company: 'Analytical' },
    agent: { id: 'agent-1', email: 'grace@acme.test' },
    startedAt: '2026-11-25T10:30:00Z',
  };

  it('plans with the active mapping, assuming nothing is found, and lists the lookups it would run', async () => {
    const result = await agent().request(PlanChat, { event });
    if (result.planChat.__typename !== 'QueryPlanChatSuccess') throw new Error(result.planChat.__typename);
    const { data } = result.planChat;
    expect(data).toMatchObject({ connected: false, mappingVersion: 4 });
    expect(data.lookups.map((l) => [l.key, l.records])).toEqual([
      ['identify:Lead:lead-by-email', null],
      ['owner', null],
    ]);
    expect(data.lookups[0]!.soql).toContain("FROM Lead WHERE Email = 'ada@example.com'");
    const plan = data.plan as { setup: string; steps: Array<{ op: string; object: string }> };
    expect(plan.setup).toBe('sales');
    expect(plan.steps.map((s) => `${s.op} ${s.object}`)).toEqual(['create Lead', 'create Task']);
    expect(await service.app.db.prisma.syncRecord.count()).toBe(0);
  });

  it('plans with a draft mapping (an admin), or answers its problems', async () => {
    const result = await admin().request(PlanChat, { event, mapping: support });
    expect(result.planChat).toMatchObject({ data: { mappingVersion: null, plan: { setup: 'support' } } });
    const invalid = await admin().request(PlanChat, { event, mapping: 'version: 2\n' });
    expect(invalid.planChat.__typename).toBe('MappingInvalidError');
  });

  it('plans an agent action in manual mode', async () => {
    const manual = support.replace('mode: automatic', 'mode: manual');
    const result = await admin().request(PlanChat, { event, mapping: manual, action: 'CREATE_CONTACT' });
    const plan = (
      result.planChat.__typename === 'QueryPlanChatSuccess' ? result.planChat.data.plan : null
    ) as {
      steps: Array<{ object: string }>;
    };
    expect(plan.steps.map((s) => s.object)).toEqual(['Contact']);
  });
});

// The tenant's mapping as the API shows it: the active version and its history, publishing (problems as data),
// diffs, rollback, and checking a mapping against the connected org's describe results.
import { ConnectionUnavailableError } from '../../connections/tenant-connections.ts';
import { unifiedDiff } from '../../mapping/diff.ts';
import { type Diagnostic, loadMapping } from '../../mapping/index.ts';
import { checkMappingAgainstOrg, MAPPING_FILE } from '../../mappings/check-against-org.ts';
import { type Published, publishAs as publish, rollbackTo } from '../../mappings/publish.ts';
import { activeMapping, MappingInvalidError } from '../../sync/mapping-versions.ts';
import { builder } from '../builder.ts';
import type { TenantContext } from '../context.ts';
import { ErrorInterface, InvalidInputError, NotFoundError } from '../errors.ts';
import { takeRateToken } from '../rate-limits.ts';
import { MappingVersionType } from './sync-record.ts';

export { MAPPING_FILE };

/** A mapping is a few KB; this keeps a mistaken upload from being parsed and stored. */
export const MAX_MAPPING_BYTES = 256 * 1024;

/** Every YAML input is measured before it is parsed, diffed or stored. */
export function checkMappingSize(yaml: string, field: string): void {
  if (Buffer.byteLength(yaml) > MAX_MAPPING_BYTES)
    throw new InvalidInputError(`The mapping is larger than ${MAX_MAPPING_BYTES / 1024} KB.`, field);
}

export const DiagnosticSeverityEnum = builder.enumType('DiagnosticSeverity', {
  values: {
    ERROR: { value: 'error', description: 'The mapping cannot be published or used.' },
    WARNING: { value: 'warning', description: 'Allowed, but probably not what was meant.' },
  } as const,
});

export const MappingDiagnosticType = builder.objectRef<Diagnostic>('MappingDiagnostic').implement({
  description: 'One problem the mapping checks found, at a position in the YAML.',
  fields: (t) => ({
    line: t.exposeInt('line', { description: '1-based.' }),
    column: t.exposeInt('column', { description: '1-based.' }),
    path: t.exposeString('path', { description: 'Where in the mapping, e.g. objects.Lead.LastName.source.' }),
    code: t.exposeString('code', {
      description:
        'From a closed set: yaml-syntax, duplicate-key, unknown-property, missing-property, invalid-type, invalid-value, ' +
        'unknown-source-field, unknown-object, unknown-salesforce-field, ambiguous-field-value, template-syntax, ' +
        'reserved-field, required-field-unmapped, field-too-long, field-read-only, invalid-picklist-value, contradictory-rule.',
    }),
    message: t.exposeString('message'),
    severity: t.expose('severity', { type: DiagnosticSeverityEnum }),
  }),
});

builder.objectType(MappingInvalidError, {
  name: 'MappingInvalidError',
  description: 'The mapping has errors; nothing was published. Every problem is listed, with its position.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof MappingInvalidError,
  fields: (t) => ({
    diagnostics: t.field({ type: [MappingDiagnosticType], resolve: (error) => error.diagnostics }),
  }),
});

builder.objectType(ConnectionUnavailableError, {
  name: 'SalesforceUnavailableError',
  description: 'The tenant has no usable Salesforce connection: an admin connects (or re-authorizes) it.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConnectionUnavailableError,
  fields: (t) => ({ status: t.exposeString('status', { description: 'NOT_CONNECTED or NEEDS_REAUTH.' }) }),
});

builder.prismaObjectFields('MappingVersion', (t) => ({
  yaml: t.exposeString('yaml', { description: 'The mapping text, as published.' }),
  warnings: t.field({
    type: [MappingDiagnosticType],
    description: "The checks' warnings for this version (against the standard objects).",
    select: { yaml: true },
    resolve: (version) =>
      loadMapping(version.yaml, MAPPING_FILE).diagnostics.filter((d) => d.severity === 'warning'),
  }),
}));

builder.queryField('mapping', (t) =>
  t.withAuth({ agent: true }).prismaField({
    type: 'MappingVersion',
    description:
      "The tenant's active mapping. A tenant that never published one starts on the default sales setup.",
    resolve: async (query, _root, _args, { prisma, viewer }) => {
      const { version } = await activeMapping(prisma, viewer.tenantId);
      return prisma.mappingVersion.findUniqueOrThrow({ ...query, where: { id: version.id } });
    },
  }),
);

builder.queryField('mappingVersions', (t) =>
  t.withAuth({ agent: true }).prismaField({
    type: ['MappingVersion'],
    description: 'Every published version, newest first; exactly one is active.',
    resolve: async (query, _root, _args, { prisma, viewer }) => {
      await activeMapping(prisma, viewer.tenantId);
      return prisma.mappingVersion.findMany({
        ...query,
        where: { tenantId: viewer.tenantId },
        orderBy: { version: 'desc' },
      });
    },
  }),
);

builder.queryField('mappingVersion', (t) =>
  t.withAuth({ agent: true }).prismaField({
    type: 'MappingVersion',
    nullable: true,
    args: { version: t.arg.int({ required: true }) },
    resolve: (query, _root, { version }, { prisma, viewer }) =>
      prisma.mappingVersion.findUnique({
        ...query,
        where: { tenantId_version: { tenantId: viewer.tenantId, version } },
      }),
  }),
);

const PublishMappingPayload = builder.simpleObject('PublishMappingPayload', {
  fields: (t) => ({
    mappingVersion: t.field({ type: MappingVersionType, description: 'The active version now.' }),
    created: t.boolean({
      description: 'False when the YAML is the active version already: nothing new was stored.',
    }),
    warnings: t.field({ type: [MappingDiagnosticType] }),
  }),
});

/** Publishes the YAML (measured first) as the viewer; see src/mappings/publish.ts. */
export function publishAs(
  { prisma, viewer, services }: TenantContext,
  yaml: string,
  audit: { action: string; details?: Record<string, unknown> },
): Promise<Published> {
  checkMappingSize(yaml, 'yaml');
  return publish({ prisma, sync: services.sync }, viewer, yaml, audit);
}

builder.mutationField('publishMapping', (t) =>
  t.withAuth({ admin: true }).field({
    type: PublishMappingPayload,
    description:
      'Checks the YAML and, when it has no errors, stores it as the next version and activates it. ' +
      'Publishing the active text again changes nothing.',
    errors: { types: [MappingInvalidError, InvalidInputError] },
    args: { yaml: t.arg.string({ required: true }) },
    resolve: (_root, { yaml }, context) => publishAs(context, yaml, { action: 'mapping.published' }),
  }),
);

builder.mutationField('rollbackMapping', (t) =>
  t.withAuth({ admin: true }).field({
    type: PublishMappingPayload,
    description:
      'Activates an earlier version by publishing its YAML again as a new version; history is kept.',
    errors: { types: [NotFoundError, MappingInvalidError, InvalidInputError] },
    args: { version: t.arg.int({ required: true }) },
    resolve: async (_root, { version }, { prisma, viewer }) => {
      const published = await rollbackTo({ prisma }, viewer, version);
      if (!published) throw new NotFoundError('mapping version', String(version));
      return published;
    },
  }),
);

const MappingDiffType = builder.simpleObject('MappingDiff', {
  fields: (t) => ({
    from: t.int({ description: 'The version compared from.' }),
    to: t.int({ nullable: true, description: 'The version compared to; null for a draft.' }),
    diff: t.string({ description: 'A unified diff (as `diff -u`); empty when the texts are the same.' }),
    added: t.int({ description: 'Lines added.' }),
    removed: t.int({ description: 'Lines removed.' }),
  }),
});

builder.queryField('diffMapping', (t) =>
  t.withAuth({ tenant: true }).field({
    type: MappingDiffType,
    description:
      'The changes from one version (default: the active one) to another version (`to`) or to a draft (`yaml`).',
    // Both choices are tenant-bound scopes, narrower than withAuth's, which types the context.
    authScopes: (_root, args) => (args.yaml != null ? { admin: true } : { agent: true }),
    errors: { types: [NotFoundError, InvalidInputError] },
    args: {
      from: t.arg.int({ description: 'Default: the active version.' }),
      to: t.arg.int(),
      yaml: t.arg.string({ description: 'A draft to compare with, instead of `to` (ADMIN only).' }),
    },
    resolve: async (_root, args, context) => {
      const { prisma, viewer } = context;
      takeRateToken(context, 'diffMapping');
      const tenantId = viewer.tenantId;
      if (args.yaml != null) checkMappingSize(args.yaml, 'yaml');
      if (args.to != null && args.yaml != null)
        throw new InvalidInputError('Give either `to` (a version) or `yaml` (a draft), not both.', 'yaml');
      if (args.to == null && args.yaml == null)
        throw new InvalidInputError('Give `to` (a version) or `yaml` (a draft) to compare with.', 'to');
      const byNumber = async (version: number) => {
        const found = await prisma.mappingVersion.findUnique({
          where: { tenantId_version: { tenantId, version } },
        });
        if (!found) throw new NotFoundError('mapping version', String(version));
        return found;
      };
      const from =
        args.from != null ? await byNumber(args.from) : (await activeMapping(prisma, tenantId)).version;
      const to = args.to != null ? await byNumber(args.to) : undefined;
      const target = to?.yaml ?? args.yaml ?? '';
      const diff = unifiedDiff(from.yaml, target, {
        from: `mapping v${from.version}`,
        to: to ? `mapping v${to.version}` : 'draft',
      });
      return {
        from: from.version,
        to: to?.version ?? null,
        diff: diff.text,
        added: diff.added,
        removed: diff.removed,
      };
    },
  }),
);

const MappingCheckType = builder.simpleObject('MappingCheck', {
  fields: (t) => ({
    valid: t.boolean({ description: 'No errors: the mapping fits the org.' }),
    diagnostics: t.field({
      type: [MappingDiagnosticType],
      description: 'Errors and warnings, sorted by position.',
    }),
    objects: t.stringList({ description: 'The objects described in the org.' }),
    mappingVersion: t.int({ nullable: true, description: 'The version checked; null for a draft.' }),
  }),
});

builder.queryField('checkMappingAgainstOrg', (t) =>
  t.withAuth({ tenant: true }).field({
    type: MappingCheckType,
    description:
      "Runs the mapping's checks against the connected org's own objects (their describe results): fields removed " +
      'or renamed in the org, read-only fields, picklist values, required fields. Reads only.',
    // Both choices are tenant-bound scopes, narrower than withAuth's, which types the context.
    authScopes: (_root, args) => (args.yaml != null ? { admin: true } : { agent: true }),
    errors: { types: [ConnectionUnavailableError, InvalidInputError] },
    args: {
      yaml: t.arg.string({ description: 'A draft to check (ADMIN only); default: the active mapping.' }),
    },
    resolve: async (_root, args, context) => {
      const { prisma, viewer, services } = context;
      takeRateToken(context, 'checkMappingAgainstOrg');
      if (args.yaml != null) checkMappingSize(args.yaml, 'yaml');
      const check = await checkMappingAgainstOrg(
        { prisma, connections: services.connections },
        viewer.tenantId,
        args.yaml ?? null,
      );
      return { ...check, valid: !check.diagnostics.some((d) => d.severity === 'error') };
    },
  }),
);

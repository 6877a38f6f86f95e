// Tenants and the caller's own identity.
import { slugProblem } from '../../auth/tenant-claim.ts';
import type { Prisma } from '../../db/open.ts';
import { Role } from '../../generated/prisma/enums.ts';
import { createTenant, setCloudcxTenantId } from '../../tenants/tenants.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from '../errors.ts';

export const RoleEnum = builder.enumType(Role, {
  name: 'Role',
  description:
    'ADMIN changes settings; AGENT reads and acts on chats; INTEGRATION records chats; SYSTEM is the platform.',
});

export const TenantType = builder.prismaObject('Tenant', {
  fields: (t) => ({
    id: t.exposeID('id'),
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    cloudcxTenantId: t.string({
      description:
        "CloudCX's own id for this tenant, as mappings' `tenant.id` shows it (the slug when not set).",
      resolve: (tenant) => tenant.cloudcxTenantId ?? tenant.slug,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ViewerType = builder.objectRef<{
  role: Role;
  tenantId: string | null;
  agent?: { id: string; email?: string; name?: string };
}>('Viewer');
ViewerType.implement({
  description: 'Who the credential of this request acts as.',
  fields: (t) => ({
    role: t.field({ type: RoleEnum, resolve: (viewer) => viewer.role }),
    agentId: t.string({ nullable: true, resolve: (viewer) => viewer.agent?.id ?? null }),
    agentEmail: t.string({ nullable: true, resolve: (viewer) => viewer.agent?.email ?? null }),
    tenant: t.prismaField({
      type: 'Tenant',
      nullable: true,
      resolve: (query, viewer, _args, { prisma }) =>
        viewer.tenantId ? prisma.tenant.findUnique({ ...query, where: { id: viewer.tenantId } }) : null,
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({ type: ViewerType, resolve: (_root, _args, { viewer }) => viewer }),
);

const CreateTenantInput = builder.inputType('CreateTenantInput', {
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Lower-case letters, digits and dashes; unique.' }),
    name: t.string({ required: true }),
    cloudcxTenantId: t.string({
      description:
        "CloudCX's own id for the tenant (the one its frontend knows); mappings show it as `tenant.id`. Default: the slug.",
    }),
  }),
});

/** Printable, no spaces at the ends, at most 100 characters: it goes into Salesforce Subjects. */
const CLOUDCX_TENANT_ID = /^[^\s\p{Cc}](?:[^\p{Cc}]{0,98}[^\s\p{Cc}])?$/u;

async function checkCloudcxTenantId(prisma: Prisma, value: string, exceptTenantId?: string): Promise<void> {
  if (!CLOUDCX_TENANT_ID.test(value))
    throw new InvalidInputError(
      'cloudcxTenantId must be 1-100 printable characters without leading or trailing spaces.',
      'cloudcxTenantId',
    );
  const taken = await prisma.tenant.findUnique({ where: { cloudcxTenantId: value }, select: { id: true } });
  if (taken && taken.id !== exceptTenantId)
    throw new InvalidInputError(`Another tenant already has cloudcxTenantId "${value}".`, 'cloudcxTenantId');
}

const CreateTenantPayload = builder.simpleObject('CreateTenantPayload', {
  fields: (t) => ({
    tenantId: t.id(),
    adminKey: t.string({ description: "The tenant's first ADMIN API key. Shown once: store it now." }),
  }),
});

builder.mutationField('createTenant', (t) =>
  t.field({
    type: CreateTenantPayload,
    description: 'Creates a tenant and its first ADMIN key (platform only).',
    authScopes: { system: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: CreateTenantInput, required: true }) },
    resolve: async (_root, { input }, { prisma, viewer }) => {
      const problem = slugProblem(input.slug);
      if (problem) throw new InvalidInputError(problem, 'slug');
      if (await prisma.tenant.findUnique({ where: { slug: input.slug }, select: { id: true } })) {
        throw new InvalidInputError(`A tenant with slug "${input.slug}" already exists.`, 'slug');
      }
      if (input.cloudcxTenantId != null) await checkCloudcxTenantId(prisma, input.cloudcxTenantId);
      return createTenant(prisma, {
        slug: input.slug,
        name: input.name,
        cloudcxTenantId: input.cloudcxTenantId ?? null,
        actor: viewer.actor,
      });
    },
  }),
);

builder.mutationField('setTenantCloudcxId', (t) =>
  t.prismaField({
    type: 'Tenant',
    description:
      "Changes CloudCX's own id for a tenant, used as `tenant.id` in its mappings (platform only).",
    authScopes: { system: true },
    errors: { types: [InvalidInputError] },
    args: {
      tenantId: t.arg.id({ required: true, description: "The tenant's id in this service." }),
      cloudcxTenantId: t.arg.string({ required: true }),
    },
    resolve: async (query, _root, args, { prisma, viewer }) => {
      const tenantId = String(args.tenantId);
      if (!(await prisma.tenant.findUnique({ where: { id: tenantId }, select: { id: true } })))
        throw new InvalidInputError('No such tenant.', 'tenantId');
      await checkCloudcxTenantId(prisma, args.cloudcxTenantId, tenantId);
      await setCloudcxTenantId(prisma, {
        tenantId,
        cloudcxTenantId: args.cloudcxTenantId,
        actor: viewer.actor,
      });
      return prisma.tenant.findUniqueOrThrow({ ...query, where: { id: tenantId } });
    },
  }),
);

// Tenants and the caller's own identity.
import { createApiKey } from '../../auth/api-keys.ts';
import { slugProblem } from '../../auth/tenant-claim.ts';
import { Role } from '../../generated/prisma/enums.ts';
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
  }),
});

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
      const tenant = await prisma.tenant.create({ data: { slug: input.slug, name: input.name } });
      const key = await createApiKey(prisma, { tenantId: tenant.id, role: 'ADMIN', name: 'first admin key' });
      await prisma.auditEvent.create({
        data: { tenantId: tenant.id, actor: viewer.actor, action: 'tenant.created' },
      });
      return { tenantId: tenant.id, adminKey: key.key };
    },
  }),
);

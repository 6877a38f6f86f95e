// API keys of the caller's tenant: list, create (shown once), revoke.
import { issueApiKey, revokeApiKey } from '../../auth/api-keys.ts';
import { builder } from '../builder.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { RoleEnum } from './tenant.ts';

const ApiKeyType = builder.prismaObject('ApiKey', {
  description: "A key's metadata. The key itself is shown only when created.",
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: RoleEnum }),
    prefix: t.exposeString('prefix', { description: 'The public part of the key, to recognise it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: ['ApiKey'],
    resolve: (query, _root, _args, { prisma, viewer }) =>
      prisma.apiKey.findMany({
        ...query,
        where: { tenantId: viewer.tenantId },
        orderBy: { createdAt: 'asc' },
      }),
  }),
);

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'What the key is for, e.g. "CI publisher".' }),
    role: t.field({ type: RoleEnum, required: true, description: 'ADMIN, AGENT or INTEGRATION.' }),
  }),
});

const CreateApiKeyPayload = builder.simpleObject('CreateApiKeyPayload', {
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyType }),
    key: t.string({ description: 'The secret key. Shown once: store it now.' }),
  }),
});

builder.mutationField('createApiKey', (t) =>
  t.withAuth({ admin: true }).field({
    type: CreateApiKeyPayload,
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: async (_root, { input }, { prisma, viewer }) => {
      if (input.role === 'SYSTEM')
        throw new InvalidInputError('A tenant key cannot have the SYSTEM role.', 'role');
      if (!input.name.trim())
        throw new InvalidInputError('Give the key a name that says what it is for.', 'name');
      const created = await issueApiKey(prisma, {
        tenantId: viewer.tenantId,
        role: input.role,
        name: input.name.trim(),
        actor: viewer.actor,
      });
      const apiKey = await prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
      return { apiKey, key: created.key };
    },
  }),
);

builder.mutationField('revokeApiKey', (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: 'ApiKey',
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, { prisma, viewer }) => {
      const found = await revokeApiKey(prisma, {
        tenantId: viewer.tenantId,
        id: String(id),
        actor: viewer.actor,
      });
      const key = found
        ? await prisma.apiKey.findFirst({ ...query, where: { id: String(id), tenantId: viewer.tenantId } })
        : null;
      if (!key) throw new NotFoundError('API key', String(id));
      return key;
    },
  }),
);

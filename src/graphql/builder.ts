// The Pothos builder: plugins, scalars and the root types. No domain type lives here.
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import { GraphQLError } from 'graphql';
import type PrismaTypes from '../generated/pothos-types.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import type { Context, TenantContext } from './context.ts';
import { checkNodeIds, decodeGlobalId } from './global-ids.ts';

export interface AuthScopes {
  /** The platform itself (SYSTEM key). */
  system: boolean;
  /** A tenant administrator. */
  admin: boolean;
  /** Agents and admins: reading and agent actions. */
  agent: boolean;
  /** Scripts recording chats: admins and integration keys. */
  integration: boolean;
  /** Any credential bound to a tenant. */
  tenant: boolean;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
  // Each tenant-bound scope admits only a viewer with a tenant (checked below), so a field behind one resolves with
  // `viewer.tenantId: string` through `t.withAuth(...)`.
  AuthContexts: {
    admin: TenantContext;
    agent: TenantContext;
    integration: TenantContext;
    tenant: TenantContext;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin, SimpleObjectsPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: ({ viewer }) => {
      const tenant = viewer.tenantId !== null;
      return {
        system: viewer.role === 'SYSTEM',
        admin: tenant && viewer.role === 'ADMIN',
        agent: tenant && (viewer.role === 'ADMIN' || viewer.role === 'AGENT'),
        integration: tenant && (viewer.role === 'ADMIN' || viewer.role === 'INTEGRATION'),
        tenant,
      };
    },
    unauthorizedError: (_parent, context, info) =>
      new GraphQLError(
        `Your ${context.viewer.role} credential may not use "${info.parentType.name}.${info.fieldName}".`,
        { extensions: { code: 'FORBIDDEN', http: { status: 403 } } },
      ),
  },
  errors: { defaultTypes: [] },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
  },
  relay: {
    decodeGlobalID: decodeGlobalId,
    nodesQueryOptions: {
      resolve: (_root, args, _context, _info, resolveNodes) => {
        checkNodeIds(args.ids);
        return resolveNodes(args.ids);
      },
    },
  },
});

builder.queryType({});
builder.mutationType({});

builder.scalarType('DateTime', {
  description: 'An ISO 8601 date-time in UTC.',
  serialize: (value) =>
    value instanceof Date ? value.toISOString() : new Date(value as string).toISOString(),
  parseValue: (value) => {
    const date = new Date(value as string);
    if (typeof value !== 'string' || Number.isNaN(date.getTime())) {
      throw new GraphQLError(`"${String(value)}" is not an ISO 8601 date-time such as 2026-11-25T10:30:00Z.`);
    }
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

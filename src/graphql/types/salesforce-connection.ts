// A tenant's Salesforce connection: custom configuration, connect (OAuth), status, disconnect. No field returns a
// secret or a token: the types below are built from ConnectionView, which holds none.

import type { CustomConfigurationView } from '../../connections/connected-apps.ts';
import type { ConnectionView } from '../../connections/tenant-connections.ts';
import { ConfigurationKind, ConnectionStatus } from '../../generated/prisma/enums.ts';
import { ConfigurationMissingError } from '../../salesforce/errors.ts';
import { builder } from '../builder.ts';
import { ErrorInterface, InvalidInputError } from '../errors.ts';
import { asInvalidInput } from './platform-app.ts';

const ConnectionStatusEnum = builder.enumType(ConnectionStatus, {
  name: 'SalesforceConnectionStatus',
  description:
    'NEEDS_REAUTH: Salesforce no longer accepts the stored session; sync waits until an admin reconnects.',
});

const ConfigurationKindEnum = builder.enumType(ConfigurationKind, {
  name: 'SalesforceConfigurationKind',
  description: "SYSTEM: the platform's connected app. CUSTOM: the tenant's own connected app.",
});

builder.objectType(ConfigurationMissingError, {
  name: 'SalesforceConfigurationMissingError',
  description: 'The chosen configuration is not set up yet.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConfigurationMissingError,
  fields: (t) => ({
    configuration: t.field({ type: ConfigurationKindEnum, resolve: (e) => e.configuration }),
  }),
});

const CustomConfigurationType = builder
  .objectRef<CustomConfigurationView>('SalesforceCustomConfiguration')
  .implement({
    description: "The tenant's own connected app. The client secret is never shown.",
    fields: (t) => ({
      clientId: t.exposeString('clientId', { description: 'The Consumer Key.' }),
      loginUrl: t.exposeString('loginUrl', { description: 'The account server address.' }),
      crmUrl: t.exposeString('crmUrl', { nullable: true, description: 'The CRM address.' }),
    }),
  });

const SalesforceConnectionType = builder.objectRef<ConnectionView>('SalesforceConnection').implement({
  description: "The tenant's link to its Salesforce org.",
  fields: (t) => ({
    status: t.field({ type: ConnectionStatusEnum, resolve: (c) => c.status }),
    configurationKind: t.field({
      type: ConfigurationKindEnum,
      nullable: true,
      description: 'The configuration the connection was made with; null when not connected.',
      resolve: (c) => c.configurationKind,
    }),
    username: t.exposeString('username', { nullable: true, description: 'The connected Salesforce user.' }),
    userId: t.exposeString('userId', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    displayName: t.exposeString('displayName', { nullable: true }),
    orgId: t.exposeString('orgId', { nullable: true }),
    instanceUrl: t.exposeString('instanceUrl', { nullable: true }),
    connectedAt: t.expose('connectedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Connected since.',
    }),
    lastRefreshAt: t.expose('lastRefreshAt', { type: 'DateTime', nullable: true }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description: 'Why the last connection attempt or session refresh failed.',
    }),
    callbackUrl: t.exposeString('callbackUrl', {
      description: "The callback URL to paste into the connected app's OAuth settings.",
    }),
    customConfiguration: t.field({
      type: CustomConfigurationType,
      nullable: true,
      resolve: (c) => c.customConfiguration,
    }),
    systemConfigurationAvailable: t.boolean({
      description: 'Whether the platform has a connected app, so "system configuration" can be used.',
      resolve: async (_c, _args, { services }) => (await services.connections.apps.system()) !== null,
    }),
  }),
});

builder.queryField('salesforceConnection', (t) =>
  t.withAuth({ tenant: true }).field({
    type: SalesforceConnectionType,
    resolve: (_root, _args, context) => context.services.connections.view(context.viewer.tenantId),
  }),
);

const SaveSalesforceCustomConfigurationInput = builder.inputType('SaveSalesforceCustomConfigurationInput', {
  fields: (t) => ({
    clientId: t.string({ required: true, description: 'The Consumer Key of your connected app.' }),
    clientSecret: t.string({
      description: 'The Consumer Secret. Omit to keep the stored one (only while loginUrl stays the same).',
    }),
    loginUrl: t.string({
      required: true,
      description:
        'The account server address: https://login.salesforce.com, https://test.salesforce.com or your My Domain ' +
        "(https only, on Salesforce's domains or a host listed in SALESFORCE_ALLOWED_HOSTS).",
    }),
    crmUrl: t.string({ description: 'The CRM address, e.g. https://login.salesforce.com.' }),
  }),
});

builder.mutationField('saveSalesforceCustomConfiguration', (t) =>
  t.withAuth({ admin: true }).field({
    type: SalesforceConnectionType,
    description:
      'Saves the custom configuration. Salesforce is asked whether it knows the client id and secret. A new ' +
      'account server address needs the client secret again, and disconnects a connection made with the old one.',
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: SaveSalesforceCustomConfigurationInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const tenantId = context.viewer.tenantId;
      const { connections } = context.services;
      await connections.saveCustomConfiguration(tenantId, input, context.viewer.actor).catch(asInvalidInput);
      return connections.view(tenantId);
    },
  }),
);

const StartSalesforceConnectionPayload = builder.simpleObject('StartSalesforceConnectionPayload', {
  fields: (t) => ({
    authorizationUrl: t.string({
      description:
        "Open it (in a popup) to sign in to Salesforce and click Allow: it is this service's start address, which " +
        'redirects to Salesforce. It works once, for 10 minutes, and only in the browser that opens it first.',
    }),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
});

builder.mutationField('startSalesforceConnection', (t) =>
  t.withAuth({ admin: true }).field({
    type: StartSalesforceConnectionPayload,
    errors: { types: [ConfigurationMissingError] },
    args: { configuration: t.arg({ type: ConfigurationKindEnum, required: true }) },
    resolve: (_root, { configuration }, context) =>
      context.services.connections.start(context.viewer.tenantId, configuration),
  }),
);

builder.mutationField('disconnectSalesforce', (t) =>
  t.withAuth({ admin: true }).field({
    type: SalesforceConnectionType,
    description:
      'Revokes the session at Salesforce and forgets the tokens. Sync history is kept; queued work waits for a ' +
      'new connection.',
    resolve: async (_root, _args, context) => {
      const tenantId = context.viewer.tenantId;
      await context.services.connections.disconnect(tenantId, context.viewer.actor);
      return context.services.connections.view(tenantId);
    },
  }),
);

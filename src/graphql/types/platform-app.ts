// The platform's own Salesforce connected app (the system configuration): set, read without its secret, clear.
import type { SystemAppView } from '../../connections/connected-apps.ts';
import { ConfigurationInputError } from '../../salesforce/errors.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from '../errors.ts';

const SystemSalesforceAppType = builder.objectRef<SystemAppView>('SystemSalesforceApp').implement({
  description: "The platform's connected app, used by tenants that connect with the system configuration.",
  fields: (t) => ({
    clientId: t.exposeString('clientId', { description: 'The Consumer Key. The secret is never shown.' }),
    loginUrl: t.exposeString('loginUrl', {
      description: 'The account server, e.g. https://login.salesforce.com.',
    }),
    callbackUrl: t.string({
      description: 'The callback URL to register on the connected app.',
      resolve: (_app, _args, { services }) => services.connections.callbackUrl,
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('systemSalesforceApp', (t) =>
  t.field({
    type: SystemSalesforceAppType,
    nullable: true,
    description: "The platform's connected app, or null when none is set.",
    authScopes: { system: true },
    resolve: (_root, _args, { services }) => services.connections.apps.system(),
  }),
);

const SetSystemSalesforceAppInput = builder.inputType('SetSystemSalesforceAppInput', {
  fields: (t) => ({
    clientId: t.string({ required: true, description: 'The Consumer Key of the connected app.' }),
    clientSecret: t.string({
      description: 'The Consumer Secret. Omit to keep the stored one (only while loginUrl stays the same).',
    }),
    loginUrl: t.string({
      required: true,
      description:
        'The account server: https://login.salesforce.com, https://test.salesforce.com or a My Domain.',
    }),
  }),
});

builder.mutationField('setSystemSalesforceApp', (t) =>
  t.field({
    type: SystemSalesforceAppType,
    description:
      'Sets the platform connected app. Salesforce is asked whether it knows the client id and secret.',
    authScopes: { system: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: SetSystemSalesforceAppInput, required: true }) },
    resolve: (_root, { input }, { services, viewer }) =>
      services.connections.apps.setSystem(input, viewer.actor).catch(asInvalidInput),
  }),
);

builder.mutationField('clearSystemSalesforceApp', (t) =>
  t.boolean({
    description:
      'Removes the platform connected app; true if one was set. Connected tenants must then reconnect.',
    authScopes: { system: true },
    resolve: (_root, _args, { services, viewer }) => services.connections.apps.clearSystem(viewer.actor),
  }),
);

/** A configuration value Salesforce or the checks refuse is a form error on the field it names. */
export function asInvalidInput(error: unknown): never {
  if (error instanceof ConfigurationInputError) throw new InvalidInputError(error.message, error.field);
  throw error;
}

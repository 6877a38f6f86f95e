// The agent console's customer view: which Lead, Contact or Account a visitor is, with the fields the mapping chooses.
import { type CustomerAnswer, customerViewFor } from '../../console/customer-view.ts';
import { builder } from '../builder.ts';
import { VisitorInput } from './record-chat.ts';

// The same values as settings.ts's ChatSection, which that file does not export.
const CustomerSection = builder.enumType('CustomerSection', {
  values: {
    WEB_CHAT: {
      value: 'webChat',
      description: "Web chats: the mapping's webChat identification and display.",
    },
    INBOX: {
      value: 'inbox',
      description: "Inbox conversations: the mapping's inbox identification and display.",
    },
  } as const,
});

const SalesforceField = builder.simpleObject('SalesforceField', {
  description: 'One field of a matched record, as Salesforce returned it.',
  fields: (t) => ({
    name: t.string({ description: 'The API name, e.g. Email.' }),
    value: t.string({ nullable: true, description: 'Null when the field is blank.' }),
  }),
});

const SalesforceMatch = builder.simpleObject('SalesforceMatch', {
  description: 'A record the visitor is in Salesforce.',
  fields: (t) => ({
    object: t.string({ description: 'Lead, Contact or Account.' }),
    id: t.id(),
    rule: t.string({
      description:
        'The identification rule that found it (e.g. lead-by-email), or "known" when CloudCX recorded this visitor to it.',
    }),
    url: t.string({ description: 'Opens the record in Salesforce (Lightning).' }),
    fields: t.field({
      type: [SalesforceField],
      description: "The mapping's display fields for this object in the section, in its order.",
    }),
  }),
});

const SalesforceCustomer = builder.objectRef<CustomerAnswer>('SalesforceCustomer').implement({
  description: "What the tenant's Salesforce org knows of a visitor.",
  fields: (t) => ({
    connected: t.exposeBoolean('connected', {
      description:
        'False when the tenant is not connected to Salesforce (or must reconnect); then no matches.',
    }),
    matches: t.field({
      type: [SalesforceMatch],
      description:
        'One per object the section identifies (Contacts and Leads before Accounts, as the display lists them); ' +
        'empty when nothing matches.',
      resolve: (answer) => answer.matches,
    }),
    readAt: t.expose('readAt', {
      type: 'DateTime',
      description: 'When it was read from Salesforce: answers are reused for 30 seconds.',
    }),
  }),
});

builder.queryField('salesforceCustomer', (t) =>
  t.withAuth({ $any: { agent: true, integration: true } }).field({
    type: SalesforceCustomer,
    description:
      "The visitor's Lead, Contact or Account in Salesforce, found by the active mapping's identification rules (or " +
      'by the record CloudCX already recorded the visitor to), with the fields the mapping displays. Rules comparing ' +
      'other CloudCX fields than the visitor do not apply here.',
    args: {
      section: t.arg({ type: CustomerSection, defaultValue: 'webChat' }),
      visitor: t.arg({ type: VisitorInput, required: true }),
    },
    resolve: (_root, { section, visitor }, { services, prisma, viewer }) =>
      customerViewFor(services, prisma).find(viewer.tenantId, section ?? 'webChat', {
        name: visitor.name ?? undefined,
        firstName: visitor.firstName ?? undefined,
        lastName: visitor.lastName ?? undefined,
        email: visitor.email ?? undefined,
        phone: visitor.phone ?? undefined,
        company: visitor.company ?? undefined,
      }),
  }),
);

// The "Configure Salesforce in CloudCX" screens: a view of the active mapping. Saving edits the mapping's YAML
// (comments and every key the screens do not show survive) and publishes it as a new version.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  applySettings,
  type MappingSettings,
  readSettings,
  type SetupDefaults,
} from '../../mapping/settings.ts';
import { activeMapping, DEFAULT_MAPPINGS_DIR, MappingInvalidError } from '../../sync/mapping-versions.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from '../errors.ts';
import { MappingDiagnosticType, publishAs } from './mapping.ts';
import { MappingVersionType } from './sync-record.ts';

const ModeEnum = builder.enumType('SalesforceMode', {
  values: {
    AUTOMATIC: {
      value: 'automatic',
      description: 'CloudCX records each section as its chats and conversations happen.',
    },
    MANUAL: {
      value: 'manual',
      description: 'Agents create each Lead/Contact/Case/Task from the agent console.',
    },
  } as const,
});

const SectionRecordEnum = builder.enumType('SectionRecord', {
  description: 'What a section records in Salesforce.',
  values: {
    LEAD_AND_TASK: {
      value: 'sales',
      description: 'For sales: visitors as Leads, chats/conversations as Tasks.',
    },
    CONTACT_AND_CASE: {
      value: 'support',
      description: 'For support: visitors as Contacts, chats/conversations as Cases.',
    },
    NOTHING: { value: 'none', description: 'Nothing is recorded.' },
  } as const,
});

const MatchedContactPolicyEnum = builder.enumType('MatchedContactPolicy', {
  description: 'When a matching contact (or lead, or account) is found.',
  values: {
    DO_NOT_UPDATE: { value: 'never', description: 'Do not update the contact information.' },
    OVERWRITE: {
      value: 'overwrite',
      description: 'Update the contact with information from web chat/inbox.',
    },
    ONLY_ADD_NEW: {
      value: 'fillBlanks',
      description: 'Only add new information (do not overwrite existing information).',
    },
  } as const,
});

const IdentifiedObjectEnum = builder.enumType('IdentifiedObject', {
  values: ['Account', 'Contact', 'Lead'] as const,
});

const ChatSectionEnum = builder.enumType('ChatSection', {
  values: {
    WEB_CHAT: { value: 'webChat' },
    INBOX: { value: 'inbox' },
  } as const,
});

const NormalizeEnum = builder.enumType('IdentificationNormalize', {
  description: 'How both sides are normalised before comparing.',
  values: {
    EXACT: { value: 'exact', description: 'As is.' },
    CASE_INSENSITIVE: { value: 'caseInsensitive' },
    EMAIL: { value: 'email', description: 'Trimmed and lower-cased.' },
    PHONE: { value: 'phone', description: 'Digits only.' },
    E164: { value: 'e164', description: '+ and digits; countryCode is added to national numbers.' },
  } as const,
});

const OnMultipleEnum = builder.enumType('OnMultipleMatches', {
  description: 'When a rule finds several records.',
  values: {
    MOST_RECENTLY_MODIFIED: { value: 'mostRecentlyModified' },
    OLDEST: { value: 'oldest', description: 'The first created.' },
    NONE: { value: 'none', description: 'The rule does not match.' },
  } as const,
});

type Condition = MappingSettings['identification'][number]['rules'][number]['all'][number];
type Rule = MappingSettings['identification'][number]['rules'][number];

const ConditionType = builder.objectRef<Condition>('IdentificationCondition').implement({
  description: 'A Salesforce field compared with a CloudCX value.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'Salesforce field API name, e.g. Email.' }),
    source: t.exposeString('source', { description: 'CloudCX field, e.g. visitor.email.' }),
    normalize: t.field({ type: NormalizeEnum, resolve: (c) => c.normalize ?? 'exact' }),
    countryCode: t.exposeString('countryCode', { nullable: true }),
  }),
});

const RuleType = builder.objectRef<Rule>('IdentificationRule').implement({
  description: 'A named rule: all its comparisons must hold.',
  fields: (t) => ({
    name: t.exposeString('name'),
    all: t.field({ type: [ConditionType], resolve: (r) => r.all }),
  }),
});

const ObjectIdentificationType = builder
  .objectRef<MappingSettings['identification'][number]>('ObjectIdentification')
  .implement({
    description:
      'How CloudCX finds an existing record of one object: rules in order, the first that finds one wins.',
    fields: (t) => ({
      object: t.field({ type: IdentifiedObjectEnum, resolve: (i) => i.object }),
      rules: t.field({ type: [RuleType], resolve: (i) => i.rules }),
      onMultiple: t.field({ type: OnMultipleEnum, resolve: (i) => i.onMultiple }),
    }),
  });

const DisplayFieldsType = builder.objectRef<MappingSettings['display'][number]>('DisplayFields').implement({
  description: 'The fields of a matched record the agent console shows in one section.',
  fields: (t) => ({
    section: t.field({ type: ChatSectionEnum, resolve: (d) => d.section }),
    object: t.field({ type: IdentifiedObjectEnum, resolve: (d) => d.object }),
    fields: t.exposeStringList('fields'),
  }),
});

interface Settings extends MappingSettings {
  mappingVersion: number;
}

const SettingsType = builder.objectRef<Settings>('SalesforceSettings').implement({
  description: 'The Salesforce settings screens, read from the active mapping.',
  fields: (t) => ({
    mode: t.field({ type: ModeEnum, resolve: (s) => s.mode }),
    webChat: t.field({
      type: SectionRecordEnum,
      description: 'What web chats record.',
      resolve: (s) => s.sections.webChat,
    }),
    inbox: t.field({
      type: SectionRecordEnum,
      description: 'What inbox conversations record.',
      resolve: (s) => s.sections.inbox,
    }),
    whenContactMatched: t.field({
      type: MatchedContactPolicyEnum,
      description: 'The default overwrite policy; per-field overrides in the mapping still apply.',
      resolve: (s) => s.overwrite,
    }),
    identification: t.field({ type: [ObjectIdentificationType], resolve: (s) => s.identification }),
    display: t.field({ type: [DisplayFieldsType], resolve: (s) => s.display }),
    mappingVersion: t.exposeInt('mappingVersion', {
      description: 'The mapping version these settings are read from.',
    }),
  }),
});

builder.queryField('salesforceSettings', (t) =>
  t.withAuth({ agent: true }).field({
    type: SettingsType,
    resolve: async (_root, _args, { prisma, viewer }) => {
      const { version } = await activeMapping(prisma, viewer.tenantId);
      return { ...readSettings(version.yaml), mappingVersion: version.version };
    },
  }),
);

const ConditionInput = builder.inputType('IdentificationConditionInput', {
  fields: (t) => ({
    field: t.string({ required: true, description: 'Salesforce field API name, e.g. Email.' }),
    source: t.string({ required: true, description: 'CloudCX field, e.g. visitor.email.' }),
    normalize: t.field({ type: NormalizeEnum }),
    countryCode: t.string({ description: 'For E164: the calling code added to national numbers.' }),
  }),
});

const RuleInput = builder.inputType('IdentificationRuleInput', {
  fields: (t) => ({
    name: t.string({
      required: true,
      description: 'Lower-case letters, digits and dashes, e.g. contact-by-email.',
    }),
    all: t.field({ type: [ConditionInput], required: true }),
  }),
});

const ObjectIdentificationInput = builder.inputType('ObjectIdentificationInput', {
  fields: (t) => ({
    object: t.field({ type: IdentifiedObjectEnum, required: true }),
    rules: t.field({
      type: [RuleInput],
      required: true,
      description: "Replace the object's rules; empty removes them.",
    }),
    onMultiple: t.field({ type: OnMultipleEnum }),
  }),
});

const DisplayFieldsInput = builder.inputType('DisplayFieldsInput', {
  fields: (t) => ({
    section: t.field({ type: ChatSectionEnum, required: true }),
    object: t.field({ type: IdentifiedObjectEnum, required: true }),
    fields: t.stringList({
      required: true,
      description: 'Salesforce field API names; empty hides the object.',
    }),
  }),
});

const UpdateSalesforceSettingsInput = builder.inputType('UpdateSalesforceSettingsInput', {
  description: 'Only what is given changes.',
  fields: (t) => ({
    mode: t.field({ type: ModeEnum }),
    webChat: t.field({ type: SectionRecordEnum }),
    inbox: t.field({ type: SectionRecordEnum }),
    whenContactMatched: t.field({ type: MatchedContactPolicyEnum }),
    identification: t.field({ type: [ObjectIdentificationInput] }),
    display: t.field({ type: [DisplayFieldsInput] }),
  }),
});

const UpdateSalesforceSettingsPayload = builder.simpleObject('UpdateSalesforceSettingsPayload', {
  fields: (t) => ({
    settings: t.field({ type: SettingsType }),
    mappingVersion: t.field({
      type: MappingVersionType,
      description: 'The version published (the active one if nothing changed).',
    }),
    changes: t.stringList({ description: 'What changed in the mapping, one line each.' }),
    warnings: t.field({ type: [MappingDiagnosticType] }),
  }),
});

let defaults: SetupDefaults | undefined;
function setupDefaults(): SetupDefaults {
  defaults ??= {
    sales: readFileSync(path.join(DEFAULT_MAPPINGS_DIR, 'sales.yaml'), 'utf8'),
    support: readFileSync(path.join(DEFAULT_MAPPINGS_DIR, 'support.yaml'), 'utf8'),
  };
  return defaults;
}

builder.mutationField('updateSalesforceSettings', (t) =>
  t.withAuth({ admin: true }).field({
    type: UpdateSalesforceSettingsPayload,
    description:
      'Saves the settings screens: edits the active mapping and publishes it as a new version. A section switched to ' +
      'Lead + Task or Contact + Case gets the default field maps and rules of that setup when the mapping has none.',
    errors: { types: [MappingInvalidError, InvalidInputError] },
    args: { input: t.arg({ type: UpdateSalesforceSettingsInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { version } = await activeMapping(context.prisma, context.viewer.tenantId);
      const { text, changes } = applySettings(
        version.yaml,
        {
          mode: input.mode ?? undefined,
          sections: { webChat: input.webChat ?? undefined, inbox: input.inbox ?? undefined },
          overwrite: input.whenContactMatched ?? undefined,
          identification: input.identification?.map((i) => ({
            object: i.object,
            onMultiple: i.onMultiple ?? undefined,
            rules: i.rules.map((r) => ({
              name: r.name,
              all: r.all.map((c) => ({
                field: c.field,
                source: c.source,
                normalize: c.normalize ?? undefined,
                countryCode: c.countryCode ?? undefined,
              })),
            })),
          })),
          display: input.display ?? undefined,
        },
        setupDefaults(),
      );
      const published = await publishAs(context, text, { action: 'settings.updated', details: { changes } });
      return {
        settings: {
          ...readSettings(published.mappingVersion.yaml),
          mappingVersion: published.mappingVersion.version,
        },
        mappingVersion: published.mappingVersion,
        changes,
        warnings: published.warnings,
      };
    },
  }),
);

// Checking a mapping against a tenant's org: describe results replace the standard catalog.
import { describe, expect, it } from 'vitest';
import {
  type DescribeResult,
  formatDiagnostic,
  fromDescribe,
  loadMapping,
  standardCatalog,
  withCustomFields,
} from '../../src/mapping/index.ts';
import { readRepoFile } from './helpers.ts';

const f = (name: string, type: string, extra: Partial<DescribeResult['fields'][number]> = {}) => ({
  name,
  type,
  nillable: true,
  createable: true,
  updateable: true,
  ...extra,
});
const common = [
  f('Id', 'id', { createable: false, updateable: false }),
  f('CreatedDate', 'datetime'),
  f('LastModifiedDate', 'datetime'),
];
const present = (x: { type: string }) => x.type !== 'gone';
/** An org like the standard one, with the given changes to the Lead and Task (type 'gone' removes a field). */
function org(
  lead: DescribeResult['fields'] = [],
  task: DescribeResult['fields'] = [],
  account: DescribeResult['fields'] = [],
) {
  return fromDescribe([
    {
      name: 'Lead',
      fields: [
        ...common,
        ...lead,
        f('LastName', 'string', { length: 80, nillable: false }),
        f('Company', 'string', { length: 255, nillable: false }),
        f('Email', 'email', { length: 80 }),
        f('Phone', 'phone', { length: 40 }),
        f('Name', 'string', { length: 121, createable: false, updateable: false }),
        f('Status', 'picklist', { length: 40, defaultedOnCreate: true }),
        f('IsConverted', 'boolean', { createable: false, updateable: false }),
        f('ConvertedContactId', 'reference', { createable: false, updateable: false }),
        f('ConvertedAccountId', 'reference', { createable: false, updateable: false }),
        f('OwnerId', 'reference', { length: 18 }),
      ]
        .filter((x, i, all) => all.findIndex((y) => y.name === x.name) === i)
        .filter(present),
    },
    {
      name: 'Task',
      fields: [
        ...common,
        ...task,
        f('Subject', 'combobox', { length: 255 }),
        f('Description', 'textarea', { length: 32000 }),
        f('Status', 'picklist', { length: 40 }),
        f('ActivityDate', 'date'),
        f('WhoId', 'reference'),
      ]
        .filter((x, i, all) => all.findIndex((y) => y.name === x.name) === i)
        .filter(present),
    },
    {
      name: 'Account',
      fields: [...common, f('Name', 'string', { length: 255, nillable: false }), ...account],
    },
  ]);
}
const sales = readRepoFile('mappings/defaults/sales.yaml');
const check = (catalog: ReturnType<typeof org>, text = sales) =>
  loadMapping(text, 'sales.yaml', catalog).diagnostics.map((d) => `${formatDiagnostic(d)}  [${d.code}]`);

describe('checking against an org', () => {
  it('accepts the default sales mapping on an org shaped like the standard catalog', () => {
    expect(check(org())).toEqual([]);
  });

  it('reports a mapped field missing from the org', () => {
    const noPhone = org([f('Phone', 'gone', {})]);
    expect(check(noPhone)).toEqual([
      'sales.yaml:27:22  identification.Lead.rules[1].all[0].field  "Phone" is not a field of Lead  [unknown-salesforce-field]',
      'sales.yaml:38:5  objects.Lead.Phone  "Phone" is not a field of Lead  [unknown-salesforce-field]',
      'sales.yaml:86:25  display.webChat.Lead[2]  "Phone" is not a field of Lead  [unknown-salesforce-field]',
      'sales.yaml:88:25  display.inbox.Lead[2]  "Phone" is not a field of Lead  [unknown-salesforce-field]',
    ]);
  });

  it('reports a field the org made read-only', () => {
    console.log(check(org([f('Email', 'email', { length: 80, createable: false, updateable: false })])));
    expect(check(org([f('Email', 'email', { length: 80, createable: false, updateable: false })]))).toContain(
      'sales.yaml:42:5  objects.Lead.Email  Lead.Email is read-only in Salesforce  [field-read-only]',
    );
  });

  it('reports a field the org made shorter than a constant', () => {
    const text = sales.replace(
      'template: "{% if chat.ended %}Completed{% else %}In Progress{% endif %}"',
      'value: Completed',
    );
    expect(check(org([], [f('Status', 'picklist', { length: 5 })]), text)).toEqual([
      'sales.yaml:67:14  objects.Task.Status.value  9 characters; Task.Status holds 5  [field-too-long]',
    ]);
  });

  it('reports a value outside a restricted picklist', () => {
    const text = sales.replace(
      'template: "{% if chat.ended %}Completed{% else %}In Progress{% endif %}"',
      'value: Done',
    );
    const picklist = f('Status', 'picklist', {
      length: 40,
      restrictedPicklist: true,
      picklistValues: [{ value: 'Open' }, { value: 'Completed' }],
    });
    expect(check(org([], [picklist]), text)).toEqual([
      'sales.yaml:67:14  objects.Task.Status.value  "Done" is not a value of Task.Status (Open, Completed)  [invalid-picklist-value]',
    ]);
  });

  it('reports an object the org does not have', () => {
    const support = readRepoFile('mappings/defaults/support.yaml');
    const lines = loadMapping(support, 'support.yaml', org())
      .diagnostics.filter((d) => d.code === 'unknown-object')
      .map(formatDiagnostic);
    expect(lines).toEqual([
      'support.yaml:26:3  identification.Contact  Contact is not in the field catalog',
      'support.yaml:37:3  objects.Contact  Contact is not in the field catalog',
      'support.yaml:47:3  objects.Case  Case is not in the field catalog',
    ]);
  });

  it('knows required custom fields and Person Accounts', () => {
    const required = org([f('Region__c', 'string', { length: 20, nillable: false, custom: true })]);
    expect(check(required)).toEqual([
      'sales.yaml:31:3  objects.Lead  Lead.Region__c is required: map it with a default  [required-field-unmapped]',
    ]);
    const person = org([], [], [f('IsPersonAccount', 'boolean', { createable: false })]);
    expect(person.personAccounts).toBe(true);
    expect(person.objects.Lead?.fields.Company?.required).toBe(false);
  });

  it('extends the standard catalog with custom fields', () => {
    const catalog = withCustomFields(standardCatalog, {
      Lead: [{ name: 'Chat_Channel__c', type: 'string', length: 40 }],
    });
    const text = sales.replace(
      '  Task:\n',
      '    Chat_Channel__c: { source: channel, onOverflow: truncate }\n  Task:\n',
    );
    expect(loadMapping(text, 'sales.yaml', catalog).diagnostics).toEqual([]);
    expect(loadMapping(text, 'sales.yaml').diagnostics.map((d) => d.message)).toEqual([
      '"Chat_Channel__c" is not a field of Lead',
    ]);
  });
});

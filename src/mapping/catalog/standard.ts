// The standard objects' fields, as salesforce.md section 5 lists them (lengths of a default org).
import type { CatalogField, FieldCatalog, ObjectCatalog, SalesforceFieldType } from './types.ts';

type Spec = [name: string, type: SalesforceFieldType, length?: number, flags?: string];
// flags: r = required on create, o = read-only (not createable nor updateable), c = create-only

function object(name: string, specs: Spec[]): ObjectCatalog {
  const common: Spec[] = [
    ['Id', 'id', 18, 'o'],
    ['CreatedDate', 'datetime', undefined, 'o'],
    ['LastModifiedDate', 'datetime', undefined, 'o'],
    ['CreatedById', 'reference', 18, 'o'],
    ['LastModifiedById', 'reference', 18, 'o'],
  ];
  const fields: Record<string, CatalogField> = {};
  for (const [field, type, length, flags = ''] of [...common, ...specs]) {
    fields[field] = {
      name: field,
      type,
      ...(length === undefined ? {} : { length }),
      required: flags.includes('r'),
      createable: !flags.includes('o'),
      updateable: !flags.includes('o') && !flags.includes('c'),
      custom: false,
    };
  }
  return { name, fields };
}

const address = (prefix: string): Spec[] => [
  [`${prefix}Street`, 'textarea', 255],
  [`${prefix}City`, 'string', 40],
  [`${prefix}State`, 'string', 80],
  [`${prefix}PostalCode`, 'string', 20],
  [`${prefix}Country`, 'string', 80],
];

export const standardCatalog: FieldCatalog = {
  source: 'standard',
  personAccounts: false,
  objects: {
    Lead: object('Lead', [
      ['FirstName', 'string', 40],
      ['LastName', 'string', 80, 'r'],
      ['Salutation', 'picklist', 40],
      ['Name', 'string', 121, 'o'],
      ['Company', 'string', 255, 'r'],
      ['Title', 'string', 128],
      ['Email', 'email', 80],
      ['Phone', 'phone', 40],
      ['MobilePhone', 'phone', 40],
      ['Website', 'url', 255],
      ['Status', 'picklist', 40],
      ['LeadSource', 'picklist', 40],
      ['Industry', 'picklist', 40],
      ['Rating', 'picklist', 40],
      ['NumberOfEmployees', 'int'],
      ['Description', 'textarea', 32000],
      ...address(''),
      ['OwnerId', 'reference', 18],
      ['IsConverted', 'boolean', undefined, 'o'],
      ['ConvertedContactId', 'reference', 18, 'o'],
      ['ConvertedAccountId', 'reference', 18, 'o'],
    ]),
    Contact: object('Contact', [
      ['FirstName', 'string', 40],
      ['LastName', 'string', 80, 'r'],
      ['Salutation', 'picklist', 40],
      ['Name', 'string', 121, 'o'],
      ['Title', 'string', 128],
      ['Department', 'string', 80],
      ['Email', 'email', 80],
      ['Phone', 'phone', 40],
      ['MobilePhone', 'phone', 40],
      ['HomePhone', 'phone', 40],
      ['LeadSource', 'picklist', 40],
      ['Description', 'textarea', 32000],
      ...address('Mailing'),
      ['AccountId', 'reference', 18],
      ['OwnerId', 'reference', 18],
    ]),
    Account: object('Account', [
      ['Name', 'string', 255, 'r'],
      ['Phone', 'phone', 40],
      ['Website', 'url', 255],
      ['Industry', 'picklist', 40],
      ['Type', 'picklist', 40],
      ['NumberOfEmployees', 'int'],
      ['Description', 'textarea', 32000],
      ...address('Billing'),
      ['OwnerId', 'reference', 18],
    ]),
    Case: object('Case', [
      ['CaseNumber', 'string', 30, 'o'],
      ['Subject', 'string', 255],
      ['Description', 'textarea', 32000],
      ['Status', 'picklist', 40],
      ['Priority', 'picklist', 40],
      ['Origin', 'picklist', 255],
      ['Type', 'picklist', 40],
      ['Reason', 'picklist', 40],
      ['SuppliedName', 'string', 80],
      ['SuppliedEmail', 'email', 80],
      ['SuppliedPhone', 'string', 40],
      ['SuppliedCompany', 'string', 80],
      ['IsClosed', 'boolean', undefined, 'o'],
      ['ContactId', 'reference', 18],
      ['AccountId', 'reference', 18],
      ['OwnerId', 'reference', 18],
    ]),
    Task: object('Task', [
      ['Subject', 'combobox', 255],
      ['Description', 'textarea', 32000],
      ['Status', 'picklist', 40],
      ['Priority', 'picklist', 40],
      ['Type', 'picklist', 40],
      ['TaskSubtype', 'picklist', 40, 'c'],
      ['ActivityDate', 'date'],
      ['CallDurationInSeconds', 'int'],
      ['WhoId', 'reference', 18],
      ['WhatId', 'reference', 18],
      ['OwnerId', 'reference', 18],
    ]),
  },
};

/** A catalog with extra (custom) fields, e.g. `{ Lead: [{ name: 'Region__c', type: 'string', length: 40 }] }`. */
export function withCustomFields(
  catalog: FieldCatalog,
  extra: Record<string, Array<Pick<CatalogField, 'name' | 'type'> & Partial<CatalogField>>>,
): FieldCatalog {
  const objects: Record<string, ObjectCatalog> = { ...catalog.objects };
  for (const [name, fields] of Object.entries(extra)) {
    const merged: Record<string, CatalogField> = { ...(objects[name]?.fields ?? {}) };
    for (const f of fields)
      merged[f.name] = { required: false, createable: true, updateable: true, custom: true, ...f };
    objects[name] = { name, fields: merged };
  }
  return { ...catalog, objects };
}

// Builds a field catalog from an org's `GET /sobjects/<T>/describe` results, so checks run against that org.
import type { CatalogField, FieldCatalog, ObjectCatalog, SalesforceFieldType } from './types.ts';

/** The parts of a describe result the catalog reads (extra properties are ignored). */
export interface DescribeResult {
  name: string;
  fields: Array<{
    name: string;
    type: string;
    length?: number;
    nillable?: boolean;
    createable?: boolean;
    updateable?: boolean;
    defaultedOnCreate?: boolean;
    custom?: boolean;
    restrictedPicklist?: boolean;
    picklistValues?: Array<{ value: string; active?: boolean }>;
  }>;
}

const KNOWN_TYPES = new Set<string>([
  'id',
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'combobox',
  'reference',
  'boolean',
  'date',
  'datetime',
  'int',
  'double',
  'currency',
  'percent',
  'base64',
]);

export function fromDescribe(results: readonly DescribeResult[]): FieldCatalog {
  const objects: Record<string, ObjectCatalog> = {};
  for (const r of results) {
    const fields: Record<string, CatalogField> = {};
    for (const f of r.fields) {
      const createable = f.createable ?? false;
      const type = (KNOWN_TYPES.has(f.type) ? f.type : 'string') as SalesforceFieldType;
      const active = f.picklistValues?.filter((v) => v.active !== false).map((v) => v.value);
      fields[f.name] = {
        name: f.name,
        type,
        ...(f.length ? { length: f.length } : {}),
        // Salesforce's rule: required on create = createable && !nillable && !defaultedOnCreate.
        required: createable && f.nillable === false && !f.defaultedOnCreate && type !== 'boolean',
        createable,
        updateable: f.updateable ?? false,
        custom: f.custom ?? f.name.endsWith('__c'),
        ...(active && active.length > 0 ? { picklistValues: active } : {}),
        ...(f.restrictedPicklist ? { restrictedPicklist: true } : {}),
      };
    }
    objects[r.name] = { name: r.name, fields };
  }
  const personAccounts = Boolean(objects.Account?.fields.IsPersonAccount);
  if (personAccounts && objects.Lead?.fields.Company) {
    // With Person Accounts a Lead without Company converts into a person account.
    objects.Lead = {
      ...objects.Lead,
      fields: { ...objects.Lead.fields, Company: { ...objects.Lead.fields.Company, required: false } },
    };
  }
  return { source: 'describe', personAccounts, objects };
}

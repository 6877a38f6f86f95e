// Describe results shaped like Salesforce's, from the same metadata the rules enforce.
import type { FieldDef } from './objects/field-def.ts';
import type { Org } from './org.ts';
import type { ObjectSchema } from './schema.ts';

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  double: 'xsd:double',
  int: 'xsd:int',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  base64: 'xsd:base64Binary',
};

function describeField(f: FieldDef) {
  const picklist = f.type === 'picklist' || f.type === 'combobox';
  const longText = f.filterable === false;
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    soapType: SOAP_TYPES[f.type] ?? 'xsd:string',
    length: ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'combobox'].includes(f.type)
      ? f.length
      : 0,
    byteLength: f.length * 3,
    precision: f.type === 'double' ? 18 : 0,
    scale: 0,
    digits: f.type === 'int' ? 9 : 0,
    nillable: f.nillable,
    createable: f.createable,
    updateable: f.updateable,
    defaultedOnCreate: f.defaultedOnCreate,
    defaultValue: null,
    calculated: false,
    custom: f.custom ?? false,
    externalId: f.externalId ?? false,
    unique: f.unique ?? false,
    idLookup: f.type === 'id' || (f.externalId ?? false) || (f.unique ?? false),
    caseSensitive: false,
    filterable: !longText && f.type !== 'base64',
    sortable: !longText && f.type !== 'base64',
    groupable: !longText && !['double', 'datetime', 'base64'].includes(f.type),
    nameField: f.name === 'Name',
    restrictedPicklist: f.restrictedPicklist ?? false,
    picklistValues: picklist
      ? (f.picklistValues ?? []).map((v) => ({
          active: true,
          defaultValue: v === f.defaultValue,
          label: v,
          validFor: null,
          value: v,
        }))
      : [],
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    polymorphicForeignKey: (f.referenceTo?.length ?? 0) > 1,
    htmlFormatted: false,
    autoNumber: false,
  };
}

function urls(org: Org, name: string) {
  const base = `/services/data/v${org.apiVersion}/sobjects/${name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function objectSummary(org: Org, s: ObjectSchema) {
  return {
    name: s.name,
    label: s.label,
    labelPlural: s.labelPlural,
    keyPrefix: s.keyPrefix,
    custom: false,
    createable: s.createable,
    updateable: s.updateable,
    deletable: s.deletable,
    queryable: true,
    retrieveable: true,
    searchable: true,
    layoutable: true,
    urls: urls(org, s.name),
  };
}

export function describeObject(org: Org, schema: ObjectSchema) {
  return {
    ...objectSummary(org, schema),
    fields: schema.fields.map(describeField),
    childRelationships: [],
    recordTypeInfos: [],
  };
}

export function describeGlobal(org: Org) {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: org.schemas.all(org.store.settings).map((s) => objectSummary(org, s)),
  };
}

export function objectInfo(org: Org, schema: ObjectSchema, recent: unknown[]) {
  return { objectDescribe: objectSummary(org, schema), recentItems: recent };
}

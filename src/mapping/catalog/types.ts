// The field catalog: what the semantic checks and the planner know of Salesforce objects.

export type SalesforceFieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'combobox'
  | 'reference'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'base64';

export interface CatalogField {
  name: string;
  type: SalesforceFieldType;
  /** Maximum characters for text-like fields. */
  length?: number;
  /** Required on create: createable, not nillable and not defaulted on create. */
  required: boolean;
  createable: boolean;
  updateable: boolean;
  custom: boolean;
  /** Known picklist values; only enforced when `restrictedPicklist`. */
  picklistValues?: readonly string[];
  restrictedPicklist?: boolean;
}

export interface ObjectCatalog {
  name: string;
  fields: Readonly<Record<string, CatalogField>>;
}

export interface FieldCatalog {
  /** 'standard' for the built-in catalog, 'describe' when built from an org's describe results. */
  source: 'standard' | 'describe';
  /** The org has Person Accounts: Lead.Company may be empty. */
  personAccounts: boolean;
  objects: Readonly<Record<string, ObjectCatalog>>;
}

/** Text-like types whose `length` limits a value. */
export const LENGTH_LIMITED: ReadonlySet<SalesforceFieldType> = new Set([
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'combobox',
]);

/** Fields the planner sets itself; a mapping must not map them. */
export const RESERVED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Lead: ['OwnerId'],
  Contact: ['OwnerId', 'AccountId'],
  Account: ['OwnerId'],
  Case: ['OwnerId', 'ContactId', 'AccountId'],
  Task: ['OwnerId', 'WhoId', 'WhatId'],
};

// The shape of an object's metadata, and small builders so each object file reads like its describe.

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'boolean'
  | 'double'
  | 'int'
  | 'date'
  | 'datetime'
  | 'picklist'
  | 'combobox'
  | 'reference'
  | 'base64';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  picklistValues?: string[];
  defaultValue?: string;
  restrictedPicklist?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  custom?: boolean;
  externalId?: boolean;
  unique?: boolean;
  /**
   * Settable on create only, although describe reports it updateable (Case.Supplied*: "can't be updated after
   * the case has been created", Case field reference). An update naming it is refused.
   */
  createOnly?: boolean;
  /** Long text areas can be neither filtered nor sorted in SOQL. */
  filterable?: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  hasOwner: boolean;
  fields: FieldDef[];
}

type Opts = Partial<FieldDef>;

const base = (name: string, label: string, type: FieldType, length: number, opts: Opts): FieldDef => ({
  name,
  label,
  type,
  length,
  nillable: true,
  createable: true,
  updateable: true,
  defaultedOnCreate: false,
  ...opts,
});

export const text = (name: string, label: string, length: number, opts: Opts = {}) =>
  base(name, label, 'string', length, opts);
export const required = (name: string, label: string, length: number, opts: Opts = {}) =>
  base(name, label, 'string', length, { nillable: false, ...opts });
export const textarea = (name: string, label: string, length = 32000, opts: Opts = {}) =>
  base(name, label, 'textarea', length, { filterable: length <= 255, ...opts });
export const email = (name: string, label: string, length = 80, opts: Opts = {}) =>
  base(name, label, 'email', length, opts);
export const phone = (name: string, label: string, opts: Opts = {}) => base(name, label, 'phone', 40, opts);
export const url = (name: string, label: string, opts: Opts = {}) => base(name, label, 'url', 255, opts);
export const date = (name: string, label: string, opts: Opts = {}) => base(name, label, 'date', 0, opts);
export const datetime = (name: string, label: string, opts: Opts = {}) =>
  base(name, label, 'datetime', 0, opts);
export const number = (name: string, label: string, opts: Opts = {}) => base(name, label, 'double', 0, opts);
export const integer = (name: string, label: string, opts: Opts = {}) => base(name, label, 'int', 0, opts);
export const checkbox = (name: string, label: string, opts: Opts = {}) =>
  base(name, label, 'boolean', 0, { nillable: false, defaultedOnCreate: true, ...opts });
export const readOnly: Opts = { createable: false, updateable: false };

/** A picklist; with a default value it is defaultedOnCreate (and so not required). */
export const picklist = (
  name: string,
  label: string,
  values: string[],
  defaultValue?: string,
  opts: Opts = {},
) =>
  base(name, label, 'picklist', 40, {
    picklistValues: values,
    defaultValue,
    defaultedOnCreate: defaultValue !== undefined,
    nillable: defaultValue === undefined,
    ...opts,
  });

export const reference = (
  name: string,
  label: string,
  to: string[],
  relationshipName: string,
  opts: Opts = {},
) => base(name, label, 'reference', 18, { referenceTo: to, relationshipName, ...opts });

/** Fields every record has; the owner only on owned objects. */
export function systemFields(hasOwner: boolean): FieldDef[] {
  const audit = { ...readOnly, defaultedOnCreate: true, nillable: false };
  return [
    base('Id', 'Record ID', 'id', 18, { ...audit }),
    checkbox('IsDeleted', 'Deleted', readOnly),
    datetime('CreatedDate', 'Created Date', audit),
    reference('CreatedById', 'Created By ID', ['User'], 'CreatedBy', audit),
    datetime('LastModifiedDate', 'Last Modified Date', audit),
    reference('LastModifiedById', 'Last Modified By ID', ['User'], 'LastModifiedBy', audit),
    datetime('SystemModstamp', 'System Modstamp', audit),
    ...(hasOwner
      ? [reference('OwnerId', 'Owner ID', ['User'], 'Owner', { nillable: false, defaultedOnCreate: true })]
      : []),
  ];
}

// Field rules: names, writability, types, lengths, formats and required fields, with Salesforce's codes.
import { jsonParserError, SfError } from './errors.ts';
import { normalizeId, prefixOf } from './ids.ts';
import type { FieldDef } from './objects/field-def.ts';
import type { ObjectSchema } from './schema.ts';
import { typeForPrefix } from './schema.ts';
import { type SObject, sfDatetime } from './store.ts';

const TEXT_TYPES = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'combobox']);
export const isText = (f: FieldDef) => TEXT_TYPES.has(f.type) || f.type === 'id' || f.type === 'reference';

// Local part: RFC 5322 atext plus dots, but not starting with one; domain: dotted labels, letter TLD.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-][A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}$/;

/** Messages quote the value; a very long one is shortened so errors stay readable. */
const quote = (v: string) => (v.length > 255 ? `${v.slice(0, 255)}...` : v);

const cannotDeserialize = (type: string, value: unknown) =>
  jsonParserError(
    `Cannot deserialize instance of ${type} from ${typeof value === 'string' ? 'VALUE_STRING' : 'VALUE'} value ${
      typeof value === 'string' ? value : JSON.stringify(value)
    } or request may be missing a required field`,
  );

function toText(field: FieldDef, value: unknown): string | null {
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string') {
    throw jsonParserError(
      `Cannot deserialize instance of string from ${Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT'} value ${
        Array.isArray(value) ? '[' : '{'
      } or request may be missing a required field`,
    );
  }
  // Salesforce stores an empty string as null.
  if (value === '') return null;
  if (field.length > 0 && value.length > field.length) {
    throw new SfError(
      400,
      'STRING_TOO_LONG',
      `${field.label}: data value too large: ${quote(value)} (max length=${field.length})`,
      [field.name],
    );
  }
  if (field.type === 'email') {
    if (!EMAIL.test(value)) {
      throw new SfError(400, 'INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${value}`, [
        field.name,
      ]);
    }
    return value.toLowerCase();
  }
  if (field.type === 'picklist' && field.restrictedPicklist && !field.picklistValues?.includes(value)) {
    throw new SfError(
      400,
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      `${field.label}: bad value for restricted picklist field: ${value}`,
      [field.name],
    );
  }
  return value;
}

function toReference(field: FieldDef, value: unknown): string | null {
  if (value === '') return null;
  const id = normalizeId(value);
  const incorrect = `${field.label}: id value of incorrect type: ${String(value)}`;
  if (!id) throw new SfError(400, 'MALFORMED_ID', incorrect, [field.name]);
  const type = typeForPrefix(prefixOf(id));
  if (!type || !field.referenceTo?.includes(type)) {
    throw new SfError(400, 'FIELD_INTEGRITY_EXCEPTION', incorrect, [field.name]);
  }
  return id;
}

/** The stored form of one value, or a Salesforce error. */
export function coerceValue(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return field.type === 'boolean' ? false : null;
  switch (field.type) {
    case 'string':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'url':
    case 'picklist':
    case 'combobox':
      return toText(field, value);
    case 'id':
    case 'reference':
      return toReference(field, value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw cannotDeserialize('boolean', value);
    case 'double':
    case 'int': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n) || (field.type === 'int' && !Number.isInteger(n))) {
        throw cannotDeserialize(field.type === 'int' ? 'int' : 'double', value);
      }
      return n;
    }
    case 'date':
      if (typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value))) return value;
      throw cannotDeserialize('date', value);
    case 'datetime':
      if (typeof value === 'string' && DATETIME.test(value) && !Number.isNaN(Date.parse(value))) {
        return sfDatetime(new Date(value));
      }
      throw cannotDeserialize('datetime', value);
    case 'base64':
      if (typeof value === 'string' && BASE64.test(value)) return value.replace(/\s/g, '');
      throw cannotDeserialize('base64', value);
  }
}

/**
 * Checks names and writability of an incoming record, then converts each value.
 * Keys come back as the fields' API names, whatever the case they were sent in.
 */
export function coerceFields(schema: ObjectSchema, input: SObject, mode: 'create' | 'update'): SObject {
  const out: SObject = {};
  const readOnly: string[] = [];
  for (const key of Object.keys(input)) {
    if (key === 'attributes') continue;
    const field = schema.field(key);
    if (!field) {
      throw new SfError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${schema.name}`, [
        key,
      ]);
    }
    if (mode === 'create' ? !field.createable : !field.updateable || field.createOnly)
      readOnly.push(field.name);
  }
  if (readOnly.length > 0) {
    throw new SfError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    );
  }
  for (const [key, value] of Object.entries(input)) {
    if (key === 'attributes') continue;
    const field = schema.field(key)!;
    out[field.name] = coerceValue(field, value);
  }
  return out;
}

/** Required = createable, not nillable and not defaulted on create; on update, any non-nillable field set to null. */
export function checkRequired(schema: ObjectSchema, record: SObject, changed: SObject | undefined): void {
  const missing = schema.fields
    .filter((f) =>
      changed
        ? f.name in changed && !f.nillable && f.type !== 'boolean'
        : f.createable && !f.nillable && !f.defaultedOnCreate,
    )
    .filter((f) => record[f.name] === null || record[f.name] === undefined)
    .map((f) => f.name);
  if (missing.length > 0) {
    throw new SfError(
      400,
      'REQUIRED_FIELD_MISSING',
      `Required fields are missing: [${missing.join(', ')}]`,
      missing,
    );
  }
}

// Create, update, delete and upsert of one record, with every rule a real org applies on save.

import { deleteDocument, publishVersion } from './content-files.ts';
import { checkDuplicates } from './duplicates.ts';
import { entityIsDeleted, notFound, SfError } from './errors.ts';
import { normalizeId, prefixOf } from './ids.ts';
import type { FieldDef } from './objects/field-def.ts';
import { type Org, schemaOf, type WriteContext } from './org.ts';
import { applyRecordRules } from './record-rules.ts';
import type { ObjectSchema } from './schema.ts';
import { type SObject, sfDatetime } from './store.ts';
import { checkRequired, coerceFields } from './validate.ts';

const unsupported = (type: string, op: string) =>
  new SfError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type ${type} does not support ${op}`);

/** The live record of `type` with this id, or Salesforce's NOT_FOUND / ENTITY_IS_DELETED / MALFORMED_ID. */
export function existing(org: Org, schema: ObjectSchema, rawId: string): SObject {
  const id = normalizeId(rawId);
  if (!id) throw new SfError(400, 'MALFORMED_ID', `${schema.label} ID: id value of incorrect type: ${rawId}`);
  const record = prefixOf(id) === schema.keyPrefix ? org.store.get(schema.name, id) : undefined;
  if (!record) throw notFound();
  if (record.IsDeleted) throw entityIsDeleted();
  return record;
}

function checkReferences(org: Org, schema: ObjectSchema, record: SObject, changed: SObject): void {
  for (const field of schema.fields) {
    if (field.type !== 'reference' || typeof changed[field.name] !== 'string') continue;
    const target = org.store.find(changed[field.name] as string);
    if (!target) {
      throw new SfError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field.name]);
    }
    if (target.record.IsDeleted)
      throw new SfError(400, 'ENTITY_IS_DELETED', 'entity is deleted', [field.name]);
    // A converted Lead can no longer be referenced: a Task on it is refused (captured: converted-lead.json).
    if (target.type === 'Lead' && target.record.IsConverted === true) {
      throw new SfError(400, 'CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead');
    }
    if (field.name === 'OwnerId' && target.type === 'User' && target.record.IsActive === false) {
      throw new SfError(
        400,
        'INACTIVE_OWNER_OR_USER',
        `operation performed with inactive user [${target.record.Id}] as owner of ${schema.name.toLowerCase()}`,
      );
    }
  }
  void record;
}

function checkUnique(org: Org, schema: ObjectSchema, record: SObject): void {
  const unique = schema.fields.filter((f: FieldDef) => f.unique && record[f.name] != null);
  for (const field of unique) {
    const value = String(record[field.name]).toLowerCase();
    const clash = org.store
      .all(schema.name)
      .find((r) => !r.IsDeleted && r.Id !== record.Id && String(r[field.name] ?? '').toLowerCase() === value);
    if (clash) {
      throw new SfError(
        400,
        'DUPLICATE_VALUE',
        `duplicate value found: ${field.name} duplicates value on record with id: ${clash.Id}`,
        [field.name],
      );
    }
  }
}

/** Assignment rules (Lead, Case) replace the owner unless the request opted out. */
function assign(org: Org, ctx: WriteContext, type: string, record: SObject): void {
  const owner = org.store.settings.assignmentRules?.[type as 'Lead' | 'Case'];
  if (owner && ctx.autoAssign) record.OwnerId = owner;
}

function save(
  org: Org,
  ctx: WriteContext,
  schema: ObjectSchema,
  record: SObject,
  changed: SObject,
  isNew: boolean,
) {
  applyRecordRules(org, schema.name, record, isNew);
  checkRequired(schema, record, isNew ? undefined : changed);
  checkReferences(org, schema, record, changed);
  assign(org, ctx, schema.name, record);
  checkUnique(org, schema, record);
  checkDuplicates(org, ctx, schema.name, record);
  org.faults.checkLock(isNew ? undefined : String(record.Id));
  org.store.put(schema.name, record);
}

export function createRecord(org: Org, ctx: WriteContext, type: string, input: SObject): string {
  const schema = schemaOf(org, type);
  if (!schema.createable) throw unsupported(schema.name, 'insert');
  if ('Id' in input || 'id' in input) {
    throw new SfError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']);
  }
  const values = coerceFields(schema, input, 'create');
  const now = sfDatetime();
  const record: SObject = {};
  for (const f of schema.fields) {
    record[f.name] = f.type === 'boolean' ? false : (f.defaultValue ?? null);
  }
  Object.assign(record, values, {
    Id: org.store.ids.next(schema.keyPrefix),
    IsDeleted: false,
    CreatedDate: now,
    CreatedById: ctx.userId,
    LastModifiedDate: now,
    LastModifiedById: ctx.userId,
    SystemModstamp: now,
  });
  if (schema.hasOwner && !values.OwnerId) record.OwnerId = ctx.userId;
  save(org, ctx, schema, record, { ...values, OwnerId: record.OwnerId }, true);
  if (schema.name === 'ContentVersion') publishVersion(org, ctx.userId, record);
  return String(record.Id);
}

export function updateRecord(org: Org, ctx: WriteContext, type: string, rawId: string, input: SObject): void {
  const schema = schemaOf(org, type);
  const current = existing(org, schema, rawId);
  const { Id, id, ...rest } = input;
  const sentId = Id ?? id;
  if (sentId !== undefined && normalizeId(sentId) !== current.Id) {
    throw new SfError(400, 'INVALID_ID_FIELD', 'The Id field should not be specified in the sobject data.');
  }
  if (!schema.updateable) throw unsupported(schema.name, 'update');
  if (schema.name === 'Lead' && current.IsConverted === true) {
    throw new SfError(400, 'CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead');
  }
  const values = coerceFields(schema, rest, 'update');
  const now = sfDatetime();
  const record = {
    ...current,
    ...values,
    LastModifiedDate: now,
    LastModifiedById: ctx.userId,
    SystemModstamp: now,
  };
  save(org, ctx, schema, record, values, false);
}

/** A Contact with Cases cannot be deleted (the Case's contact lookup restricts delete). */
function refuseIfCases(org: Org, contact: SObject): void {
  const cases = org.store.all('Case').filter((c) => !c.IsDeleted && c.ContactId === contact.Id);
  if (cases.length === 0) return;
  const name = [contact.FirstName, contact.LastName].filter(Boolean).join(' ');
  throw new SfError(
    400,
    'DELETE_FAILED',
    `Your attempt to delete ${name} could not be completed because it is associated with the following cases.: ${cases
      .map((c) => c.CaseNumber)
      .join(', ')}\n`,
  );
}

export function deleteRecord(org: Org, type: string, rawId: string): void {
  const schema = schemaOf(org, type);
  const current = existing(org, schema, rawId);
  if (!schema.deletable) throw unsupported(schema.name, 'delete');
  if (schema.name === 'Contact') refuseIfCases(org, current);
  org.faults.checkLock(String(current.Id));
  org.store.put(schema.name, { ...current, IsDeleted: true, SystemModstamp: sfDatetime() });
  if (schema.name === 'ContentDocument') deleteDocument(org, String(current.Id));
}

export type UpsertOutcome =
  | { kind: 'saved'; id: string; created: boolean }
  | { kind: 'multiple'; ids: string[] };

/** Upsert by an external id field (or Id): one match updates, none creates, several answer 300. */
export function upsertRecord(
  org: Org,
  ctx: WriteContext,
  type: string,
  fieldName: string,
  value: string,
  input: SObject,
  updateOnly = false,
): UpsertOutcome {
  const schema = schemaOf(org, type);
  const field = schema.field(fieldName);
  if (!field || (!field.externalId && field.name !== 'Id')) {
    throw new SfError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    );
  }
  const { [field.name]: _ignored, ...body } = input;
  if (field.name === 'Id') {
    if (value) {
      updateRecord(org, ctx, schema.name, value, body);
      return { kind: 'saved', id: String(existing(org, schema, value).Id), created: false };
    }
    return { kind: 'saved', id: createRecord(org, ctx, schema.name, body), created: true };
  }
  const wanted = value.toLowerCase();
  const matches = org.store
    .all(schema.name)
    .filter((r) => !r.IsDeleted && r[field.name] != null && String(r[field.name]).toLowerCase() === wanted);
  if (matches.length > 1) return { kind: 'multiple', ids: matches.map((m) => String(m.Id)) };
  const match = matches[0];
  if (match) {
    updateRecord(org, ctx, schema.name, String(match.Id), body);
    return { kind: 'saved', id: String(match.Id), created: false };
  }
  if (updateOnly) throw notFound();
  return {
    kind: 'saved',
    id: createRecord(org, ctx, schema.name, { ...body, [field.name]: value }),
    created: true,
  };
}

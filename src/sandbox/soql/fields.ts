// Field paths in SOQL: `Email`, `Owner.Email`, `Account.Owner.Name`, resolved against the org's metadata.
import type { FieldDef } from '../objects/field-def.ts';
import type { Org } from '../org.ts';
import { isNameObjectField, type ObjectSchema } from '../schema.ts';
import type { SObject } from '../store.ts';
import type { FieldRef } from './ast.ts';
import { queryError } from './lexer.ts';

export interface Hop {
  /** The reference field followed, e.g. OwnerId for `Owner`. */
  field: FieldDef;
  /** Polymorphic hops (Lead.Owner, Task.Who) resolve through the Name object. */
  polymorphic: boolean;
}

export interface ResolvedPath {
  hops: Hop[];
  field: FieldDef;
  /** Canonical names, e.g. ['Owner', 'Email']. */
  names: string[];
}

const NAME_FIELD_TYPES: Record<string, FieldDef['type']> = { Id: 'id', IsActive: 'boolean' };

function nameField(name: string): FieldDef {
  return {
    name,
    label: name,
    type: NAME_FIELD_TYPES[name] ?? 'string',
    length: 255,
    nillable: true,
    createable: false,
    updateable: false,
    defaultedOnCreate: false,
  };
}

export function resolvePath(org: Org, soql: string, schema: ObjectSchema, ref: FieldRef): ResolvedPath {
  const parts = ref.path.split('.');
  const hops: Hop[] = [];
  const names: string[] = [];
  let current: ObjectSchema | undefined = schema;
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    if (!current) {
      // Past a polymorphic hop only Name fields are reachable.
      const name = last ? isNameObjectField(part) : undefined;
      if (!name) throw noSuchColumn(soql, ref, part, 'Name');
      names.push(name);
      return { hops, field: nameField(name), names };
    }
    if (last) {
      const field = current.field(part);
      if (!field) throw noSuchColumn(soql, ref, part, current.name);
      names.push(field.name);
      return { hops, field, names };
    }
    const lower = part.toLowerCase();
    const refField: FieldDef | undefined = current.fields.find(
      (f) => f.relationshipName?.toLowerCase() === lower,
    );
    if (!refField) {
      throw queryError(
        'INVALID_FIELD',
        soql,
        ref.pos,
        `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    const polymorphic: boolean = (refField.referenceTo?.length ?? 0) > 1;
    hops.push({ field: refField, polymorphic });
    names.push(refField.relationshipName!);
    current = polymorphic ? undefined : org.schemas.get(org.store.settings, refField.referenceTo![0]!);
  }
  throw noSuchColumn(soql, ref, ref.path, schema.name);
}

function noSuchColumn(soql: string, ref: FieldRef, name: string, entity: string) {
  return queryError(
    'INVALID_FIELD',
    soql,
    ref.pos,
    `No such column '${name}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

/** The record a chain of hops reaches, or null where a reference is empty. */
export function follow(org: Org, record: SObject, hops: Hop[]): { type: string; record: SObject } | null {
  let current: { type: string; record: SObject } | null = { type: '', record };
  for (const hop of hops) {
    const id: unknown = current?.record[hop.field.name];
    current = typeof id === 'string' ? (org.store.find(id) ?? null) : null;
    if (!current) return null;
  }
  return current;
}

export function valueAt(org: Org, record: SObject, path: ResolvedPath): unknown {
  const target = follow(org, record, path.hops);
  if (!target) return null;
  const last = path.hops.at(-1);
  if (last?.polymorphic && path.field.name === 'Type') return target.type === 'Group' ? 'Queue' : target.type;
  return target.record[path.field.name] ?? null;
}

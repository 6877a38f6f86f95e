// The org's effective metadata: standard objects adjusted by settings (custom, removed, read-only fields...).

import type { FieldDef, ObjectDef } from './objects/field-def.ts';
import { NAME_OBJECT_FIELDS, STANDARD_OBJECTS } from './objects/index.ts';
import type { CustomFieldSpec, Settings } from './settings.ts';

export interface ObjectSchema extends ObjectDef {
  field(name: string): FieldDef | undefined;
}

function customField(spec: CustomFieldSpec): FieldDef {
  const lengths: Record<string, number> = {
    string: 255,
    textarea: 32768,
    email: 80,
    phone: 40,
    picklist: 255,
  };
  const isBoolean = spec.type === 'boolean';
  return {
    name: spec.name,
    label: spec.name.replace(/__c$/, '').replace(/_/g, ' '),
    type: spec.type,
    length: spec.length ?? lengths[spec.type] ?? 0,
    nillable: !isBoolean,
    createable: true,
    updateable: true,
    defaultedOnCreate: isBoolean,
    picklistValues: spec.picklistValues,
    // Setup ticks "Restrict picklist to the values defined in the value set" for a new custom picklist.
    restrictedPicklist: spec.type === 'picklist' && spec.restricted !== false,
    custom: true,
    externalId: spec.externalId ?? false,
    unique: spec.unique ?? false,
    filterable: spec.type !== 'textarea' || (spec.length ?? 32768) <= 255,
  };
}

function adjust(def: ObjectDef, settings: Settings): ObjectSchema {
  const key = (f: FieldDef) => `${def.name}.${f.name}`;
  const fields = [
    ...def.fields,
    ...settings.customFields.filter((c) => c.object === def.name).map(customField),
  ]
    .filter((f) => !settings.removedFields.includes(key(f)))
    .map((f) => {
      let out = f;
      if (settings.restrictedPicklists.includes(key(f))) out = { ...out, restrictedPicklist: true };
      if (settings.readOnlyFields.includes(key(f))) out = { ...out, createable: false, updateable: false };
      // With Person Accounts a Lead may have no Company: it converts into a person account.
      if (settings.personAccounts && key(f) === 'Lead.Company') out = { ...out, nillable: true };
      return out;
    });
  const byLower = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  return { ...def, fields, field: (name) => byLower.get(name.toLowerCase()) };
}

/** Metadata for the current settings, rebuilt only when the settings object is replaced. */
export class SchemaCache {
  private cache = new Map<string, ObjectSchema>();
  private lastSettings: Settings | undefined;

  /** Settings are replaced, never mutated, so identity tells when to rebuild. */
  get(settings: Settings, type: string): ObjectSchema | undefined {
    if (settings !== this.lastSettings) {
      this.cache = new Map(STANDARD_OBJECTS.map((d) => [d.name.toLowerCase(), adjust(d, settings)]));
      this.lastSettings = settings;
    }
    return this.cache.get(type.toLowerCase());
  }

  all(settings: Settings): ObjectSchema[] {
    return STANDARD_OBJECTS.map((d) => this.get(settings, d.name)!);
  }
}

export function typeForPrefix(prefix: string): string | undefined {
  return STANDARD_OBJECTS.find((d) => d.keyPrefix === prefix)?.name;
}

export function isNameObjectField(name: string): string | undefined {
  return NAME_OBJECT_FIELDS.find((f) => f.toLowerCase() === name.toLowerCase());
}

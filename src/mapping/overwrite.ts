// The overwrite policy for a matched Lead/Contact/Account: which mapped fields an update may change.
import type { CompiledMapping, IdentifiedObject, Policy } from './compile.ts';
import type { Evaluated } from './field-values.ts';
import { isBlank } from './field-values.ts';
import type { DmlPlan, FieldValue } from './plan.ts';

export function updateFields(
  mapping: CompiledMapping,
  object: IdentifiedObject,
  values: Map<string, Evaluated>,
  record: Record<string, unknown> | undefined,
  skipped: DmlPlan['skipped'],
): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  const overrides = mapping.overwrite.fields[object] ?? {};
  const meta = new Map(mapping.objects[object].map((f) => [f.field, f.meta]));
  for (const [field, e] of values) {
    const policy: Policy = overrides[field] ?? mapping.overwrite.default;
    const skip = (reason: string) => skipped.push({ object, field, reason });
    if (policy === 'never') {
      skip('overwrite policy is never');
      continue;
    }
    if (e.kind === 'skip') {
      skip(e.reason);
      continue;
    }
    if (e.kind === 'value' && e.fromDefault) {
      skip('only a default value: never replaces Salesforce data');
      continue;
    }
    if (!meta.get(field)?.updateable) {
      skip('not updateable in Salesforce');
      continue;
    }
    const current = record?.[field];
    if (policy === 'fillBlanks') {
      if (!record) skip('the record was not read, so blanks are unknown');
      else if (!isBlank(current)) skip('Salesforce already has a value (fillBlanks)');
      else fields[field] = e.value;
      continue;
    }
    if (record && same(current, e.value, meta.get(field)?.type)) skip('unchanged');
    else fields[field] = e.value;
  }
  return fields;
}

function same(current: unknown, next: FieldValue, type: string | undefined): boolean {
  if (current === null || current === undefined) return next === null;
  const a = String(current).trim();
  const b = String(next).trim();
  return type === 'email' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

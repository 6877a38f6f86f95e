// Semantic checks of the field maps: fields exist, sources and templates are valid, values fit, required
// fields are filled.
import { LENGTH_LIMITED, RESERVED_FIELDS } from './catalog/types.ts';
import type { CheckContext } from './check-context.ts';
import type { PathSegment } from './diagnostics.ts';
import type { CloudCXSalesforceMapping, FieldSpec } from './generated/mapping.ts';
import { SOURCE_MAX_LENGTH, unknownSource } from './sources.ts';
import { parseTemplate, templateVariables } from './templates.ts';

type ObjectName = 'Lead' | 'Contact' | 'Account' | 'Case' | 'Task';

/** Objects CloudCX may create with this mapping. */
export function createdObjects(m: CloudCXSalesforceMapping): Set<ObjectName> {
  const out = new Set<ObjectName>();
  for (const s of [m.sections.webChat, m.sections.inbox]) {
    if (s?.record === 'sales') out.add('Lead').add('Task');
    if (s?.record === 'support') out.add('Contact').add('Case');
  }
  if (m.mode === 'manual')
    for (const o of ['Lead', 'Contact', 'Task', 'Case'] as const) if (m.objects[o]) out.add(o);
  if (m.objects.Account) out.add('Account');
  return out;
}

export function sourcesOf(spec: FieldSpec): string[] {
  if (spec.source === undefined) return [];
  return Array.isArray(spec.source) ? spec.source : [spec.source];
}

export function checkTemplate(
  cx: CheckContext,
  path: PathSegment[],
  text: string,
  locals: string[] = [],
): void {
  const parsed = parseTemplate(text);
  if (!parsed.ok) {
    const p = parsed.problem;
    cx.reportInTemplate(path, p.line, p.column, 'template-syntax', `template: ${p.message}`);
    return;
  }
  for (const segments of templateVariables(parsed.template)) {
    if (locals.includes(String(segments[0]))) continue;
    const why = unknownSource(segments);
    if (why) cx.report(path, 'unknown-source-field', `template reads ${why}`);
  }
}

export function checkFields(cx: CheckContext): void {
  for (const [object, fieldMap] of Object.entries(cx.mapping.objects)) {
    const catalogObject = cx.catalog.objects[object];
    if (!catalogObject) {
      cx.report(['objects', object], 'unknown-object', `${object} is not in the field catalog`, {
        atKey: true,
      });
      continue;
    }
    for (const [field, spec] of Object.entries(fieldMap ?? {})) {
      const path: PathSegment[] = ['objects', object, field];
      const meta = catalogObject.fields[field];
      if (!meta) {
        cx.report(path, 'unknown-salesforce-field', `"${field}" is not a field of ${object}`, {
          atKey: true,
        });
        continue;
      }
      if (RESERVED_FIELDS[object]?.includes(field)) {
        cx.report(
          path,
          'reserved-field',
          `${object}.${field} is set by CloudCX itself; remove it from the mapping`,
          {
            atKey: true,
          },
        );
        continue;
      }
      const kinds = (['source', 'template', 'value'] as const).filter((k) => spec[k] !== undefined);
      if (kinds.length !== 1) {
        const got = kinds.length ? `has ${kinds.join(' and ')}` : 'has none';
        cx.report(path, 'ambiguous-field-value', `give exactly one of source, template or value (${got})`, {
          atKey: true,
        });
      }
      const sources = sourcesOf(spec);
      sources.forEach((s, i) => {
        const why = unknownSource(s.split('.'));
        if (why)
          cx.report(
            Array.isArray(spec.source) ? [...path, 'source', i] : [...path, 'source'],
            'unknown-source-field',
            why,
          );
      });
      if (spec.template !== undefined) checkTemplate(cx, [...path, 'template'], spec.template);
      if (!meta.createable)
        cx.report(path, 'field-read-only', `${object}.${field} is read-only in Salesforce`, { atKey: true });
      else if (!meta.updateable && (object === 'Lead' || object === 'Contact' || object === 'Account'))
        cx.report(path, 'field-read-only', `${object}.${field} is not updateable: it is only set on create`, {
          atKey: true,
          severity: 'warning',
        });
      if (spec.onOverflow === 'attach' && object !== 'Task' && object !== 'Case')
        cx.report(
          [...path, 'onOverflow'],
          'contradictory-rule',
          'onOverflow: attach needs a Task or Case to attach the file to',
        );
      for (const k of ['value', 'default'] as const) {
        const v = spec[k];
        if (v === undefined) continue;
        if (meta.length !== undefined && LENGTH_LIMITED.has(meta.type) && String(v).length > meta.length)
          cx.report(
            [...path, k],
            'field-too-long',
            `${String(v).length} characters; ${object}.${field} holds ${meta.length}`,
          );
        if (meta.restrictedPicklist && meta.picklistValues && !meta.picklistValues.includes(String(v)))
          cx.report(
            [...path, k],
            'invalid-picklist-value',
            `"${String(v)}" is not a value of ${object}.${field} (${meta.picklistValues.join(', ')})`,
          );
      }
      if (
        meta.length !== undefined &&
        LENGTH_LIMITED.has(meta.type) &&
        !spec.onOverflow &&
        spec.value === undefined
      ) {
        const unbounded =
          spec.template !== undefined
            ? !templateFits(spec.template, meta.length) && 'the template'
            : sources.find((s) => !fits(s, meta.length!));
        if (unbounded)
          cx.report(
            path,
            'field-too-long',
            `${object}.${field} holds ${meta.length} characters but ${unbounded} has no such limit: add onOverflow (truncate, skip or attach)`,
            { atKey: true },
          );
      }
    }
  }
}

/** A template without output tags ({{ }}) is at most as long as its literal text. */
const templateFits = (text: string, length: number) =>
  !text.includes('{{') && text.replace(/\{%[\s\S]*?%\}/g, '').length <= length;

const fits = (source: string, length: number) =>
  (SOURCE_MAX_LENGTH[source] ?? Number.POSITIVE_INFINITY) <= length;

/** A value that cannot be blank: a constant, a default, or a template with literal text. */
function alwaysFilled(spec: FieldSpec | undefined): boolean {
  if (!spec) return false;
  if (spec.value !== undefined) return String(spec.value).trim() !== '';
  if (spec.default !== undefined && String(spec.default).trim() !== '') return true;
  if (spec.template !== undefined)
    return spec.template.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, '').trim() !== '';
  return false;
}

export function checkRequiredFields(cx: CheckContext): void {
  for (const object of createdObjects(cx.mapping)) {
    const fields = cx.catalog.objects[object]?.fields;
    if (!fields) continue;
    const fieldMap = cx.mapping.objects[object];
    for (const meta of Object.values(fields)) {
      if (!meta.required || !meta.createable || RESERVED_FIELDS[object]?.includes(meta.name)) continue;
      const spec = fieldMap?.[meta.name];
      if (alwaysFilled(spec)) continue;
      if (spec)
        cx.report(
          ['objects', object, meta.name],
          'required-field-unmapped',
          `${object}.${meta.name} is required but can be blank: add a default`,
          { atKey: true },
        );
      else if (fieldMap)
        cx.report(
          ['objects', object],
          'required-field-unmapped',
          `${object}.${meta.name} is required: map it with a default`,
          {
            atKey: true,
          },
        );
      else
        cx.report(
          ['objects'],
          'required-field-unmapped',
          `${object} is recorded but not mapped; ${object}.${meta.name} is required`,
          {
            atKey: true,
          },
        );
    }
  }
}

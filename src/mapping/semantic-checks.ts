// Stage 3, semantic checks: what the JSON Schema cannot say. Every check reports with a position and a path.

import type { FieldCatalog } from './catalog/types.ts';
import { CheckContext } from './check-context.ts';
import { checkFields, checkRequiredFields, checkTemplate } from './check-fields.ts';
import type { Diagnostic, PathSegment } from './diagnostics.ts';
import type { CloudCXSalesforceMapping } from './generated/mapping.ts';
import type { LoadedDocument } from './load.ts';
import { unknownSource } from './sources.ts';

export function semanticChecks(
  loaded: LoadedDocument,
  mapping: CloudCXSalesforceMapping,
  catalog: FieldCatalog,
): Diagnostic[] {
  const cx = new CheckContext(loaded, mapping, catalog);
  checkSections(cx);
  checkIdentification(cx);
  checkFields(cx);
  checkRequiredFields(cx);
  checkOverwrite(cx);
  checkDisplay(cx);
  checkAttachments(cx);
  return cx.diagnostics;
}

function checkSections(cx: CheckContext): void {
  for (const name of ['webChat', 'inbox'] as const) {
    const s = cx.mapping.sections[name];
    if (!s) continue;
    const recordOn = s.recordOn ?? [];
    const contentOn = s.contentOn ?? [];
    if (s.record === 'none' && recordOn.length + contentOn.length > 0)
      cx.report(
        ['sections', name, 'record'],
        'contradictory-rule',
        'record is "none" but recordOn/contentOn list events',
      );
    contentOn.forEach((kind, i) => {
      if ((recordOn as string[]).includes(kind))
        cx.report(
          ['sections', name, 'contentOn', i],
          'contradictory-rule',
          `"${kind}" is in both recordOn and contentOn`,
        );
    });
  }
}

function checkIdentification(cx: CheckContext): void {
  for (const [object, ident] of Object.entries(cx.mapping.identification ?? {})) {
    const base: PathSegment[] = ['identification', object];
    const fields = cx.catalog.objects[object]?.fields;
    if (!fields) {
      cx.report(base, 'unknown-object', `${object} is not in the field catalog`, { atKey: true });
      continue;
    }
    const names = new Map<string, number>();
    const shapes = new Map<string, string>();
    ident.rules.forEach((rule, r) => {
      const path = [...base, 'rules', r];
      const earlier = names.get(rule.name);
      if (earlier !== undefined)
        cx.report(
          [...path, 'name'],
          'contradictory-rule',
          `rule name "${rule.name}" is already used by rules[${earlier}]`,
        );
      else names.set(rule.name, r);
      const compared = new Set<string>();
      rule.all.forEach((c, i) => {
        const cpath = [...path, 'all', i];
        if (!fields[c.field])
          cx.report(
            [...cpath, 'field'],
            'unknown-salesforce-field',
            `"${c.field}" is not a field of ${object}`,
          );
        if (compared.has(c.field))
          cx.report(
            [...cpath, 'field'],
            'contradictory-rule',
            `${object}.${c.field} is compared twice in this rule`,
          );
        compared.add(c.field);
        const why = unknownSource(c.source.split('.'));
        if (why) cx.report([...cpath, 'source'], 'unknown-source-field', why);
        if (c.countryCode !== undefined && c.normalize !== 'e164')
          cx.report(
            [...cpath, 'countryCode'],
            'contradictory-rule',
            'countryCode only applies to normalize: e164',
          );
      });
      const shape = rule.all
        .map((c) => `${c.field}=${c.source}/${c.normalize ?? 'exact'}/${c.countryCode ?? ''}`)
        .sort()
        .join('&');
      const same = shapes.get(shape);
      if (same !== undefined && earlier === undefined)
        cx.report(
          [...path, 'name'],
          'contradictory-rule',
          `rule "${rule.name}" repeats rule "${same}" and never matches`,
        );
      else shapes.set(shape, rule.name);
    });
  }
}

function checkOverwrite(cx: CheckContext): void {
  for (const [object, overrides] of Object.entries(cx.mapping.overwrite?.fields ?? {})) {
    for (const field of Object.keys(overrides ?? {})) {
      const path = ['overwrite', 'fields', object, field];
      if (!cx.catalog.objects[object]?.fields[field])
        cx.report(path, 'unknown-salesforce-field', `"${field}" is not a field of ${object}`, {
          atKey: true,
        });
      else if (!cx.mapping.objects[object as 'Lead']?.[field])
        cx.report(
          path,
          'contradictory-rule',
          `${object}.${field} has an overwrite policy but is not mapped`,
          {
            atKey: true,
          },
        );
    }
  }
}

function checkDisplay(cx: CheckContext): void {
  for (const [section, set] of Object.entries(cx.mapping.display ?? {})) {
    for (const [object, fields] of Object.entries(set ?? {}) as Array<[string, string[] | undefined]>) {
      const known = cx.catalog.objects[object]?.fields;
      if (!cx.mapping.identification?.[object as 'Lead']?.rules.length)
        cx.report(
          ['display', section, object],
          'contradictory-rule',
          `display lists ${object} fields but identification has no ${object} rules to find one`,
          { atKey: true },
        );
      (fields ?? []).forEach((f, i) => {
        if (known && !known[f])
          cx.report(
            ['display', section, object, i],
            'unknown-salesforce-field',
            `"${f}" is not a field of ${object}`,
          );
      });
    }
  }
}

function checkAttachments(cx: CheckContext): void {
  const t = cx.mapping.attachments?.transcript;
  if (t?.marker !== undefined) checkTemplate(cx, ['attachments', 'transcript', 'marker'], t.marker, ['file']);
  if (t?.fileName !== undefined) checkTemplate(cx, ['attachments', 'transcript', 'fileName'], t.fileName);
}

// Picks the record an identification rule found, from the rows the executor read.
import type { CompiledMapping, CompiledRule, IdentifiedObject } from './compile.ts';
import { identifyKey, type LookupResults, ruleTerms } from './lookups.ts';
import { normalize } from './normalize.ts';
import type { Ambiguity } from './plan.ts';
import { readSource, type SourceContext } from './sources.ts';

export interface Identified {
  id: string;
  rule: string;
  record?: Record<string, unknown>;
}

export const KNOWN_RULE = 'known';

export function identify(
  mapping: CompiledMapping,
  object: IdentifiedObject,
  context: SourceContext,
  lookups: LookupResults,
  notes: string[],
  /** Receives the first rule that found several records under `onMultiple: none`, when no rule matched one. */
  ambiguous?: (ambiguity: Omit<Ambiguity, 'candidates'> & { rows: Array<Record<string, unknown>> }) => void,
): Identified | undefined {
  const knownId = {
    Account: lookups.known?.accountId,
    Contact: lookups.known?.contactId,
    Lead: lookups.known?.leadId,
  }[object];
  if (knownId) {
    const record = lookups.records?.[identifyKey(object, KNOWN_RULE)]?.find((r) => r?.Id === knownId);
    return { id: knownId, rule: KNOWN_RULE, ...(record ? { record } : {}) };
  }
  const ident = mapping.identification[object];
  if (!ident) return undefined;
  let several: { rule: string; rows: Array<Record<string, unknown>> } | undefined;
  for (const rule of ident.rules) {
    if (!ruleTerms(rule, context)) continue;
    const rows = (lookups.records?.[identifyKey(object, rule.name)] ?? []).filter(
      (r): r is Record<string, unknown> =>
        !!r && typeof r === 'object' && typeof r.Id === 'string' && matches(rule, r, context),
    );
    if (rows.length === 0) continue;
    if (rows.length > 1 && ident.onMultiple === 'none') {
      notes.push(
        `${object} rule ${rule.name} found ${rows.length} records; onMultiple is none, so it does not match`,
      );
      several ??= { rule: rule.name, rows };
      continue;
    }
    const [best] =
      ident.onMultiple === 'oldest'
        ? [...rows].sort((a, b) => time(a.CreatedDate) - time(b.CreatedDate))
        : [...rows].sort((a, b) => time(b.LastModifiedDate) - time(a.LastModifiedDate));
    if (rows.length > 1)
      notes.push(
        `${object} rule ${rule.name} found ${rows.length} records; took the ${ident.onMultiple === 'oldest' ? 'oldest' : 'most recently modified'}`,
      );
    return { id: best!.Id as string, rule: rule.name, record: best };
  }
  if (several) ambiguous?.({ object, ...several });
  return undefined;
}

/** Re-checks a row against the rule with the normalizers (SOQL = ignores case; phones were found by search). */
function matches(rule: CompiledRule, row: Record<string, unknown>, context: SourceContext): boolean {
  return rule.all.every((c) => {
    const want = readSource(context, c.source);
    const have = row[c.field];
    if (typeof want !== 'string' || typeof have !== 'string') return false;
    const a = normalize(want, c.normalize, c.countryCode);
    const b = normalize(have, c.normalize, c.countryCode);
    if (a === b) return true;
    // Phones: one may carry a country code the other lacks ("+1 555 123 4567" vs "555-123-4567").
    return (
      (c.normalize === 'phone' || c.normalize === 'e164') &&
      Math.min(a.length, b.length) >= 7 &&
      (a.endsWith(b.replace('+', '')) || b.endsWith(a.replace('+', '')))
    );
  });
}

function time(v: unknown): number {
  const t = typeof v === 'string' ? Date.parse(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

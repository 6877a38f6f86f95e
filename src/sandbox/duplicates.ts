// Duplicate rules: a write matching an existing record on every rule field fails DUPLICATES_DETECTED.
// REST answers carry the matched ids under `duplicateResut` (captured); a rule with `reportsMatches: false`
// answers without them, and Collections never carry them (errors.ts).
import { type DuplicateResult, SfError } from './errors.ts';
import type { Org, WriteContext } from './org.ts';
import type { SObject } from './store.ts';

const ALERT_MESSAGE = 'Use one of these records?';
const BLOCK_MESSAGE = "You're creating a duplicate record. We recommend you use an existing record instead.";

const same = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b;

export function checkDuplicates(org: Org, ctx: WriteContext, type: string, record: SObject): void {
  for (const rule of org.store.settings.duplicateRules) {
    if (rule.object.toLowerCase() !== type.toLowerCase()) continue;
    if (rule.action === 'alert' && ctx.allowSave) continue;
    // A rule never matches on empty values.
    if (rule.fields.some((f) => record[f] === null || record[f] === undefined)) continue;
    const matches = org.store
      .all(type)
      .filter((r) => !r.IsDeleted && r.Id !== record.Id && rule.fields.every((f) => same(r[f], record[f])));
    if (matches.length === 0) continue;
    const message = rule.action === 'block' ? BLOCK_MESSAGE : ALERT_MESSAGE;
    const ruleName = `Sandbox_${type}_Duplicate_Rule`;
    const result: DuplicateResult = {
      allowSave: rule.action === 'alert',
      duplicateRule: ruleName,
      duplicateRuleEntityType: type,
      errorMessage: message,
      matchResults: [
        {
          entityType: type,
          errors: [],
          matchEngine: 'ExactMatchEngine',
          matchRecords: matches.map((m) => ({
            additionalInformation: [],
            fieldDiffs: [],
            matchConfidence: 100,
            record: {
              attributes: { type, url: `/services/data/v${org.apiVersion}/sobjects/${type}/${m.Id}` },
              Id: m.Id,
            },
          })),
          rule: `Sandbox_${type}_Matching_Rule`,
          size: matches.length,
          success: true,
        },
      ],
    };
    throw new SfError(
      400,
      'DUPLICATES_DETECTED',
      message,
      [],
      rule.reportsMatches === false ? undefined : result,
    );
  }
}

// An agent's answer to an ambiguous match: which record the visitor is. Checked against the candidates the worker
// stored, carried out by the sync service (remembered for the visitor, the chat goes on), and audited.
import type { Prisma } from '../db/open.ts';
import type { SyncRecord } from '../generated/prisma/client.ts';
import type { SyncService } from './service.ts';
import { parseAmbiguity } from './stored-json.ts';

const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** A choice that does not answer what the record asks; `field` names the argument at fault. */
export class MatchChoiceError extends Error {
  override name = 'MatchChoiceError';
  constructor(
    message: string,
    readonly field: 'syncRecordId' | 'object' | 'salesforceId',
  ) {
    super(message);
  }
}

export async function chooseMatch(
  deps: { prisma: Prisma; sync: Pick<SyncService, 'resolveMatch'> },
  input: { record: SyncRecord; object: string; salesforceId: string; actor: string },
): Promise<void> {
  const { record, object } = input;
  if (record.status !== 'NEEDS_REVIEW')
    throw new MatchChoiceError(
      `The sync is ${record.status}; only one in NEEDS_REVIEW waits for a choice.`,
      'syncRecordId',
    );
  const salesforceId = input.salesforceId.trim();
  if (!SALESFORCE_ID.test(salesforceId))
    throw new MatchChoiceError('salesforceId must be a 15- or 18-character Salesforce id.', 'salesforceId');
  const ambiguity = parseAmbiguity(record.candidates);
  if (ambiguity?.candidates.length) {
    if (ambiguity.object !== object)
      throw new MatchChoiceError(`The candidates are ${ambiguity.object} records.`, 'object');
    // Agents paste 15- or 18-character ids; the candidate's own (18) is kept.
    const chosen = ambiguity.candidates.find((c) => c.id.slice(0, 15) === salesforceId.slice(0, 15));
    if (!chosen) throw new MatchChoiceError(`${salesforceId} is not one of the candidates.`, 'salesforceId');
    await deps.sync.resolveMatch(record, object, chosen.id);
  } else await deps.sync.resolveMatch(record, object, salesforceId);
  await deps.prisma.auditEvent.create({
    data: {
      tenantId: record.tenantId,
      actor: input.actor,
      action: 'sync.match.resolved',
      details: { syncRecordId: record.id, object, salesforceId },
    },
  });
}

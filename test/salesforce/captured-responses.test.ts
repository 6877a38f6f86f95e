// The product's reading of Salesforce answers, against bodies as real orgs send them (test/salesforce/captured/,
// each file citing where it was seen). The sandbox is held to the same files by test/sandbox/contract.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../../src/mapping/plan.ts';
import { collectionBatches, MAX_CHUNKS_PER_COLLECTION } from '../../src/salesforce/collections.ts';
import { classifyFailure } from '../../src/salesforce/failures.ts';
import { saveResultOutcome, subrequestOutcome } from '../../src/salesforce/step-outcome.ts';

const captured = (name: string) =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, 'captured', `${name}.json`), 'utf8')) as {
    status: number;
    // biome-ignore lint/suspicious/noExplicitAny: a captured body is read as it is, field by field
    body: any;
  };

describe('captured answers, as the product reads them', () => {
  it('takes the matched record from a REST duplicate refusal spelled duplicateResut', () => {
    const { status, body } = captured('rest-create-duplicate');
    expect(body[0]).toHaveProperty('duplicateResut');
    const outcome = subrequestOutcome('contact', { httpStatusCode: status, body });
    expect(outcome).toMatchObject({
      ok: false,
      code: 'DUPLICATES_DETECTED',
      kind: 'duplicate',
      duplicateIds: ['0031i000013x2TEAAY'],
    });
  });

  it('takes the matched record from a composite subrequest refused by a duplicate rule', () => {
    const { body } = captured('composite-subrequest-duplicate');
    const [result] = body.compositeResponse;
    expect(subrequestOutcome('contact', result)).toMatchObject({
      kind: 'duplicate',
      duplicateIds: ['0031i000013x2TEAAY'],
    });
  });

  it('reads the documented spelling duplicateResult too', () => {
    const { status, body } = captured('rest-create-duplicate');
    const { duplicateResut, ...rest } = body[0];
    const outcome = subrequestOutcome('contact', {
      httpStatusCode: status,
      body: [{ ...rest, duplicateResult: duplicateResut }],
    });
    expect(outcome).toMatchObject({ kind: 'duplicate', duplicateIds: ['0031i000013x2TEAAY'] });
  });

  it('sees a duplicate without ids in an sObject Collections answer (the chat then asks for review)', () => {
    const { body } = captured('collections-duplicate');
    expect(saveResultOutcome('lead', body[0])).toMatchObject({
      ok: false,
      code: 'DUPLICATES_DETECTED',
      kind: 'duplicate',
      duplicateIds: [],
    });
  });

  it('names the root cause of a rolled-back composite: STRING_TOO_LONG is the data, PROCESSING_HALTED is retryable', () => {
    const { body } = captured('composite-string-too-long');
    const [halted, tooLong] = body.compositeResponse.map(
      (r: { httpStatusCode: number; body: unknown }, i: number) => subrequestOutcome(`s${i}`, r),
    );
    expect(halted).toMatchObject({ code: 'PROCESSING_HALTED', kind: 'retryable' });
    expect(tooLong).toMatchObject({
      code: 'STRING_TOO_LONG',
      kind: 'invalid',
      fields: ['BST_SAP_Batch_Id__c'],
    });
  });

  it('treats a converted Lead as a stale reference (identify again, follow it to its Contact)', () => {
    const { status, body } = captured('converted-lead');
    expect(subrequestOutcome('task', { httpStatusCode: status, body })).toMatchObject({
      code: 'CANNOT_UPDATE_CONVERTED_LEAD',
      kind: 'stale-reference',
    });
  });

  it('retries an expired session and a refused request limit', () => {
    expect(classifyFailure(captured('invalid-session').body[0].errorCode)).toBe('retryable');
    expect(classifyFailure(captured('request-limit-exceeded').body[0].errorCode)).toBe('retryable');
  });

  it('sees the 10-chunk refusal as refusing every record of the request, and never sends one', () => {
    const { status, body } = captured('collections-too-many-chunks');
    expect(subrequestOutcome('lead', { httpStatusCode: status, body })).toMatchObject({
      code: 'INVALID_INPUT',
      kind: 'invalid',
    });
    // What would provoke it: 24 records alternating between two types are 24 chunks as they come.
    const steps = Array.from({ length: 450 }, (_, i) => ({
      tag: String(i),
      step: {
        op: 'create',
        ref: 'r',
        object: [
          'Lead',
          'Contact',
          'Task',
          'Case',
          'Account',
          'Opportunity',
          'Event',
          'Note',
          'Campaign',
          'Asset',
          'Order',
          'Quote',
        ][i % 12]!,
        fields: {},
      } as PlanStep,
    }));
    const batches = collectionBatches(steps);
    expect(batches.flat()).toHaveLength(450);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(200);
      const types = batch.map((t) => (t.step as { object: string }).object);
      const chunks = types.filter((type, i) => i === 0 || types[i - 1] !== type).length;
      expect(chunks).toBeLessThanOrEqual(MAX_CHUNKS_PER_COLLECTION);
    }
  });
});

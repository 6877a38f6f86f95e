// /metrics in Prometheus format: recordChat rate and latency, sync records by status, time to SYNCED, Salesforce API
// calls by tenant and kind, API budget share, queue depth and oldest waiting chat; /readyz checks the job queue too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCallKind } from '../../src/metrics.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

let org: ConnectedTenant;
beforeAll(async () => {
  org = await startConnectedTenant({ slug: 'metrics-co' });
});
afterAll(() => org?.close());

/** The value of one sample, e.g. `cxsf_sync_records{status="SYNCED"}`. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : undefined;
}

describe('metrics', () => {
  it('counts a recorded chat, its Salesforce calls and its time to SYNCED', async () => {
    const record = await org.recordChat({
      chatId: 'metrics-chat-1',
      event: 'ENDED',
      channel: 'Website',
      visitor: { name: 'Ada Lovelace', email: 'ada@metrics.example' },
      messages: [{ at: new Date().toISOString(), from: 'VISITOR', text: 'Hello' }],
      waitSeconds: 20,
    });
    expect(record.status).toBe('SYNCED');

    const response = await fetch(`${org.service.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(sample(text, 'cxsf_record_chat_duration_seconds_count{result="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cxsf_sync_records{status="SYNCED"}')).toBe(1);
    expect(sample(text, 'cxsf_sync_event_to_synced_seconds_count')).toBe(1);
    expect(sample(text, 'cxsf_sync_queue_depth')).toBe(0);
    expect(sample(text, 'cxsf_oldest_waiting_chat_seconds')).toBe(0);
    const calls = text
      .split('\n')
      .filter((l) => l.startsWith(`cxsf_salesforce_api_calls_total{tenant="${org.tenantId}"`))
      .reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
    expect(calls).toBe((await org.sandbox.control.apiCalls()).total);
    expect(sample(text, `cxsf_salesforce_api_budget_share{tenant="${org.tenantId}"}`)).toBeGreaterThan(0);
  });

  it('names the kind of each Salesforce call', () => {
    expect(apiCallKind('http://x/services/data/v62.0/query?q=SELECT')).toBe('query');
    expect(apiCallKind('http://x/services/data/v62.0/composite')).toBe('composite');
    expect(apiCallKind('http://x/services/data/v62.0/composite/sobjects')).toBe('collections');
    expect(apiCallKind('http://x/services/data/v62.0/sobjects/Lead/00Q1')).toBe('sobject');
    expect(apiCallKind('http://x/services/oauth2/token')).toBe('oauth');
  });

  it('answers /readyz once the database and the job queue answer', async () => {
    expect((await fetch(`${org.service.url}/readyz`)).status).toBe(200);
  });
});

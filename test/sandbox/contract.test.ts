// Contract: the sandbox answers with the shapes of the bodies captured on real orgs (test/salesforce/captured/):
// same status, same keys at every depth, same spellings and codes. Values that name one org's data (ids, rule
// names, labels) may differ; codes and fixed messages may not.
import { readdirSync, readFileSync } from 'node:fs';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, sandbox } from './support.ts';

const DIR = new URL('../salesforce/captured/', import.meta.url);

interface Captured {
  provenance: 'captured' | 'documented';
  source: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const captured = (name: string) => JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as Captured;

/** Keys at every depth, arrays by their first element: what a client's parser depends on. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
    );
  }
  return value === null ? 'null' : typeof value;
}

/** Every errorCode / statusCode at any depth, in order. */
function codes(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(codes);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      (k === 'errorCode' || k === 'statusCode') && typeof v === 'string' ? [v] : codes(v),
    );
  }
  return [];
}

let sb: Sandbox;
let conn: Connection;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
});

async function call(method: string, path: string, body?: unknown, token = conn.accessToken) {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.json() };
}

/** Asserts the sandbox's answer matches the captured file in status, content type, shape and codes. */
function expectSameAnswer(file: string, answer: Awaited<ReturnType<typeof call>>) {
  const real = captured(file);
  expect(answer.status).toBe(real.status);
  expect(answer.contentType).toBe(real.headers['Content-Type']);
  expect(shape(answer.body)).toEqual(shape(real.body));
  expect(codes(answer.body)).toEqual(codes(real.body));
}

const duplicateContactRule = () =>
  sb.control.setSettings({ duplicateRules: [{ object: 'Contact', fields: ['Email'], action: 'block' }] });

describe('the sandbox answers as the captured bodies', () => {
  it('every captured file says where it was seen and how far to trust it', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const file of files) {
      const real = captured(file);
      expect(['captured', 'documented']).toContain(real.provenance);
      expect(real.source.length).toBeGreaterThan(40);
    }
  });

  it('rest-create-duplicate.json: duplicateResut with matchResults[].matchRecords[].record.Id', async () => {
    await duplicateContactRule();
    const { id } = (
      await call('POST', '/services/data/v50.0/sobjects/Contact', {
        LastName: 'Doe',
        Email: 'jane@acme.test',
      })
    ).body as { id: string };
    const answer = await call('POST', '/services/data/v50.0/sobjects/Contact', {
      LastName: 'Doe',
      Email: 'jane@acme.test',
    });
    expectSameAnswer('rest-create-duplicate.json', answer);
    expect(answer.body[0].duplicateResut.matchResults[0].matchRecords[0].record).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v50.0/sobjects/Contact/${id}` },
      Id: id,
    });
    const [real] = captured('rest-create-duplicate.json').body as Array<{ message: string }>;
    expect(answer.body[0].message).toBe(real!.message);
  });

  it('composite-subrequest-duplicate.json: the REST body inside the composite envelope', async () => {
    await duplicateContactRule();
    await call('POST', '/services/data/v50.0/sobjects/Contact', { LastName: 'Doe', Email: 'jane@acme.test' });
    const answer = await call('POST', '/services/data/v50.0/composite', {
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v50.0/sobjects/Contact',
          referenceId: 'contact',
          body: { LastName: 'Doe', Email: 'jane@acme.test' },
        },
      ],
    });
    expectSameAnswer('composite-subrequest-duplicate.json', answer);
  });

  it('collections-duplicate.json: statusCode, message and fields only', async () => {
    await duplicateContactRule();
    await call('POST', '/services/data/v62.0/sobjects/Contact', { LastName: 'Doe', Email: 'jane@acme.test' });
    const answer = await call('POST', '/services/data/v62.0/composite/sobjects', {
      records: [{ attributes: { type: 'Contact' }, LastName: 'Doe', Email: 'jane@acme.test' }],
    });
    expectSameAnswer('collections-duplicate.json', answer);
    expect(answer.body).toEqual(captured('collections-duplicate.json').body);
  });

  it('string-too-long.json: the field label leads the message', async () => {
    const answer = await call('POST', '/services/data/v62.0/sobjects/Lead', {
      LastName: 'x'.repeat(81),
      Company: 'Acme',
    });
    expectSameAnswer('string-too-long.json', answer);
    expect(answer.body[0].message).toMatch(/^Last Name: data value too large: x+ \(max length=80\)$/);
  });

  it('composite-string-too-long.json: PROCESSING_HALTED beside the failing subrequest', async () => {
    const answer = await call('POST', '/services/data/v62.0/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'item1',
          body: { Name: 'Acme' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Lead',
          referenceId: 'item2',
          body: { LastName: 'x'.repeat(81), Company: 'Acme' },
        },
      ],
    });
    expectSameAnswer('composite-string-too-long.json', answer);
  });

  it('converted-lead.json: the whole body', async () => {
    const { id } = (
      await call('POST', '/services/data/v62.0/sobjects/Lead', { LastName: 'Doe', Company: 'Acme' })
    ).body as { id: string };
    await sb.control.convertLead(id);
    const answer = await call('PATCH', `/services/data/v62.0/sobjects/Lead/${id}`, { Description: 'x' });
    expectSameAnswer('converted-lead.json', answer);
    expect(answer.body).toEqual(captured('converted-lead.json').body);
  });

  it('invalid-session.json: the whole body', async () => {
    await sb.control.advanceClock(121 * 60_000);
    const answer = await call('GET', '/services/data/v62.0/limits');
    expectSameAnswer('invalid-session.json', answer);
    expect(answer.body).toEqual(captured('invalid-session.json').body);
  });

  it('request-limit-exceeded.json: the whole body', async () => {
    await sb.control.setSettings({ dailyApiLimit: 1 });
    await call('GET', '/services/data/v62.0/limits');
    const answer = await call('GET', '/services/data/v62.0/limits');
    expectSameAnswer('request-limit-exceeded.json', answer);
    expect(answer.body).toEqual(captured('request-limit-exceeded.json').body);
  });

  it('collections-too-many-chunks.json: the whole body', async () => {
    const records = Array.from({ length: 11 }, (_, i) =>
      i % 2
        ? { attributes: { type: 'Contact' }, LastName: 'C' }
        : { attributes: { type: 'Lead' }, LastName: 'L', Company: 'A' },
    );
    const answer = await call('POST', '/services/data/v62.0/composite/sobjects', { records });
    expectSameAnswer('collections-too-many-chunks.json', answer);
    expect(answer.body).toEqual(captured('collections-too-many-chunks.json').body);
  });

  it('soql-invalid-field.json: the whole body', async () => {
    const answer = await call(
      'GET',
      `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Foo FROM Lead')}`,
    );
    expectSameAnswer('soql-invalid-field.json', answer);
    expect(answer.body).toEqual(captured('soql-invalid-field.json').body);
  });

  it('describe-case-supplied.json: the Supplied* fields as describe reports them', async () => {
    const answer = await call('GET', '/services/data/v62.0/sobjects/Case/describe');
    const real = captured('describe-case-supplied.json').body as { fields: Array<{ name: string }> };
    expect(answer.status).toBe(200);
    for (const field of real.fields) {
      expect(answer.body.fields.find((f: { name: string }) => f.name === field.name)).toMatchObject(field);
    }
  });
});

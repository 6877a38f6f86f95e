import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, rest, sandbox } from './support.ts';

let sb: Sandbox;
let conn: Connection;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
});

const url = (path: string) => `/services/data/v62.0${path}`;
// biome-ignore lint/suspicious/noExplicitAny: composite answers are checked field by field.
const composite = (body: unknown, headers: Record<string, string> = {}): Promise<any> =>
  conn.request({
    method: 'POST',
    url: '/composite',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('composite', () => {
  it('runs subrequests in order with @{ref.id} and @{ref.records[0].Id} references, as one API call', async () => {
    await sb.control.insert('Account', { Name: 'Acme' });
    await sb.control.resetApiCalls();
    const result = await composite({
      allOrNone: false,
      compositeRequest: [
        {
          method: 'GET',
          url: url(`/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'Acme'")}`),
          referenceId: 'acct',
        },
        {
          method: 'POST',
          url: url('/sobjects/Contact'),
          referenceId: 'c',
          body: { LastName: 'Doe', AccountId: '@{acct.records[0].Id}' },
        },
        {
          method: 'POST',
          url: url('/sobjects/Case'),
          referenceId: 'k',
          body: { ContactId: '@{c.id}', Subject: 'Chat' },
        },
        { method: 'GET', url: url('/sobjects/Case/@{k.id}?fields=AccountId,ContactId'), referenceId: 'read' },
      ],
    });
    const [query, contact, kase, read] = result.compositeResponse;
    expect(query.httpStatusCode).toBe(200);
    expect(contact).toMatchObject({ httpStatusCode: 201, referenceId: 'c', body: { success: true } });
    expect(contact.httpHeaders.Location).toBe(url(`/sobjects/Contact/${contact.body.id}`));
    expect(read.body).toMatchObject({ ContactId: contact.body.id, AccountId: query.body.records[0].Id });
    expect(kase.httpStatusCode).toBe(201);
    expect(await sb.control.apiCalls()).toEqual({ total: 1, byEndpoint: { 'POST /composite': 1 } });
  });

  it('rolls back every subrequest with allOrNone when one fails', async () => {
    const result = await composite({
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: url('/sobjects/Account'), referenceId: 'a', body: { Name: 'Acme' } },
        {
          method: 'POST',
          url: url('/sobjects/Contact'),
          referenceId: 'c',
          body: { LastName: 'Doe', AccountId: '@{a.id}' },
        },
        { method: 'POST', url: url('/sobjects/Lead'), referenceId: 'bad', body: { LastName: 'NoCompany' } },
        { method: 'POST', url: url('/sobjects/Task'), referenceId: 't', body: { Subject: 'never' } },
      ],
    });
    const codes = result.compositeResponse.map(
      (r: { httpStatusCode: number; body: Array<{ errorCode: string }> }) => [
        r.httpStatusCode,
        r.body[0]!.errorCode,
      ],
    );
    expect(codes).toEqual([
      [400, 'PROCESSING_HALTED'],
      [400, 'PROCESSING_HALTED'],
      [400, 'REQUIRED_FIELD_MISSING'],
      [400, 'PROCESSING_HALTED'],
    ]);
    expect(result.compositeResponse[0].body[0].message).toBe(
      'The transaction was rolled back since another operation in the same transaction failed.',
    );
    expect(await sb.control.records('Account')).toEqual([]);
    expect(await sb.control.records('Contact')).toEqual([]);
    expect(await sb.control.records('Task')).toEqual([]);
  });

  it('keeps successful subrequests without allOrNone and halts the ones depending on a failure', async () => {
    const result = await composite({
      compositeRequest: [
        { method: 'POST', url: url('/sobjects/Lead'), referenceId: 'bad', body: { LastName: 'NoCompany' } },
        { method: 'POST', url: url('/sobjects/Task'), referenceId: 't', body: { WhoId: '@{bad.id}' } },
        { method: 'POST', url: url('/sobjects/Account'), referenceId: 'ok', body: { Name: 'Acme' } },
      ],
    });
    const [bad, dependent, ok] = result.compositeResponse;
    expect(bad.httpStatusCode).toBe(400);
    expect(dependent.body[0]).toMatchObject({
      errorCode: 'PROCESSING_HALTED',
      message: expect.stringContaining('No value for bad.id'),
    });
    expect(ok.httpStatusCode).toBe(201);
    expect(await sb.control.records('Account')).toHaveLength(1);
  });

  it('honours Sforce-Auto-Assign in subrequest headers and on the outer request', async () => {
    const { id: queue } = await sb.control.createUser({
      username: 'q@acme.test',
      email: 'q@acme.test',
      lastName: 'Queue',
    });
    const { id: agent } = await sb.control.createUser({
      username: 'a@acme.test',
      email: 'a@acme.test',
      lastName: 'Agent',
    });
    await sb.control.setSettings({ assignmentRules: { Case: queue, Lead: queue } });
    const sub = (ref: string, headers?: Record<string, string>) => ({
      method: 'POST',
      url: url('/sobjects/Case'),
      referenceId: ref,
      body: { OwnerId: agent },
      ...(headers ? { httpHeaders: headers } : {}),
    });
    const result = await composite({
      compositeRequest: [sub('ruled'), sub('kept', { 'Sforce-Auto-Assign': 'FALSE' })],
    });
    const owner = async (i: number) =>
      (await sb.control.record('Case', result.compositeResponse[i].body.id)).OwnerId;
    expect(await owner(0)).toBe(queue);
    expect(await owner(1)).toBe(agent);
    const outer = await composite({ compositeRequest: [sub('x')] }, { 'Sforce-Auto-Assign': 'false' });
    expect((await sb.control.record('Case', outer.compositeResponse[0].body.id)).OwnerId).toBe(agent);
  });

  it('runs Collections subrequests, and allOrNone on the composite overrides theirs', async () => {
    const result = await composite({
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: url('/sobjects/Account'), referenceId: 'a', body: { Name: 'Acme' } },
        {
          method: 'POST',
          url: url('/composite/sobjects'),
          referenceId: 'many',
          body: {
            allOrNone: false,
            records: [
              { attributes: { type: 'Contact' }, LastName: 'ok', AccountId: '@{a.id}' },
              { attributes: { type: 'Contact' } },
            ],
          },
        },
      ],
    });
    expect(result.compositeResponse[0].body[0].errorCode).toBe('PROCESSING_HALTED');
    expect(await sb.control.records('Account')).toEqual([]);
    expect(await sb.control.records('Contact')).toEqual([]);
  });

  it("resolves @{ref[i].id} into a Collections subrequest's result array", async () => {
    await sb.control.resetApiCalls();
    const result = await composite({
      allOrNone: false,
      collateSubrequests: false,
      compositeRequest: [
        {
          method: 'POST',
          url: url('/composite/sobjects'),
          referenceId: 'leads',
          body: {
            records: [
              { attributes: { type: 'Lead' }, LastName: 'A', Company: 'Acme' },
              { attributes: { type: 'Lead' }, LastName: 'B', Company: 'Acme' },
            ],
          },
        },
        {
          method: 'POST',
          url: url('/composite/sobjects'),
          referenceId: 'tasks',
          body: {
            records: [
              { attributes: { type: 'Task' }, Subject: 'of B', WhoId: '@{leads[1].id}' },
              { attributes: { type: 'Task' }, Subject: 'of A', WhoId: '@{leads[0].id}' },
            ],
          },
        },
      ],
    });
    const [leads, tasks] = result.compositeResponse;
    expect(tasks.httpStatusCode).toBe(200);
    expect(tasks.body.map((r: { success: boolean }) => r.success)).toEqual([true, true]);
    const whoOf = async (i: number) => (await sb.control.record('Task', tasks.body[i].id)).WhoId;
    expect(await whoOf(0)).toBe(leads.body[1].id);
    expect(await whoOf(1)).toBe(leads.body[0].id);
    expect(await sb.control.apiCalls()).toEqual({ total: 1, byEndpoint: { 'POST /composite': 1 } });
  });

  it('halts a whole Collections subrequest that refers to a record with no id, writing none of it', async () => {
    const result = await composite({
      allOrNone: false,
      collateSubrequests: false,
      compositeRequest: [
        {
          method: 'POST',
          url: url('/composite/sobjects'),
          referenceId: 'leads',
          body: {
            records: [
              { attributes: { type: 'Lead' }, LastName: 'A', Company: 'Acme' },
              { attributes: { type: 'Lead' }, LastName: 'no Company' },
            ],
          },
        },
        {
          method: 'POST',
          url: url('/composite/sobjects'),
          referenceId: 'tasks',
          body: {
            records: [
              { attributes: { type: 'Task' }, Subject: 'of A', WhoId: '@{leads[0].id}' },
              { attributes: { type: 'Task' }, Subject: 'of the refused', WhoId: '@{leads[1].id}' },
            ],
          },
        },
        {
          method: 'POST',
          url: url('/sobjects/Task'),
          referenceId: 'past',
          body: { Subject: 'past the end', WhoId: '@{leads[2].id}' },
        },
        { method: 'POST', url: url('/sobjects/Account'), referenceId: 'other', body: { Name: 'Acme' } },
      ],
    });
    const [leads, tasks, past, other] = result.compositeResponse;
    expect(leads.httpStatusCode).toBe(200);
    expect(leads.body[1]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'REQUIRED_FIELD_MISSING' }],
    });
    expect(leads.body[1].id).toBeUndefined();
    expect(tasks.httpStatusCode).toBe(400);
    expect(tasks.body[0]).toMatchObject({
      errorCode: 'PROCESSING_HALTED',
      message: expect.stringContaining('No value for leads[1].id found in leads'),
    });
    expect(past.httpStatusCode).toBe(400);
    expect(past.body[0]).toMatchObject({ errorCode: 'PROCESSING_HALTED' });
    // Not even the Task whose Lead was written: the subrequest did not run. The independent one did.
    expect(await sb.control.records('Task')).toEqual([]);
    expect(other.httpStatusCode).toBe(201);
    expect(await sb.control.records('Lead')).toHaveLength(1);
  });

  it('refuses more than 25 subrequests and more than 5 queries', async () => {
    const many = Array.from({ length: 26 }, (_, i) => ({
      method: 'GET',
      url: url('/limits'),
      referenceId: `r${i}`,
    }));
    const tooMany = await rest(sb, conn, 'POST', '/composite', { compositeRequest: many });
    expect(tooMany.status).toBe(400);
    const queries = Array.from({ length: 6 }, (_, i) => ({
      method: 'GET',
      url: url('/query?q=SELECT+Id+FROM+Lead'),
      referenceId: `q${i}`,
    }));
    const tooManyQueries = await rest(sb, conn, 'POST', '/composite', { compositeRequest: queries });
    expect(tooManyQueries.status).toBe(400);
    const badRef = await rest(sb, conn, 'POST', '/composite', {
      compositeRequest: [{ method: 'GET', url: url('/limits'), referenceId: '_x' }],
    });
    expect(badRef.status).toBe(400);
  });
});

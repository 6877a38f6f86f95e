import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, failure, rest, sandbox } from './support.ts';

let sb: Sandbox;
let conn: Connection;
beforeAll(async () => {
  sb = await sandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  conn = await connect(sb);
});

const lead = { LastName: 'Doe', Company: 'Acme' };

describe('faults', () => {
  it('adds fixed and random latency to each call', async () => {
    await sb.control.setFaults({ latencyMs: 60, latencyJitterMs: 20 });
    const started = Date.now();
    await conn.query('SELECT Id FROM Lead');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(58);
    expect(elapsed).toBeLessThan(500);
  });

  it('answers 503 to the next N calls, then recovers', async () => {
    await sb.control.setFaults({ fail503: 2 });
    expect((await rest(sb, conn, 'POST', '/sobjects/Lead', lead)).status).toBe(503);
    expect((await failure(conn.sobject('Lead').create(lead))).errorCode).toBe('SERVER_UNAVAILABLE');
    expect((await rest(sb, conn, 'POST', '/sobjects/Lead', lead)).status).toBe(201);
    expect((await sb.control.apiCalls()).total).toBe(1);
  });

  it('answers REQUEST_LIMIT_EXCEEDED with 403 after N calls', async () => {
    await sb.control.setFaults({ requestLimitAfter: 2 });
    await conn.query('SELECT Id FROM Lead');
    await conn.query('SELECT Id FROM Lead');
    const res = await rest(sb, conn, 'GET', '/limits');
    expect(res.status).toBe(403);
    expect(res.body).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    await sb.control.setFaults({ requestLimitAfter: null });
    expect((await rest(sb, conn, 'GET', '/limits')).status).toBe(200);
  });

  it('enforces the daily API limit and reports it in Sforce-Limit-Info and /limits', async () => {
    await sb.control.setSettings({ dailyApiLimit: 3 });
    await conn.query('SELECT Id FROM Lead');
    const limits = await rest(sb, conn, 'GET', '/limits');
    expect(limits.body.DailyApiRequests).toEqual({ Max: 3, Remaining: 1 });
    expect(limits.headers.get('sforce-limit-info')).toBe('api-usage=2/3');
    await conn.query('SELECT Id FROM Lead');
    expect((await failure(conn.query('SELECT Id FROM Lead'))).errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
  });

  it('fails the next N writes with UNABLE_TO_LOCK_ROW', async () => {
    const { id } = await sb.control.insert('Lead', lead);
    await sb.control.setFaults({ lockRows: 1 });
    const error = await failure(conn.sobject('Lead').update({ Id: id, Title: 'CEO' }));
    expect(error.errorCode).toBe('UNABLE_TO_LOCK_ROW');
    expect(error.message).toBe(`unable to obtain exclusive access to this record or 1 records: ${id}`);
    await expect(conn.sobject('Lead').update({ Id: id, Title: 'CEO' })).resolves.toMatchObject({
      success: true,
    });
    await sb.control.setFaults({ lockRows: 1 });
    const results = await conn.sobject('Lead').create([lead, lead]);
    expect(results.map((r) => r.success)).toEqual([false, true]);
  });

  it('drops the connection on the next N calls', async () => {
    await sb.control.setFaults({ dropConnections: 1 });
    await expect(
      fetch(`${sb.url}/services/data/v62.0/limits`, {
        headers: { authorization: `Bearer ${conn.accessToken}` },
      }),
    ).rejects.toThrow();
    expect((await rest(sb, conn, 'GET', '/limits')).status).toBe(200);
  });
});

describe('lost responses', () => {
  it('carries out the next write but never answers it, as when a connection dies after the commit', async () => {
    await sb.control.setFaults({ loseResponses: 1 });
    await expect(conn.sobject('Lead').create({ ...lead, LastName: 'Committed' })).rejects.toThrow();
    expect(await sb.control.records('Lead', { LastName: 'Committed' })).toHaveLength(1);
    await expect(conn.sobject('Lead').create({ ...lead, LastName: 'Answered' })).resolves.toMatchObject({
      success: true,
    });
  });
});

describe('API call accounting', () => {
  it('counts REST calls by endpoint, leaving out OAuth and the version list', async () => {
    await sb.control.resetApiCalls();
    const { id } = (await conn.sobject('Lead').create(lead)) as { id: string };
    await conn.sobject('Lead').update({ Id: id, Title: 'CEO' });
    await conn.sobject('Lead').retrieve(id);
    await conn.query('SELECT Id FROM Lead');
    await conn.sobject('Lead').describe();
    await fetch(`${sb.url}/services/data/`);
    await rest(sb, conn, 'GET', '/');
    expect(await sb.control.apiCalls()).toEqual({
      total: 5,
      byEndpoint: {
        'POST /sobjects/Lead': 1,
        'PATCH /sobjects/Lead/{id}': 1,
        'GET /sobjects/Lead/{id}': 1,
        'GET /query': 1,
        'GET /sobjects/Lead/describe': 1,
      },
    });
    expect(await sb.control.tokenCalls()).toBe(1);
    await sb.control.resetApiCalls();
    expect((await sb.control.apiCalls()).total).toBe(0);
  });

  it('does not count calls refused for an invalid session', async () => {
    await sb.control.resetApiCalls();
    await fetch(`${sb.url}/services/data/v62.0/limits`, { headers: { authorization: 'Bearer nope' } });
    expect((await sb.control.apiCalls()).total).toBe(0);
  });
});

describe('control API', () => {
  it('resets to a fresh org with one admin user', async () => {
    const before = await sb.control.org();
    await sb.control.insert('Lead', lead);
    await sb.control.setFaults({ fail503: 5 });
    await sb.control.reset();
    const after = await sb.control.org();
    expect(after.organizationId).not.toBe(before.organizationId);
    expect(await sb.control.records('Lead')).toEqual([]);
    expect(await sb.control.records('User')).toMatchObject([
      { Id: after.adminUserId, Username: after.adminUsername, IsActive: true },
    ]);
    expect((await sb.control.apiCalls()).total).toBe(0);
  });

  it('filters inspected records case-insensitively and hides deleted ones unless asked', async () => {
    await sb.control.insert('Lead', { ...lead, Email: 'a@acme.test' });
    const { id } = await sb.control.insert('Lead', { ...lead, Email: 'b@acme.test' });
    await conn.sobject('Lead').destroy(id);
    expect(await sb.control.records('lead', { email: 'A@ACME.TEST' })).toHaveLength(1);
    expect(await sb.control.records('Lead')).toHaveLength(1);
    expect(await sb.control.records('Lead', { IsDeleted: true })).toMatchObject([{ Id: id }]);
  });
});

// Two tenants of one service, each connected to its own org, and one not connected: a key only ever sees its own
// tenant's org, even for the same visitor asked in the same moment, and never another tenant's cached answer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { TestBrowser } from '../support/browser.ts';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';
import { askCustomer } from './support.ts';

let a: ConnectedTenant;
let sandboxB: Sandbox;
let keyB: string;
let keyC: string;

const BETA_APP = { clientId: 'beta-own-app', clientSecret: 'beta-secret-0a1b2c' };

beforeAll(async () => {
  sandboxB = await startSandbox({ autoApprove: true });
  a = await startConnectedTenant({ slug: 'alpha', allowedHosts: [sandboxB.url] });
  const { connections } = a.service.app.services;
  await sandboxB.control.createConnectedApp({ ...BETA_APP, callbackUrls: [connections.callbackUrl] });
  const beta = await a.service.createTenant('beta');
  keyB = beta.keys.AGENT;
  // Beta connects its own org through its custom configuration, as its admin would.
  await connections.apps.saveCustom(beta.id, { ...BETA_APP, loginUrl: sandboxB.url });
  const { authorizationUrl } = await connections.start(beta.id, 'CUSTOM');
  const { response: callback } = await new TestBrowser().open(authorizationUrl);
  expect(callback.status).toBe(200);
  keyC = (await a.service.createTenant('gamma')).keys.AGENT;
});
afterAll(async () => {
  await a?.close();
  await sandboxB?.close();
});

it("answers each tenant's key from its own org only, for the same visitor at the same moment", async () => {
  const visitor = { email: 'shared@visitor.example' };
  const inA = (
    await a.sandbox.control.insert('Lead', { LastName: 'In Alpha', Company: 'A', Email: visitor.email })
  ).id;
  const inB = (
    await sandboxB.control.insert('Lead', { LastName: 'In Beta', Company: 'B', Email: visitor.email })
  ).id;
  await a.sandbox.control.resetApiCalls();
  await sandboxB.control.resetApiCalls();

  const [fromA, fromB, fromC] = await Promise.all([
    askCustomer(a.service, a.keys.AGENT, visitor),
    askCustomer(a.service, keyB, visitor),
    askCustomer(a.service, keyC, visitor),
  ]);
  expect(fromA.matches.map((m) => [m.id, m.url])).toEqual([
    [inA, `${a.sandbox.url}/lightning/r/Lead/${inA}/view`],
  ]);
  expect(fromA.matches[0]!.fields).toContainEqual({ name: 'Name', value: 'In Alpha' });
  expect(fromB.matches.map((m) => [m.id, m.url])).toEqual([
    [inB, `${sandboxB.url}/lightning/r/Lead/${inB}/view`],
  ]);
  expect(fromB.matches[0]!.fields).toContainEqual({ name: 'Name', value: 'In Beta' });
  expect(fromC).toMatchObject({ connected: false, matches: [] });
  expect((await a.sandbox.control.apiCalls()).total).toBe(1);
  expect((await sandboxB.control.apiCalls()).total).toBe(1);
});

it("never answers a tenant from another tenant's cached answer", async () => {
  const visitor = { email: 'only-in-alpha@visitor.example' };
  const inA = (
    await a.sandbox.control.insert('Lead', { LastName: 'Alpha', Company: 'A', Email: visitor.email })
  ).id;
  expect((await askCustomer(a.service, a.keys.AGENT, visitor)).matches.map((m) => m.id)).toEqual([inA]);
  expect(await askCustomer(a.service, keyB, visitor)).toMatchObject({ connected: true, matches: [] });
  expect(await askCustomer(a.service, keyC, visitor)).toMatchObject({ connected: false, matches: [] });
});

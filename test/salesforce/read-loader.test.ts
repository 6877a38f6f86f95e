// The read path against the sandbox through jsforce: many visitors' email and phone reads of two objects, asked at
// once, cost one API call, and each read gets exactly the rows it would get alone; a phone shared by more Leads than
// its merged search allows is read again alone, so no visitor's Lead is crowded out.
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesforceRead } from '../../src/mapping/read.ts';
import { createReadLoader } from '../../src/salesforce/read-path/index.ts';
import type { Sandbox } from '../../src/sandbox/server.ts';
import { connect, sandbox } from '../sandbox/support.ts';

let sb: Sandbox;
let conn: Connection;
beforeAll(async () => {
  sb = await sandbox();
  conn = await connect(sb);
});
afterAll(() => sb.close());

const order = { field: 'LastModifiedDate', direction: 'DESC' } as const;
const byEmail = (email: string): SalesforceRead => ({
  object: 'Lead',
  fields: ['Id'],
  where: [{ field: 'Email', op: '=', value: email, normalize: 'email' }],
  orderBy: order,
  limit: 10,
});
const byPhone = (object: 'Lead' | 'Contact', digits: string): SalesforceRead => ({
  object,
  fields: ['Id'],
  phone: { field: 'Phone', digits },
  where: [],
  orderBy: order,
  limit: 10,
});

describe('the read loader', () => {
  it("answers 20 visitors' email and phone reads of Leads and Contacts in one call, each with its own rows", async () => {
    const expected = new Map<SalesforceRead, string[]>();
    const reads: SalesforceRead[] = [];
    for (let i = 0; i < 20; i++) {
      const digits = `55501${String(i).padStart(5, '0')}`;
      const lead = await sb.control.insert('Lead', {
        LastName: `L${i}`,
        Company: 'X',
        Email: `Visitor.${i}@Example.com`,
        Phone: `(555) 01${digits.slice(5, 6)}-${digits.slice(6)}`,
      });
      const contact = await sb.control.insert('Contact', { LastName: `C${i}`, Phone: `+1 ${digits}` });
      const email = byEmail(`visitor.${i}@example.com`);
      const leadPhone = byPhone('Lead', digits);
      const contactPhone = byPhone('Contact', digits);
      reads.push(email, leadPhone, contactPhone);
      expected.set(email, [lead.id]);
      expected.set(leadPhone, [lead.id]);
      expected.set(contactPhone, [contact.id]);
    }
    const nobody = byEmail('nobody@example.com');
    reads.push(nobody);
    expected.set(nobody, []);
    await sb.control.resetApiCalls();
    const loader = createReadLoader(conn);
    const rows = await Promise.all(reads.map((read) => loader.load(read)));
    expect((await sb.control.apiCalls()).total).toBe(1);
    expect(rows.map((found) => found.map((r) => r.Id))).toEqual(reads.map((read) => expected.get(read)));
  });

  it("reads a merged search's visitors alone when one phone fills it, so the other visitor's Lead is found", async () => {
    for (let i = 0; i < 25; i++)
      await sb.control.insert('Lead', { LastName: `S${i}`, Company: 'X', Phone: '555 999 0000' });
    const other = await sb.control.insert('Lead', { LastName: 'Other', Company: 'X', Phone: '555 999 0001' });
    await sb.control.resetApiCalls();
    const loader = createReadLoader(conn);
    const [shared, mine] = await Promise.all([
      loader.load(byPhone('Lead', '5559990000')),
      loader.load(byPhone('Lead', '5559990001')),
    ]);
    expect(shared).toHaveLength(10);
    expect(mine!.map((r) => r.Id)).toEqual([other.id]);
    // The merged search, then both alone in one composite.
    expect((await sb.control.apiCalls()).total).toBe(2);
  });
});

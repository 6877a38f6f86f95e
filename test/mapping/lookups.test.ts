import { describe, expect, it } from 'vitest';
import { lookupsFor } from '../../src/mapping/index.ts';
import { renderRead } from '../../src/salesforce/read-path/index.ts';
import { chatEvent, defaultMapping } from './helpers.ts';

describe('lookupsFor', () => {
  const sales = defaultMapping('sales');

  it('reads what identification, the overwrite policy, the console and conversion need', () => {
    const [byEmail] = lookupsFor(sales, chatEvent());
    expect(byEmail).toMatchObject({
      key: 'identify:Lead:lead-by-email',
      purpose: 'identify',
      object: 'Lead',
      rule: 'lead-by-email',
      read: {
        object: 'Lead',
        where: [{ field: 'Email', op: '=', value: 'jane.doe@example.com', normalize: 'email' }],
        orderBy: { field: 'LastModifiedDate', direction: 'DESC' },
        limit: 10,
      },
    });
    expect(renderRead(byEmail!.read)).toBe(
      'SELECT Id, LastModifiedDate, CreatedDate, Email, Phone, LastName, Company, Name, Status, IsConverted, ' +
        "ConvertedContactId, ConvertedAccountId FROM Lead WHERE Email = 'jane.doe@example.com' " +
        'ORDER BY LastModifiedDate DESC LIMIT 10',
    );
  });

  it("finds phones through Salesforce's search index by their last digits, never a leading-wildcard LIKE", () => {
    const phone = (p: string) =>
      lookupsFor(sales, chatEvent({ visitor: { phone: p } })).find((l) => l.rule === 'lead-by-phone')?.read;
    expect(phone('+1 (555) 010-2030')?.phone).toEqual({ field: 'Phone', digits: '5550102030' });
    expect(renderRead(phone('+1 (555) 010-2030')!)).toBe(
      'FIND {"5550102030"} IN PHONE FIELDS RETURNING Lead(Id, LastModifiedDate, CreatedDate, Email, Phone, ' +
        'LastName, Company, Name, Status, IsConverted, ConvertedContactId, ConvertedAccountId ' +
        'ORDER BY LastModifiedDate DESC LIMIT 10)',
    );
    expect(renderRead(phone('+1 (555) 010-2030')!)).not.toContain('LIKE');
    expect(phone('12-34')).toBeUndefined();
  });

  it("filters a phone search by the rule's other conditions", () => {
    const both = defaultMapping('sales', [
      [
        '- { field: Phone, source: visitor.phone, normalize: phone }',
        '- { field: Phone, source: visitor.phone, normalize: phone }\n          - { field: Company, source: visitor.company }',
      ],
    ]);
    const [search] = lookupsFor(
      both,
      chatEvent({ visitor: { phone: '555 010 2030', company: "O'Hara" } }),
    ).filter((l) => l.rule === 'lead-by-phone');
    expect(renderRead(search!.read)).toMatch(
      /^FIND \{"5550102030"\} IN PHONE FIELDS RETURNING Lead\(.* WHERE Company = 'O\\'Hara' ORDER BY/,
    );
  });

  it('skips a rule whose CloudCX value is blank, and orders by creation for onMultiple oldest', () => {
    const oldest = defaultMapping('sales', [['onMultiple: mostRecentlyModified', 'onMultiple: oldest']]);
    const keys = lookupsFor(
      oldest,
      chatEvent({ visitor: { email: '  ', phone: '555 010 2030' }, agent: { id: 'a' } }),
    );
    expect(keys.map((l) => l.key)).toEqual(['identify:Lead:lead-by-phone']);
    expect(renderRead(keys[0]!.read)).toMatch(/ORDER BY CreatedDate ASC LIMIT 10\)$/);
  });

  it('reads a record CloudCX recorded earlier by its Id', () => {
    const support = defaultMapping('support');
    const keys = lookupsFor(support, chatEvent(), { contactId: "003'x" });
    expect(keys.map((l) => l.key)).toEqual([
      'identify:Account:account-by-company',
      'identify:Contact:known',
      'owner',
    ]);
    expect(renderRead(keys[1]!.read)).toMatch(/FROM Contact WHERE Id = '003\\'x' LIMIT 1$/);
  });
});

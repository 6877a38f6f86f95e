import { describe, expect, it } from 'vitest';
import { lookupsFor } from '../../src/mapping/index.ts';
import { chatEvent, defaultMapping } from './helpers.ts';

describe('lookupsFor', () => {
  const sales = defaultMapping('sales');

  it('reads what identification, the overwrite policy, the console and conversion need', () => {
    const [byEmail] = lookupsFor(sales, chatEvent());
    expect(byEmail).toEqual({
      key: 'identify:Lead:lead-by-email',
      purpose: 'identify',
      object: 'Lead',
      rule: 'lead-by-email',
      soql:
        'SELECT Id, LastModifiedDate, CreatedDate, Email, Phone, LastName, Company, Name, Status, IsConverted, ' +
        "ConvertedContactId, ConvertedAccountId FROM Lead WHERE Email = 'jane.doe@example.com' " +
        'ORDER BY LastModifiedDate DESC LIMIT 10',
    });
  });

  it('matches phones by their last digits, and skips numbers too short to identify anyone', () => {
    const phone = (p: string) =>
      lookupsFor(sales, chatEvent({ visitor: { phone: p } })).find((l) => l.rule === 'lead-by-phone');
    expect(phone('+1 (555) 010-2030')?.soql).toContain("WHERE Phone LIKE '%5%5%5%0%1%0%2%0%3%0'");
    expect(phone('12-34')).toBeUndefined();
  });

  it('skips a rule whose CloudCX value is blank, and orders by creation for onMultiple oldest', () => {
    const oldest = defaultMapping('sales', [['onMultiple: mostRecentlyModified', 'onMultiple: oldest']]);
    const keys = lookupsFor(
      oldest,
      chatEvent({ visitor: { email: '  ', phone: '555 010 2030' }, agent: { id: 'a' } }),
    );
    expect(keys.map((l) => l.key)).toEqual(['identify:Lead:lead-by-phone']);
    expect(keys[0]?.soql).toMatch(/ORDER BY CreatedDate ASC LIMIT 10$/);
  });

  it('reads a record CloudCX recorded earlier by its Id', () => {
    const support = defaultMapping('support');
    const keys = lookupsFor(support, chatEvent(), { contactId: "003'x" });
    expect(keys.map((l) => l.key)).toEqual([
      'identify:Account:account-by-company',
      'identify:Contact:known',
      'owner',
    ]);
    expect(keys[1]?.soql).toMatch(/FROM Contact WHERE Id = '003\\'x' LIMIT 1$/);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/mapping/diff.ts';
import { loadMapping } from '../../src/mapping/index.ts';
import { applySettings, readSettings } from '../../src/mapping/settings.ts';

const sales = readFileSync(new URL('../../mappings/defaults/sales.yaml', import.meta.url), 'utf8');
const support = readFileSync(new URL('../../mappings/defaults/support.yaml', import.meta.url), 'utf8');
const defaults = { sales, support };

/** The changed lines only, without the diff's headers and hunk lines. */
function changedLines(before: string, after: string): string[] {
  return unifiedDiff(before, after, { from: 'a', to: 'b' })
    .text.split('\n')
    .filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
}

function valid(text: string) {
  const { mapping, diagnostics } = loadMapping(text, 'settings.yaml');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return mapping!;
}

describe('readSettings', () => {
  it("reads the seed's screens from the default support mapping", () => {
    const settings = readSettings(support);
    expect(settings).toMatchObject({
      mode: 'automatic',
      sections: { webChat: 'support', inbox: 'support' },
      overwrite: 'fillBlanks',
      display: [
        { section: 'webChat', object: 'Account', fields: ['Name', 'Phone'] },
        { section: 'webChat', object: 'Contact', fields: ['Name', 'Email', 'Phone', 'Title'] },
        { section: 'inbox', object: 'Account', fields: ['Name', 'Phone'] },
        { section: 'inbox', object: 'Contact', fields: ['Name', 'Email', 'Phone', 'Title'] },
      ],
    });
    expect(settings.identification.map((i) => [i.object, i.rules.map((r) => r.name), i.onMultiple])).toEqual([
      ['Account', ['account-by-company'], 'mostRecentlyModified'],
      ['Contact', ['contact-by-email', 'contact-by-phone'], 'mostRecentlyModified'],
    ]);
    expect(settings.identification[1]!.rules[0]!.all).toEqual([
      { field: 'Email', source: 'visitor.email', normalize: 'email' },
    ]);
  });

  it('reads a section the mapping leaves out as recording nothing', () => {
    const text = 'version: 1\nmode: manual\nsections:\n  webChat: { record: sales }\nobjects: {}\n';
    expect(readSettings(text)).toMatchObject({
      mode: 'manual',
      sections: { webChat: 'sales', inbox: 'none' },
    });
  });
});

describe('applySettings', () => {
  it('changes only the lines of the mode and the matched-contact policy, keeping every comment', () => {
    const { text, changes } = applySettings(sales, { mode: 'manual', overwrite: 'never' }, defaults);
    expect(changes).toEqual(['mode: automatic -> manual', 'overwrite.default: fillBlanks -> never']);
    expect(changedLines(sales, text)).toEqual([
      '-mode: automatic',
      '+mode: manual',
      '-  default: fillBlanks',
      '+  default: never',
    ]);
    expect(readSettings(text)).toMatchObject({ mode: 'manual', overwrite: 'never' });
    valid(text);
  });

  it('leaves the text as it is when nothing changes', () => {
    expect(applySettings(sales, { mode: 'automatic', sections: { webChat: 'sales' } }, defaults)).toEqual({
      text: sales,
      changes: [],
    });
  });

  it('switches web chat to Contact + Case with the support field maps and rules, and stays valid', () => {
    const { text, changes } = applySettings(sales, { sections: { webChat: 'support' } }, defaults);
    expect(changes).toEqual([
      'sections.webChat.record: sales -> support',
      'objects.Contact: added from the default support mapping',
      'objects.Case: added from the default support mapping',
      'identification.Account: added from the default support mapping',
      'identification.Contact: added from the default support mapping',
      'display.webChat.Account: added from the default support mapping',
      'display.webChat.Contact: added from the default support mapping',
      'attachments.attachTo: added Case',
    ]);
    const mapping = valid(text);
    expect(mapping.sections.webChat.record).toBe('support');
    expect(mapping.sections.inbox.record).toBe('sales');
    expect(mapping.objects.Contact.map((f) => f.field)).toEqual(['LastName', 'Phone', 'Email']);
    // The support mapping's comments come with its field maps.
    expect(text).toContain('# Phone (web chat) / Cell Phone (inbox) -> Business Phone');
    expect(text).toContain("# The seed's sales setup");
  });

  it('records nothing in a section by dropping its triggers', () => {
    const { text } = applySettings(sales, { sections: { inbox: 'none' } }, defaults);
    expect(changedLines(sales, text)).toEqual([
      '-    record: sales',
      '-    recordOn: [conversation.started]',
      '-    contentOn: [conversation.ended]',
      '+    record: none',
    ]);
    expect(valid(text).sections.inbox).toEqual({ record: 'none', recordOn: [], contentOn: [] });
  });

  it('gives a section switched back on its default triggers', () => {
    const off = applySettings(sales, { sections: { inbox: 'none' } }, defaults).text;
    const { text } = applySettings(off, { sections: { inbox: 'sales' } }, defaults);
    expect(valid(text).sections.inbox).toEqual({
      record: 'sales',
      recordOn: ['conversation.started'],
      contentOn: ['conversation.ended'],
    });
  });

  it('replaces identification rules, one line per condition, and removes an object given no rules', () => {
    const { text, changes } = applySettings(
      support,
      {
        identification: [
          {
            object: 'Contact',
            rules: [
              {
                name: 'contact-by-mobile',
                all: [
                  { field: 'MobilePhone', source: 'visitor.phone', normalize: 'e164', countryCode: '44' },
                ],
              },
            ],
            onMultiple: 'oldest',
          },
          { object: 'Account', rules: [] },
        ],
        display: [
          { section: 'webChat', object: 'Account', fields: [] },
          { section: 'inbox', object: 'Account', fields: [] },
        ],
      },
      defaults,
    );
    expect(changes).toEqual([
      'identification.Contact.rules: contact-by-mobile',
      'identification.Contact.onMultiple: mostRecentlyModified -> oldest',
      'identification.Account: removed',
      'display.webChat.Account: removed',
      'display.inbox.Account: removed',
    ]);
    expect(text).toContain(
      '      - name: contact-by-mobile\n        all:\n          - { field: MobilePhone, source: visitor.phone, normalize: e164, countryCode: "44" }\n',
    );
    const mapping = valid(text);
    expect(mapping.identification.Account).toBeUndefined();
    expect(mapping.identification.Contact?.onMultiple).toBe('oldest');
  });

  it('sets the display fields of a section and removes a section left empty', () => {
    const { text } = applySettings(
      sales,
      {
        display: [
          { section: 'webChat', object: 'Lead', fields: ['Name', 'Email'] },
          { section: 'inbox', object: 'Lead', fields: [] },
        ],
      },
      defaults,
    );
    expect(changedLines(sales, text)).toEqual([
      '-    Lead: [Name, Email, Phone, Company, Status]',
      '-  inbox:',
      '-    Lead: [Name, Email, Phone, Company, Status]',
      '+    Lead: [ Name, Email ]',
    ]);
    expect(readSettings(text).display).toEqual([
      { section: 'webChat', object: 'Lead', fields: ['Name', 'Email'] },
    ]);
  });

  it('keeps keys the screens do not show, such as per-field overwrite overrides', () => {
    const withOverride = sales.replace(
      'overwrite:\n  default: fillBlanks\n',
      'overwrite:\n  default: fillBlanks\n  fields:\n    Lead: { Phone: overwrite } # keep this\n',
    );
    const { text } = applySettings(withOverride, { overwrite: 'never' }, defaults);
    expect(text).toContain('  default: never\n  fields:\n    Lead: { Phone: overwrite } # keep this\n');
    expect(valid(text).overwrite).toEqual({ default: 'never', fields: { Lead: { Phone: 'overwrite' } } });
  });
});

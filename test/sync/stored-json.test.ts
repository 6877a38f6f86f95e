// Stored JSON is checked when read back: a row that does not hold its shape fails with the column's name.
import { describe, expect, it } from 'vitest';
import { withAttachmentRefs } from '../../src/sync/attachments.ts';
import {
  parseAmbiguity,
  parseStoredEvent,
  parseVisitorSeen,
  StoredJsonError,
} from '../../src/sync/stored-json.ts';

const event = {
  kind: 'chat.ended',
  id: 'chat-1',
  tenantId: 't1',
  visitor: { email: 'ann@example.com' },
  messages: [{ at: '2026-11-25T10:30:00Z', from: 'visitor', text: 'hi' }],
  attachments: [{ name: 'a.txt', contentType: 'text/plain', size: 3 }],
};

describe('stored JSON', () => {
  it('reads a stored chat event, its files standing for their bytes by reference', () => {
    expect(withAttachmentRefs(parseStoredEvent(event)).attachments).toEqual([
      { name: 'a.txt', contentType: 'text/plain', size: 3, base64: 'cxsf-attachment:a.txt' },
    ]);
  });

  it('refuses a payload that is not a chat event, naming the column and every problem', () => {
    const broken = { ...event, kind: 'chat.paused', visitor: { email: 42 } };
    expect(() => parseStoredEvent(broken)).toThrow(StoredJsonError);
    try {
      parseStoredEvent(broken);
    } catch (error) {
      expect(error).toMatchObject({ shape: 'SyncEvent.payload' });
      expect((error as StoredJsonError).problems).toEqual([
        '/kind must be equal to one of the allowed values',
        '/visitor/email must be string',
      ]);
    }
  });

  it('reads no ambiguity as null and refuses candidates without ids', () => {
    expect(parseAmbiguity(null)).toBeNull();
    expect(
      parseAmbiguity({ object: 'Lead', rule: 'email', candidates: [{ id: '00Q1', fields: {} }] }),
    ).toEqual({
      object: 'Lead',
      rule: 'email',
      candidates: [{ id: '00Q1', fields: {} }],
    });
    expect(() => parseAmbiguity({ object: 'Lead', rule: 'email', candidates: [{ fields: {} }] })).toThrow(
      /SyncRecord\.candidates .*must have required property 'id'/,
    );
  });

  it("refuses a visitor link's memory that is not one", () => {
    expect(parseVisitorSeen({ mapping: 'h', visitor: { email: 'a@b.c' } })).toEqual({
      mapping: 'h',
      visitor: { email: 'a@b.c' },
    });
    expect(() => parseVisitorSeen(['h'])).toThrow(/VisitorLink\.visitorSeen/);
  });
});

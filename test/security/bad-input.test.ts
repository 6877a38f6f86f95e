// Bad and hostile input to recordChat: each is refused with an error that says what to fix, or recorded as the
// mapping says; never a crash, never "Unexpected error.".
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../src/graphql/types/record-chat-checks.ts';
import type { RecordChatInput } from '../generated/graphql.ts';
import { type ConnectedTenant, RecordChat, startConnectedTenant } from '../support/connected-tenant.ts';
import { graphqlError } from '../support/graphql-errors.ts';

let org: ConnectedTenant;
beforeAll(async () => {
  org = await startConnectedTenant();
});
afterAll(() => org?.close());

const at = '2026-02-01T10:00:00.000Z';
const send = (input: unknown) =>
  org.service.client(org.keys.INTEGRATION).request(RecordChat, { input: input as RecordChatInput });
const base = (chatId: string, visitor: RecordChatInput['visitor']): RecordChatInput => ({
  chatId,
  event: 'ENDED',
  visitor,
  startedAt: at,
  endedAt: at,
  messages: [{ at, from: 'VISITOR', text: 'hello' }],
  waitSeconds: 20,
});
/** Log lines of unexpected errors since this test began. */
let logsSeen = 0;
beforeEach(() => {
  logsSeen = org.service.logs.length;
});
const noUnexpectedErrors = () =>
  expect(org.service.logs.slice(logsSeen).filter((line) => line.includes('"unexpected error"'))).toEqual([]);

describe('malformed GraphQL input is refused with 400 and a message naming the field', () => {
  it.each([
    [
      'a wrong type',
      { ...base('m1', {}), waitSeconds: 'ten' },
      /Int cannot represent non-integer value: "ten"/,
    ],
    [
      'a missing required field',
      { chatId: 'm2', event: 'ENDED' },
      /Field "visitor" of required type "VisitorInput!" was not provided/,
    ],
    [
      'an unknown enum value',
      { ...base('m3', {}), event: 'FINISHED' },
      /Value "FINISHED" does not exist in "ChatEventKind" enum/,
    ],
    [
      'an unknown field',
      { ...base('m4', {}), visitor: { mail: 'x' } },
      /Field "mail" is not defined by type "VisitorInput"/,
    ],
    [
      'a date that is not one',
      { ...base('m5', {}), startedAt: 'yesterday' },
      /"yesterday" is not an ISO 8601 date-time/,
    ],
  ])('%s', async (_name, input, message) => {
    const error = await graphqlError(send(input));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
    expect(error.message).not.toBe('Unexpected error.');
  });
});

describe('sizes', () => {
  it('records a 2 MB transcript', async () => {
    const result = await send({
      ...base('big-transcript', { name: 'Verbose', email: 'verbose@example.com' }),
      messages: [{ at, from: 'VISITOR', text: 'long words '.repeat(200_000) }],
    });
    if (result.recordChat.__typename !== 'MutationRecordChatSuccess')
      throw new Error(result.recordChat.message);
    expect(result.recordChat.data.status).toBe('SYNCED');
    const tasks = await org.sandbox.control.records('Task');
    const task = tasks.find((t: { Description?: string }) =>
      t.Description?.includes('Chat ID: big-transcript'),
    );
    expect(task.Description).toContain('long words long words');
  });

  it('refuses an attachment over the 25 MB cap, naming the field', async () => {
    const base64 = 'A'.repeat(Math.ceil((MAX_ATTACHMENT_BYTES + 3) / 3) * 4);
    const result = await send({ ...base('big-file', {}), attachments: [{ name: 'huge.bin', base64 }] });
    expect(result.recordChat).toEqual({
      __typename: 'InvalidInputError',
      field: 'attachments[0].base64',
      message: 'Attachment "huge.bin" is larger than 25 MB.',
    });
  });

  it('refuses an attachment that is not base64, naming the field', async () => {
    const result = await send({
      ...base('bad-file', {}),
      attachments: [
        { name: 'ok.txt', base64: 'aGVsbG8=' },
        { name: 'bad.txt', base64: 'hello world!' },
      ],
    });
    expect(result.recordChat).toEqual({
      __typename: 'InvalidInputError',
      field: 'attachments[1].base64',
      message: 'Attachment "bad.txt" is not valid base64.',
    });
  });
});

describe('visitor fields', () => {
  it.each([
    ['an email that is not one', { name: 'No Mail', email: 'not-an-email' }],
    ['a phone that is not one', { name: 'No Phone', phone: 'call me maybe' }],
  ])('%s: recorded or refused with the org’s reason, never a crash', async (_name, visitor) => {
    const result = await send(base(`invalid-${visitor.name}`, visitor));
    if (result.recordChat.__typename !== 'MutationRecordChatSuccess')
      throw new Error(result.recordChat.message);
    const { status, lastError, lastErrorCode } = result.recordChat.data;
    if (status === 'SYNCED') expect(lastError ?? null).toBeNull();
    else expect({ status, code: lastErrorCode }).toMatchObject({ status: 'DEAD', code: expect.any(String) });
    noUnexpectedErrors();
  });

  it('NUL in a visitor field is refused naming the field, or recorded without it: never "Unexpected error."', async () => {
    const result = await send(
      base('strange-nul', { name: 'a\u0000b', company: 'a\u0000b', email: 'nul@strange.example' }),
    );
    if (result.recordChat.__typename === 'InvalidInputError')
      expect(result.recordChat.field).toMatch(/^visitor\./);
    else expect(result.recordChat.data.status).toBe('SYNCED');
    noUnexpectedErrors();
  });

  const strange = {
    'RTL marks': '\u200Fمرحبا\u200E',
    emoji: 'Zoë 👩🏽‍💻🚀',
    'other control characters': 'tab\tbell\u0007esc\u001b',
  };
  it.each(Object.entries(strange))('%s in every visitor field are recorded as given', async (kind, text) => {
    const chatId = `strange-${kind.replace(/\W/g, '')}`;
    const email = `${chatId}@strange.example`;
    const result = await send(
      base(chatId, {
        name: text,
        firstName: text,
        lastName: text,
        company: text,
        // A number of its own: the same digits would rightly find the previous case's Lead by phone.
        phone: `+1 555 01${Object.keys(strange).indexOf(kind)}0 ${text}`,
        email,
      }),
    );
    if (result.recordChat.__typename !== 'MutationRecordChatSuccess')
      throw new Error(result.recordChat.message);
    expect(result.recordChat.data.status).toBe('SYNCED');
    const [lead] = await org.sandbox.control.records('Lead', { Email: email });
    expect(lead.Company).toBe(text);
    noUnexpectedErrors();
  });
});

describe('SOQL metacharacters in identifying fields', () => {
  const returning = async (chatId: string, visitor: RecordChatInput['visitor']) => {
    for (const n of [1, 2]) {
      const result = await send(base(`${chatId}-${n}`, { name: 'Meta', ...visitor }));
      if (result.recordChat.__typename !== 'MutationRecordChatSuccess')
        throw new Error(result.recordChat.message);
      expect(result.recordChat.data).toMatchObject({ status: 'SYNCED', lastError: null });
    }
  };

  it.each([
    ['a quote', "o'brien@soql.example"],
    ['LIKE wildcards', '100%_off@soql.example'],
  ])('%s in an email: the returning visitor is found again, and nobody else is', async (kind, email) => {
    await returning(`soql-email-${kind.replace(/\W/g, '')}`, { email });
    const leads = await org.sandbox.control.records('Lead', { Email: email });
    expect(leads).toHaveLength(1);
    expect(await org.sandbox.control.records('Task', { WhoId: leads[0].Id })).toHaveLength(2);
    noUnexpectedErrors();
  });

  it("quotes, backslashes, wildcards and newlines in a phone: found again by the phone's digits", async () => {
    const phone = "+1 (555) 01'\\%_\n99";
    await returning('soql-phone', { phone });
    const leads = await org.sandbox.control.records('Lead', { Phone: phone });
    expect(leads).toHaveLength(1);
    expect(await org.sandbox.control.records('Task', { WhoId: leads[0].Id })).toHaveLength(2);
    noUnexpectedErrors();
  });

  it.each([
    ['a backslash', 'back\\slash@soql.example'],
    ['a newline', 'new\nline@soql.example'],
  ])('%s in an email: dead-lettered with the org’s reason (not an email address)', async (_kind, email) => {
    const result = await send(base(`soql-bad-email-${email.length}`, { name: 'Meta', email }));
    if (result.recordChat.__typename !== 'MutationRecordChatSuccess')
      throw new Error(result.recordChat.message);
    expect(result.recordChat.data).toMatchObject({ status: 'DEAD', lastErrorCode: 'INVALID_EMAIL_ADDRESS' });
    expect(result.recordChat.data.lastError).toContain('invalid email address');
    noUnexpectedErrors();
  });
});

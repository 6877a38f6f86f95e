// Bounded storage per chat: events, attachments and bytes one chat may hold are limited, and a chat at its limit is
// refused at the API with a coded error naming the limit (issue 16.2: 95 × 25 MB attachments on one chat crashed the
// worker). Limits are lowered here so the test sends megabytes, not gigabytes; what holds for these holds for the
// defaults (src/sync/limits.ts).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectedTenant, startConnectedTenant } from '../support/connected-tenant.ts';

const MB = 1024 * 1024;
let org: ConnectedTenant;

beforeAll(async () => {
  org = await startConnectedTenant({
    sync: { limits: { eventsPerChat: 6, attachmentsPerChat: 5, bytesPerChat: 4 * MB } },
  });
});
afterAll(() => org?.close());

const at = '2026-11-28T10:00:00.000Z';
const file = (name: string, bytes: number) => ({
  name,
  contentType: 'application/octet-stream',
  base64: randomBytes(bytes).toString('base64'),
});
const Record = `mutation LimitRecord($input: RecordChatInput!) {
  recordChat(input: $input) {
    __typename
    ... on InvalidInputError { message field }
    ... on MutationRecordChatSuccess { data { status } }
  }
}`;

async function record(chatId: string, extra: Record<string, unknown>) {
  const result = await org.service.client(org.keys.INTEGRATION).request<{
    recordChat: { __typename: string; message?: string; field?: string; data?: { status: string } };
  }>(Record, {
    input: {
      chatId,
      event: 'STARTED',
      visitor: { name: chatId, email: `${chatId}@example.com` },
      startedAt: at,
      ...extra,
    },
  });
  return result.recordChat;
}

describe('storage limits per chat', () => {
  it('refuses the attachment past the chat limit, naming it', async () => {
    expect(
      (await record('many-files', { attachments: [1, 2, 3].map((i) => file(`a${i}.bin`, 10)) })).__typename,
    ).toBe('MutationRecordChatSuccess');
    const refused = await record('many-files', {
      eventId: 'second',
      attachments: [4, 5, 6].map((i) => file(`b${i}.bin`, 10)),
    });
    expect(refused).toMatchObject({ __typename: 'InvalidInputError', field: 'attachments' });
    expect(refused.message).toMatch(/at most 5 attachments/);
  });

  it('refuses the bytes past the chat limit, naming it, and the chat still syncs what it holds', async () => {
    // A megabyte at a time, as the attack sent 25 MB at a time: accepted until the chat holds its limit.
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await record('big-files', { eventId: `e${i}`, attachments: [file(`f${i}.bin`, MB)] });
      answers.push(answer.__typename === 'InvalidInputError' ? `refused: ${answer.message}` : 'accepted');
    }
    expect(answers.filter((a) => a === 'accepted').length).toBeGreaterThanOrEqual(2);
    expect(answers.at(-1)).toMatch(/refused: A chat holds at most 4 MB/);
    const prisma = org.service.app.db.prisma;
    const deadline = Date.now() + 30_000;
    let status = '';
    while (Date.now() < deadline && status !== 'SYNCED') {
      status = (await prisma.syncRecord.findFirstOrThrow({ where: { sourceId: 'big-files' } })).status;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe('SYNCED');
    // The files are stored apart: the events a worker loads name them, without their bytes.
    const where = { syncRecord: { sourceId: 'big-files' } };
    const events = await prisma.syncEvent.findMany({ where });
    expect(events.some((e) => JSON.stringify(e.payload).includes('"base64"'))).toBe(false);
    const files = await prisma.syncAttachment.findMany({ where, select: { size: true } });
    expect(files.map((f) => f.size)).toEqual(answers.filter((a) => a === 'accepted').map(() => MB));
    // Uploaded whole (each file at least once: see the report on re-uploads when a chat is planned again).
    const versions = (await org.sandbox.control.records('ContentVersion')).filter((v) =>
      /^f\d\.bin$/.test(String(v.Title)),
    );
    expect(new Set(versions.map((v) => v.Title)).size).toBe(files.length);
    for (const v of versions) expect(Buffer.from(String(v.VersionData), 'base64').length).toBe(MB);
  });

  it('refuses events past the chat limit', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await record('many-events', { eventId: `n${i}` }));
    expect(answers.slice(0, 6).every((a) => a.__typename === 'MutationRecordChatSuccess')).toBe(true);
    expect(answers[6]).toMatchObject({ __typename: 'InvalidInputError', field: 'event' });
    expect(answers[6]!.message).toMatch(/at most 6 events/);
  });
});

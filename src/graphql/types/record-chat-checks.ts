// Input checks that GraphQL types cannot express, each naming the field to fix.
import type { CxEvent } from '../../mapping/event.ts';
import { InvalidInputError } from '../errors.ts';

/** Salesforce's JSON limit for a base64 file body is 37.5 MB; stay clear of it. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
export const MAX_ATTACHMENTS = 20;
export const MAX_WAIT_SECONDS = 30;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function checkEventInput(event: CxEvent, waitSeconds?: number | null): void {
  const idField = event.kind.startsWith('chat.') ? 'chatId' : 'conversationId';
  if (!event.id.trim() || event.id.length > 255) {
    throw new InvalidInputError(`${idField} must be 1 to 255 characters.`, idField);
  }
  if (waitSeconds != null && (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS)) {
    throw new InvalidInputError(`waitSeconds must be between 0 and ${MAX_WAIT_SECONDS}.`, 'waitSeconds');
  }
  const attachments = event.attachments ?? [];
  if (attachments.length > MAX_ATTACHMENTS) {
    throw new InvalidInputError(`At most ${MAX_ATTACHMENTS} attachments per event.`, 'attachments');
  }
  attachments.forEach((attachment, index) => {
    if (!attachment.name.trim())
      throw new InvalidInputError('An attachment needs a file name.', `attachments[${index}].name`);
    if (!BASE64.test(attachment.base64) || attachment.base64.length % 4 !== 0) {
      throw new InvalidInputError(
        `Attachment "${attachment.name}" is not valid base64.`,
        `attachments[${index}].base64`,
      );
    }
    if ((attachment.base64.length * 3) / 4 > MAX_ATTACHMENT_BYTES) {
      throw new InvalidInputError(
        `Attachment "${attachment.name}" is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`,
        `attachments[${index}].base64`,
      );
    }
  });
  if (event.startedAt && event.endedAt && event.endedAt < event.startedAt) {
    throw new InvalidInputError('endedAt is before startedAt.', 'endedAt');
  }
}

/** NUL characters cannot be stored by PostgreSQL nor sent to Salesforce: they are dropped from every text. */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  }
  return value;
}

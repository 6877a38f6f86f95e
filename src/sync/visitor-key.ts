// The key that ties a visitor's chats together in the ledger: the email, trimmed and lower-cased, else the phone's
// digits. Chats of one key are synced one after another, so a new visitor becomes exactly one Lead or Contact.
import type { CxEvent } from '../mapping/event.ts';

export function normalizeVisitorKey(visitor: CxEvent['visitor']): string | null {
  const email = visitor.email?.trim().toLowerCase();
  if (email) return `email:${email}`;
  const digits = visitor.phone?.replace(/\D/g, '');
  if (digits && digits.length >= 5) return `phone:${digits}`;
  return null;
}

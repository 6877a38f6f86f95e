// A chat's files live in SyncAttachment, apart from its events: the events a worker loads and plans from carry only
// each file's name and size, and a file's bytes are read from the database just before its upload, for the chats
// being written at that moment.
import type { Prisma } from '../db/open.ts';
import type { CxEvent } from '../mapping/event.ts';
import type { DmlPlan, PlanStep } from '../mapping/index.ts';
import type { StoredEvent } from './stored-json.ts';

/** What an upload's VersionData says until the file's bytes are read: `cxsf-attachment:<file name>`. */
const REF_PREFIX = 'cxsf-attachment:';

export interface StoredAttachment {
  name: string;
  contentType?: string;
  size: number;
}

/** The event as stored (files by name and size) and the files themselves. */
export function splitAttachments(event: CxEvent): {
  stored: Omit<StoredEvent, 'attachments'> & { attachments?: StoredAttachment[] };
  files: Array<{ name: string; contentType: string | null; base64: string }>;
} {
  if (!event.attachments?.length) {
    const { attachments, ...rest } = event;
    return { stored: attachments ? { ...rest, attachments: [] } : rest, files: [] };
  }
  const files = event.attachments.map((a) => ({
    name: a.name,
    contentType: a.contentType ?? null,
    base64: a.base64,
  }));
  const refs = event.attachments.map((a) => ({
    name: a.name,
    ...(a.contentType ? { contentType: a.contentType } : {}),
    size: Math.floor((a.base64.length * 3) / 4) - (a.base64.match(/=+$/)?.[0].length ?? 0),
  }));
  return { stored: { ...event, attachments: refs }, files };
}

/** A stored event as the planner reads it: each file stands for its bytes by a reference. */
export function withAttachmentRefs(event: StoredEvent): CxEvent {
  const { attachments, ...rest } = event;
  if (!attachments?.length) return rest;
  return {
    ...rest,
    attachments: attachments.map((a) => ({
      ...a,
      // Events stored before files had their own table carry the bytes inline.
      base64: typeof a.base64 === 'string' ? a.base64 : `${REF_PREFIX}${a.name}`,
    })),
  };
}

/** The plans' steps with each referenced file's bytes read in: one query for the chats written together. */
export async function loadAttachmentData(
  prisma: Prisma,
  plans: Array<{ recordId: string; plan: DmlPlan }>,
): Promise<PlanStep[][]> {
  const wanted = plans.flatMap(({ recordId, plan }) =>
    plan.steps.flatMap((step) => {
      const data = step.op === 'upload' ? step.fields.VersionData : undefined;
      return typeof data === 'string' && data.startsWith(REF_PREFIX)
        ? [{ syncRecordId: recordId, name: data.slice(REF_PREFIX.length) }]
        : [];
    }),
  );
  const rows =
    wanted.length === 0
      ? []
      : await prisma.syncAttachment.findMany({
          where: { OR: wanted },
          select: { syncRecordId: true, name: true, data: true },
        });
  const byKey = new Map(rows.map((row) => [`${row.syncRecordId}\u0000${row.name}`, row.data]));
  return plans.map(({ recordId, plan }) =>
    plan.steps.map((step): PlanStep => {
      if (step.op !== 'upload' || !step.fields.VersionData.startsWith(REF_PREFIX)) return step;
      const name = step.fields.VersionData.slice(REF_PREFIX.length);
      const bytes = byKey.get(`${recordId}\u0000${name}`);
      return {
        ...step,
        fields: { ...step.fields, VersionData: Buffer.from(bytes ?? []).toString('base64') },
      };
    }),
  );
}

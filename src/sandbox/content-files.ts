// What saving a file does: a new ContentVersion makes (or extends) a ContentDocument and links it
// to its owner and, through FirstPublishLocationId, to the record it was published to.
import { KEY_PREFIXES } from './ids.ts';
import type { Org } from './org.ts';
import { type SObject, sfDatetime } from './store.ts';

function systemValues(userId: string): SObject {
  const now = sfDatetime();
  return {
    IsDeleted: false,
    CreatedDate: now,
    CreatedById: userId,
    LastModifiedDate: now,
    LastModifiedById: userId,
    SystemModstamp: now,
  };
}

export function link(
  org: Org,
  userId: string,
  documentId: string,
  entityId: string,
  shareType: string,
): void {
  org.store.put('ContentDocumentLink', {
    Id: org.store.ids.next(KEY_PREFIXES.ContentDocumentLink),
    ...systemValues(userId),
    ContentDocumentId: documentId,
    LinkedEntityId: entityId,
    ShareType: shareType,
    Visibility: 'AllUsers',
  });
}

/** Runs after a ContentVersion insert; `version` is already stored. */
export function publishVersion(org: Org, userId: string, version: SObject): void {
  const store = org.store;
  const existingDocId = typeof version.ContentDocumentId === 'string' ? version.ContentDocumentId : undefined;
  const documentId = existingDocId ?? store.ids.next(KEY_PREFIXES.ContentDocument);
  const previous = store
    .all('ContentVersion')
    .filter((v) => v.ContentDocumentId === documentId && v.Id !== version.Id);
  for (const v of previous) store.put('ContentVersion', { ...v, IsLatest: false });
  const document = store.get('ContentDocument', documentId);
  store.put('ContentDocument', {
    ...(document ?? { Id: documentId, ...systemValues(userId), OwnerId: version.OwnerId }),
    Title: version.Title,
    LatestPublishedVersionId: version.Id,
    FileType: version.FileType,
    FileExtension: version.FileExtension,
    ContentSize: version.ContentSize,
    LastModifiedDate: sfDatetime(),
  });
  store.put('ContentVersion', {
    ...version,
    ContentDocumentId: documentId,
    VersionNumber: String(previous.length + 1),
  });
  if (existingDocId) return;
  link(org, userId, documentId, String(version.OwnerId), 'I');
  const location = version.FirstPublishLocationId;
  if (typeof location === 'string' && location !== version.OwnerId)
    link(org, userId, documentId, location, 'V');
}

/** Deleting a document deletes its versions and links. */
export function deleteDocument(org: Org, documentId: string): void {
  for (const type of ['ContentVersion', 'ContentDocumentLink']) {
    for (const r of org.store.all(type)) {
      if (r.ContentDocumentId === documentId && !r.IsDeleted) org.store.put(type, { ...r, IsDeleted: true });
    }
  }
}

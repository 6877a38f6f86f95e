// Files: a ContentVersion belongs to a ContentDocument, shared to records by ContentDocumentLinks.
import {
  checkbox,
  integer,
  type ObjectDef,
  picklist,
  readOnly,
  reference,
  required,
  systemFields,
  text,
  textarea,
} from './field-def.ts';

const createOnly = { updateable: false };

export const contentVersion: ObjectDef = {
  name: 'ContentVersion',
  label: 'Content Version',
  labelPlural: 'Content Versions',
  keyPrefix: '068',
  createable: true,
  updateable: true,
  deletable: false,
  hasOwner: true,
  fields: [
    ...systemFields(true),
    required('Title', 'Title', 255),
    required('PathOnClient', 'Path On Client', 500, createOnly),
    { ...required('VersionData', 'Version Data', 0, createOnly), type: 'base64' },
    textarea('Description', 'Description', 1000),
    // Set by Salesforce, or given to add a version to an existing document.
    reference('ContentDocumentId', 'ContentDocument ID', ['ContentDocument'], 'ContentDocument', createOnly),
    // Files can be added to activities (Tasks) as well as to records with a feed.
    reference(
      'FirstPublishLocationId',
      'First Publish Location ID',
      ['Account', 'Case', 'Contact', 'Lead', 'Task', 'User'],
      'FirstPublishLocation',
      createOnly,
    ),
    text('FileType', 'File Type', 20, readOnly),
    text('FileExtension', 'File Extension', 40, readOnly),
    integer('ContentSize', 'Size', readOnly),
    text('VersionNumber', 'Version Number', 20, readOnly),
    checkbox('IsLatest', 'Is Latest', readOnly),
    picklist('ContentLocation', 'Content Location', ['S', 'E', 'L'], 'S', createOnly),
  ],
};

export const contentDocument: ObjectDef = {
  name: 'ContentDocument',
  label: 'Content Document',
  labelPlural: 'Content Documents',
  keyPrefix: '069',
  createable: false,
  updateable: true,
  deletable: true,
  hasOwner: true,
  fields: [
    ...systemFields(true),
    required('Title', 'Title', 255),
    reference(
      'LatestPublishedVersionId',
      'Latest Published Version ID',
      ['ContentVersion'],
      'LatestPublishedVersion',
      readOnly,
    ),
    text('FileType', 'File Type', 20, readOnly),
    text('FileExtension', 'File Extension', 40, readOnly),
    integer('ContentSize', 'Size', readOnly),
  ],
};

export const contentDocumentLink: ObjectDef = {
  name: 'ContentDocumentLink',
  label: 'Content Document Link',
  labelPlural: 'Content Document Link',
  keyPrefix: '06A',
  createable: true,
  updateable: true,
  deletable: true,
  hasOwner: false,
  fields: [
    ...systemFields(false),
    reference('ContentDocumentId', 'ContentDocument ID', ['ContentDocument'], 'ContentDocument', {
      nillable: false,
      updateable: false,
    }),
    reference(
      'LinkedEntityId',
      'Linked Entity ID',
      ['Account', 'Case', 'Contact', 'Lead', 'Task', 'User'],
      'LinkedEntity',
      {
        nillable: false,
        updateable: false,
      },
    ),
    picklist('ShareType', 'Share Type', ['V', 'C', 'I'], undefined, { nillable: false }),
    picklist('Visibility', 'Visibility', ['AllUsers', 'InternalUsers', 'SharedUsers'], undefined, {
      defaultedOnCreate: true,
    }),
  ],
};

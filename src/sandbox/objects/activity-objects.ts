// Task and User.
import {
  checkbox,
  date,
  email,
  integer,
  type ObjectDef,
  phone,
  picklist,
  readOnly,
  reference,
  required,
  systemFields,
  text,
  textarea,
} from './field-def.ts';

export const task: ObjectDef = {
  name: 'Task',
  label: 'Task',
  labelPlural: 'Tasks',
  keyPrefix: '00T',
  createable: true,
  updateable: true,
  deletable: true,
  hasOwner: true,
  fields: [
    ...systemFields(true).map((f) =>
      f.name === 'OwnerId' ? { ...f, label: 'Assigned To ID', referenceTo: ['Group', 'User'] } : f,
    ),
    // WhoId is a person (Lead or Contact); WhatId is a thing (Account, Case, ...).
    reference('WhoId', 'Name ID', ['Contact', 'Lead'], 'Who'),
    reference('WhatId', 'Related To ID', ['Account', 'Case'], 'What'),
    {
      ...text('Subject', 'Subject', 255),
      type: 'combobox',
      picklistValues: ['Call', 'Send Letter', 'Send Quote', 'Other'],
    },
    date('ActivityDate', 'Due Date Only'),
    picklist(
      'Status',
      'Status',
      ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
      'Not Started',
    ),
    picklist('Priority', 'Priority', ['High', 'Normal', 'Low'], 'Normal'),
    picklist('Type', 'Type', ['Call', 'Email', 'Meeting', 'Other']),
    picklist('TaskSubtype', 'Task Subtype', ['Task', 'Email', 'ListEmail', 'Cadence', 'Call'], undefined, {
      updateable: false,
    }),
    textarea('Description', 'Comments'),
    integer('CallDurationInSeconds', 'Call Duration'),
    reference('AccountId', 'Account ID', ['Account'], 'Account', readOnly),
    checkbox('IsClosed', 'Closed', readOnly),
  ],
};

/** Users are seeded through the control API; the REST API only reads them here. */
export const user: ObjectDef = {
  name: 'User',
  label: 'User',
  labelPlural: 'Users',
  keyPrefix: '005',
  createable: false,
  updateable: false,
  deletable: false,
  hasOwner: false,
  fields: [
    ...systemFields(false),
    required('Username', 'Username', 80, { unique: true }),
    text('FirstName', 'First Name', 40),
    required('LastName', 'Last Name', 80),
    text('Name', 'Full Name', 121, readOnly),
    required('Alias', 'Alias', 8),
    email('Email', 'Email', 128, { nillable: false }),
    text('Title', 'Title', 80),
    text('Department', 'Department', 80),
    phone('Phone', 'Phone'),
    checkbox('IsActive', 'Active'),
    picklist(
      'UserType',
      'User Type',
      ['Standard', 'PowerPartner', 'CspLitePortal', 'Guest'],
      'Standard',
      readOnly,
    ),
  ],
};

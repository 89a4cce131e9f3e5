import { type Static, Type } from 'typebox';
import { listQuery } from '../http/common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Status = Type.Union(['pending', 'sent', 'failed', 'outbox', 'skipped'].map((s) => Type.Literal(s)));

export const EmailSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    template: Type.String({
      description:
        'What it is: the event that queued it (license.created …) or a staff email (staff.invitation …); see GET /api/v1/account/email-settings',
    }),
    subject_type: Nullable(Type.String()),
    subject_id: Nullable(Type.String()),
    to_address: Nullable(Type.String({ description: 'Set once sent' })),
    subject: Nullable(Type.String({ description: 'Set once sent' })),
    status: Status,
    attempts: Type.Integer(),
    next_attempt_at: DateTime,
    last_error: Nullable(Type.String()),
    message_id: Nullable(Type.String()),
    sent_at: Nullable(DateTime),
    created_at: DateTime,
  },
  { $id: 'Email' },
);

export const EmailPreviewSchema = Type.Object(
  {
    email: Type.Ref('Email'),
    preview: Nullable(
      Type.Object({
        to: Nullable(Type.String()),
        from: Type.String(),
        subject: Type.String(),
        text: Type.String(),
        html: Type.String(),
      }),
    ),
    not_sent_because: Nullable(
      Type.String({ description: 'Why it would not be sent now (turned off, no recipient …)' }),
    ),
  },
  { $id: 'EmailPreview' },
);

export const ListEmailsQuery = listQuery(['created_at'], {
  status: Type.Optional(Status),
  template: Type.Optional(Type.String({ maxLength: 80 })),
});
export type ListEmailsFilters = Static<typeof ListEmailsQuery>;

export const MailSettingSchema = Type.Object(
  {
    template: Type.String(),
    audience: Type.Union([Type.Literal('customer'), Type.Literal('staff'), Type.Literal('owners')]),
    description: Type.String(),
    enabled: Type.Boolean(),
    default_enabled: Type.Boolean(),
    required: Type.Boolean({ description: 'Sign-in emails cannot be turned off' }),
  },
  { $id: 'MailSetting' },
);

export const UpdateMailSettingsBody = Type.Object(
  {
    templates: Type.Record(Type.String({ maxLength: 80 }), Type.Union([Type.Boolean(), Type.Null()]), {
      description: 'template → on (true), off (false), or back to its default (null)',
      minProperties: 1,
    }),
  },
  { additionalProperties: false },
);

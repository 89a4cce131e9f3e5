import { Type } from 'typebox';
import { INTEGRITY_CODES } from './integrity.js';
import { REPORT_KINDS } from './reports.js';

const Nullable = (type: 'string') => Type.Unsafe<string | null>({ type: [type, 'null'] });

export const OfflineActivateBody = Type.Object(
  {
    request: Type.Union([
      Type.String({
        minLength: 1,
        maxLength: 20_000,
        description: 'The armored activation request the app wrote',
      }),
      Type.Object(
        {},
        { additionalProperties: true, maxProperties: 20, description: 'The same request as a JSON object' },
      ),
    ]),
    encrypt: Type.Optional(
      Type.Boolean({ description: 'Encrypt the license with the license key (AES-256-GCM)' }),
    ),
  },
  { additionalProperties: false },
);

export const LicenseFileResponse = Type.Object({
  license_file: Type.String(),
  license_id: Type.String(),
  activation_id: Type.String(),
  device_id: Type.String(),
  kid: Type.String(),
  alg: Type.String(),
  issued_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time' }),
  encrypted: Type.Boolean(),
});

export const IntegrityBody = Type.Union(
  [
    Type.Object({ token: Type.String({ minLength: 1, maxLength: 16_384 }) }, { additionalProperties: false }),
    Type.Object(
      { license_file: Type.String({ minLength: 1, maxLength: 65_536 }) },
      { additionalProperties: false },
    ),
  ],
  { description: 'Exactly one of token or license_file' },
);

export const IntegrityResponse = Type.Object({
  genuine: Type.Boolean(),
  valid: Type.Boolean(),
  kind: Type.Union([Type.Literal('token'), Type.Literal('license_file')]),
  code: Type.Union(INTEGRITY_CODES.map((c) => Type.Literal(c))),
  reason: Type.String(),
  license_id: Nullable('string'),
  activation_id: Nullable('string'),
  kid: Nullable('string'),
  issued_at: Nullable('string'),
  expires_at: Nullable('string'),
});

export const ReportBody = Type.Object(
  {
    license_key: Type.String({ minLength: 8, maxLength: 100 }),
    device_id: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Union(REPORT_KINDS.map((k) => Type.Literal(k))),
    details: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean(), Type.Null()]),
        {
          maxProperties: 20,
        },
      ),
    ),
    emergency_slot: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 })),
  },
  { additionalProperties: false },
);

export const ReportResponse = Type.Object({
  recorded: Type.Literal(true),
  license_id: Type.String(),
  activation_id: Nullable('string'),
});

export const EmergencyCodeBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const EmergencyCodeResponse = Type.Object({
  id: Type.String(),
  code: Type.String({ description: 'Give this to the customer; it is not shown again' }),
  slot: Type.Integer(),
  activation_id: Type.String(),
  license_id: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
  created_at: Type.String({ format: 'date-time' }),
});

export const EmergencyCodeListItem = Type.Object({
  id: Type.String(),
  activation_id: Type.String(),
  slot: Type.Integer(),
  reason: Nullable('string'),
  expires_at: Type.String({ format: 'date-time' }),
  redeemed_at: Nullable('string'),
  created_at: Type.String({ format: 'date-time' }),
});

import { type Static, Type } from 'typebox';

export const LicenseUserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    license_id: Type.String({ format: 'uuid' }),
    user: Type.String({ description: 'The email or external id the app sends as `user` when it activates' }),
    name: Type.Union([Type.String(), Type.Null()]),
    devices: Type.Integer({ description: 'Live devices of this user on the license' }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'LicenseUser' },
);

export const AssignUserBody = Type.Object(
  {
    user: Type.String({ minLength: 1, maxLength: 320, description: 'Email or external id' }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type AssignUserInput = Static<typeof AssignUserBody>;

export const LicenseUserParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), userId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export interface LicenseUserRow {
  id: string;
  license_id: string;
  user: string;
  name: string | null;
  devices: number;
  created_at: Date;
}

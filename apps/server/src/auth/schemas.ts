import { Type } from 'typebox';
import { ROLES } from './permissions.js';

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('invited')], {
      description: 'invited: has not yet chosen a password with the emailed link',
    }),
    last_login_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);

export const LoginBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    account: Type.Optional(
      Type.String({ maxLength: 63, description: 'Account slug, when one email belongs to several accounts' }),
    ),
  },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object(
  { refresh_token: Type.String({ minLength: 10, maxLength: 200 }) },
  { additionalProperties: false },
);

export const SessionSchema = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.String(),
  user: Type.Object({
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    account_id: Type.String(),
  }),
});

export const MeSchema = Type.Object({
  user: Type.Ref('User'),
  account: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }),
});

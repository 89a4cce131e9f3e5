import { Type } from 'typebox';
import { RoleSchema } from '../auth/schemas.js';
import { listQuery } from '../http/common-schemas.js';

export const CreateUserBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    role: RoleSchema,
    password: Type.Optional(
      Type.String({
        minLength: 12,
        maxLength: 1024,
        description: 'Without it the user is invited: emailed a one-time link (7 days) to choose their own',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListUsersQuery = listQuery(['email', 'name', 'role', 'created_at'], {
  role: Type.Optional(RoleSchema),
});

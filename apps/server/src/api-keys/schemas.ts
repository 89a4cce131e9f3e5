import { Type } from 'typebox';
import { RoleSchema } from '../auth/schemas.js';

export const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    prefix: Type.String(),
    role: RoleSchema,
    created_by: Nullable(Type.String()),
    last_used_at: Nullable(Type.String({ format: 'date-time' })),
    expires_at: Nullable(Type.String({ format: 'date-time' })),
    revoked_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'ApiKey' },
);

export const CreatedApiKeySchema = Type.Intersect([
  Type.Ref('ApiKey'),
  Type.Object({ secret: Type.String({ description: 'Shown once' }) }),
]);

export const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Union(['admin', 'developer', 'sales', 'support', 'read_only'].map((r) => Type.Literal(r))),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    include_revoked: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

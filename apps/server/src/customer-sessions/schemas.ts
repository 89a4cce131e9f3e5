import { Type } from 'typebox';

export const SignInRequestBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    account: Type.Optional(
      Type.String({ maxLength: 63, description: 'Account slug, to sign in to one vendor only' }),
    ),
  },
  { additionalProperties: false },
);

export const SignInBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200, description: 'The token from the emailed link' }) },
  { additionalProperties: false },
);

export const PortalCustomerSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  company_name: Type.Union([Type.String(), Type.Null()]),
  account: Type.Object({ name: Type.String(), slug: Type.String() }),
});

export const PortalSessionSchema = Type.Object({
  token: Type.String({
    description: 'Send as "Authorization: Bearer <token>" to the /api/v1/portal/me routes',
  }),
  expires_at: Type.String({ format: 'date-time' }),
  customer: PortalCustomerSchema,
});

import { Type } from 'typebox';

export const AccountSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    name: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')], {
      description:
        "disabled: its staff and API keys are refused (ACCOUNT_DISABLED); its customers' licenses keep working",
    }),
    disabled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    users: Type.Integer({ description: 'Staff users' }),
    licenses: Type.Integer(),
  },
  { $id: 'Account' },
);

/** An account's slug (the accounts table checks the same). */
export const SLUG_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';

export const CreateAccountBody = Type.Object(
  {
    slug: Type.String({
      pattern: SLUG_PATTERN,
      description:
        'Lower-case letters, digits and dashes, 2–63 characters; names the account at sign-in and in the JWKS URL',
    }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    owner_email: Type.String({ format: 'email', maxLength: 254 }),
    owner_password: Type.Optional(
      Type.String({
        minLength: 12,
        maxLength: 1024,
        description: 'Without it the owner is invited: emailed a one-time link (7 days) to choose their own',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreatedAccountSchema = Type.Object({
  account: Type.Ref('Account'),
  owner: Type.Object({
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('invited')]),
  }),
});

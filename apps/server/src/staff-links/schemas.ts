import { Type } from 'typebox';
import { MIN_PASSWORD_LENGTH } from '../auth/password-policy.js';

const Token = Type.String({ minLength: 10, maxLength: 200, description: 'The token from the emailed link' });
const Password = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 });

export const PasswordResetRequestBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    account: Type.Optional(Type.String({ maxLength: 63, description: 'Account slug, to reset only there' })),
  },
  { additionalProperties: false },
);

export const PasswordResetBody = Type.Object(
  { token: Token, password: Password },
  { additionalProperties: false },
);

export const AcceptInvitationBody = Type.Object(
  { token: Token, password: Password, name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);

export const InspectLinkBody = Type.Object({ token: Token }, { additionalProperties: false });

export const LinkSchema = Type.Object(
  {
    purpose: Type.Union([Type.Literal('invitation'), Type.Literal('password_reset')]),
    email: Type.String(),
    name: Type.String(),
    account_name: Type.String(),
    expires_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'StaffLink' },
);

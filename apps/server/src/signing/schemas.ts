import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const SigningAlgSchema = Type.Union([Type.Literal('EdDSA'), Type.Literal('RS256')]);

/** A signing key as the admin API shows it: public parts only, never the private key. */
export const SigningKeySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kid: Type.String(),
    alg: SigningAlgSchema,
    status: Type.Union([Type.Literal('active'), Type.Literal('retiring'), Type.Literal('retired')]),
    public_jwk: Type.Record(Type.String(), Type.Unknown()),
    product_id: Nullable(
      Type.String({ format: 'uuid', description: "A product's own key (token settings)" }),
    ),
    issuer: Nullable(Type.String()),
    audience: Nullable(Type.String()),
    created_at: Type.String({ format: 'date-time' }),
    rotated_at: Nullable(Type.String({ format: 'date-time' })),
    retire_after: Nullable(Type.String({ format: 'date-time' })),
    retired_at: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'SigningKey' },
);

export const RotateBody = Type.Object(
  {
    alg: Type.Optional(SigningAlgSchema),
    overlap_hours: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 365 })),
  },
  { additionalProperties: false },
);

export const JwksSchema = Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) });

/** Each account publishes its own keys: the JWKS names one, by id (the tokens' account_id) or slug. */
export const JwksQuery = Type.Object(
  {
    account: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          "The account's id (the account_id claim of its tokens) or its slug; without it, the server's first account",
      }),
    ),
  },
  { additionalProperties: false },
);

/** A product's token settings: the algorithm, issuer and audience of its licenses' activation tokens. */
export const TokenSettingsBody = Type.Object(
  {
    algorithm: SigningAlgSchema,
    issuer: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: 200,
          description: "The tokens' iss; null: this server's URL",
        }),
      ),
    ),
    audience: Type.Optional(
      Nullable(
        Type.String({
          minLength: 1,
          maxLength: 200,
          description: "Your app's audience, sent first in aud (keyward:license follows); null: none",
        }),
      ),
    ),
    overlap_hours: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 365 })),
  },
  { additionalProperties: false },
);

export const TokenSettingsSchema = Type.Object(
  {
    product_id: Type.String({ format: 'uuid' }),
    own_key: Type.Boolean({
      description: "True when the product signs with its own key, else with the account's",
    }),
    algorithm: SigningAlgSchema,
    issuer: Type.String(),
    audience: Type.String(),
    kid: Nullable(Type.String()),
  },
  { $id: 'TokenSettings' },
);

export const OverlapQuery = Type.Object(
  { overlap_hours: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 365 })) },
  { additionalProperties: false },
);

import { type Static, Type } from 'typebox';
import type { Branding } from './templates.js';

export const BrandingSchema = Type.Object(
  {
    product_name: Type.String({ minLength: 1, maxLength: 100, description: 'Default: the account name' }),
    from_name: Type.String({ minLength: 1, maxLength: 100, description: 'Default: the product name' }),
    // The default (no-reply@ the PUBLIC_URL host) may be at a bare host name such as localhost.
    from_email: Type.String({ maxLength: 254, description: 'Default: no-reply@ the PUBLIC_URL host' }),
    support_email: Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()]),
    logo_url: Type.Union([
      Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }),
      Type.Null(),
    ]),
  },
  { $id: 'Branding' },
);

export const UpdateBrandingBody = Type.Partial(
  Type.Object({
    product_name: Type.Union([BrandingSchema.properties.product_name, Type.Null()]),
    from_name: Type.Union([BrandingSchema.properties.from_name, Type.Null()]),
    from_email: Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()]),
    support_email: BrandingSchema.properties.support_email,
    logo_url: BrandingSchema.properties.logo_url,
  }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateBrandingInput = Static<typeof UpdateBrandingBody>;

/** The account's branding: what it set (settings.branding), with defaults for the rest. */
export function brandingOf(
  accountName: string,
  settings: Record<string, unknown>,
  publicUrl: string,
): Branding {
  const set = (settings.branding ?? {}) as Partial<Branding>;
  const product = set.product_name || accountName;
  return {
    product_name: product,
    from_name: set.from_name || product,
    from_email: set.from_email || `no-reply@${new URL(publicUrl).hostname}`,
    support_email: set.support_email ?? null,
    logo_url: set.logo_url ?? null,
  };
}

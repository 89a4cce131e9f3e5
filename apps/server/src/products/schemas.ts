import { type Static, Type } from 'typebox';
import { listQuery } from '../http/common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The writable fields of a product; `code` is set once, at creation. */
const productFields = {
  code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  version: Nullable(Type.String({ maxLength: 50 })),
  description: Type.String({ maxLength: 2000 }),
};

export const ProductSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    ...productFields,
    archived_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Product' },
);

export const CreateProductBody = Type.Object(
  {
    code: productFields.code,
    name: productFields.name,
    version: Type.Optional(productFields.version),
    description: Type.Optional(productFields.description),
  },
  { additionalProperties: false },
);

export const UpdateProductBody = Type.Object(
  {
    name: Type.Optional(productFields.name),
    version: Type.Optional(productFields.version),
    description: Type.Optional(productFields.description),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListProductsQuery = listQuery(['created_at', 'code', 'name'], {
  include_archived: Type.Optional(Type.Boolean()),
});

export type CreateProductInput = Static<typeof CreateProductBody>;
export type UpdateProductInput = Static<typeof UpdateProductBody>;
export type ListProductsFilters = Static<typeof ListProductsQuery>;

/** A product as stored. */
export interface ProductRow {
  id: string;
  account_id: string;
  code: string;
  name: string;
  version: string | null;
  description: string;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

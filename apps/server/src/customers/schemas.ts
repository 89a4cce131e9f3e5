import { type Static, Type } from 'typebox';
import { listQuery, MetadataSchema } from '../http/common-schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const CustomerStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('suspended'),
  Type.Literal('cancelled'),
]);

/** The writable fields of a customer: create requires `email`, update takes any of them. */
const customerFields = {
  email: Type.String({ format: 'email', maxLength: 254 }),
  company_name: Nullable(Type.String({ maxLength: 200 })),
  first_name: Nullable(Type.String({ maxLength: 100 })),
  last_name: Nullable(Type.String({ maxLength: 100 })),
  phone: Nullable(Type.String({ maxLength: 50 })),
  address: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), {
    maxProperties: 10,
  }),
  status: CustomerStatus,
  metadata: MetadataSchema(),
  external_ids: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), {
    maxProperties: 10,
  }),
};

export const CustomerSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    account_id: Type.String({ format: 'uuid' }),
    ...customerFields,
    email: Type.String(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    license_count: Type.Optional(Type.Integer()),
    active_devices: Type.Optional(Type.Integer()),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Customer' },
);

const { email, ...optionalFields } = customerFields;

export const CreateCustomerBody = Type.Object(
  { email, ...Type.Partial(Type.Object(optionalFields)).properties },
  { additionalProperties: false },
);

export const UpdateCustomerBody = Type.Partial(Type.Object(customerFields), {
  additionalProperties: false,
  minProperties: 1,
});

export const ListCustomersQuery = listQuery(['created_at', 'email', 'company_name'], {
  status: Type.Optional(CustomerStatus),
});

export type CreateCustomerInput = Static<typeof CreateCustomerBody>;
export type UpdateCustomerInput = Static<typeof UpdateCustomerBody>;
export type ListCustomersFilters = Static<typeof ListCustomersQuery>;

/** A customer as stored. */
export interface CustomerRow {
  id: string;
  account_id: string;
  email: string;
  company_name: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  address: Record<string, string>;
  status: Static<typeof CustomerStatus>;
  metadata: Record<string, unknown>;
  external_ids: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

/** A customer with how many licenses it holds and how many of their devices are active. */
export type CustomerWithCounts = CustomerRow & { license_count: number; active_devices: number };

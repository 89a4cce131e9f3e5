import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ApiError, requestJson } from '../../api/client';
import type { Customer, Page } from '../../api/resources';
import { NameCell, Skeleton } from '../../ui';

/** Company, else the person's name, else the email. */
export function displayName(customer: Customer): string {
  const person = [customer.first_name, customer.last_name].filter(Boolean).join(' ');
  return customer.company_name || person || customer.email;
}

/** The customer with this exact email (any case); else an ApiError whose message says there is none. */
export async function findCustomerByEmail(email: string): Promise<Customer> {
  const wanted = email.trim().toLowerCase();
  const found = await requestJson<Page<Customer>>('/api/v1/customers', {
    query: { q: wanted, limit: 5, offset: 0 },
  });
  const match = found.data.find((c) => c.email.toLowerCase() === wanted);
  if (!match) throw new ApiError(404, 'NOT_FOUND', `No customer with the email ${email.trim()}`);
  return match;
}

/** One customer by id, cached with the customer page (`enabled: false` when the caller knows it). */
export function useCustomer(id: string, enabled = true) {
  return useQuery({
    queryKey: ['/api/v1/customers', id],
    queryFn: ({ signal }) => requestJson<Customer>(`/api/v1/customers/${id}`, { signal }),
    enabled,
  });
}

/** For records that carry only a customer id: the customer's name (company, person or email). */
export function CustomerName({ id }: { id: string }) {
  const customer = useCustomer(id).data;
  return <>{customer ? displayName(customer) : 'Customer'}</>;
}

/**
 * A table cell for a customer: name linking to the customer, email below. Rows that carry the
 * customer's email and company (lists join them) need no request; others look the customer up.
 */
export function CustomerCell({
  id,
  email,
  company,
}: {
  id: string;
  email?: string;
  company?: string | null;
}) {
  const customer = useCustomer(id, email === undefined);
  if (email === undefined && customer.isPending) return <Skeleton className="h-4 w-32" />;
  const c = customer.data;
  const name = email !== undefined ? company || email : c ? displayName(c) : `Customer ${id.slice(0, 8)}`;
  return (
    <NameCell
      name={
        <Link to="/customers/$id" params={{ id }} className="text-brand-700 hover:underline">
          {name}
        </Link>
      }
      sub={email ?? c?.email ?? ''}
    />
  );
}

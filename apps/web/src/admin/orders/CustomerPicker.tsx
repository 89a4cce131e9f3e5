import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { requestJson } from '../../api/client';
import type { Customer, Page } from '../../api/resources';
import { Input, Select } from '../../ui';
import { displayName } from '../components/customers';

const label = (c: Customer) => (displayName(c) === c.email ? c.email : `${displayName(c)} · ${c.email}`);

/** The customers matching a search (by email, name or company), 20 at a time. */
function useCustomerSearch(q: string) {
  return useQuery({
    queryKey: ['/api/v1/customers', { q, limit: 20, picker: true }],
    queryFn: ({ signal }) =>
      requestJson<Page<Customer>>('/api/v1/customers', { query: { q, limit: 20, offset: 0 }, signal }),
    placeholderData: keepPreviousData,
    select: (page) => page.data,
  });
}

/**
 * Picks a customer: a search box narrows the list the select offers (the chosen one stays in it), and
 * a search that finds one customer chooses it.
 */
export function CustomerPicker({
  value,
  onChange,
  error,
}: {
  value: Customer | null;
  onChange: (customer: Customer | null) => void;
  error?: string;
}) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setQ(text.trim()), 250);
    return () => window.clearTimeout(timer);
  }, [text]);
  const found = useCustomerSearch(q);
  const customers = found.data ?? [];
  const offered = value && !customers.some((c) => c.id === value.id) ? [value, ...customers] : customers;
  // A search that finds exactly one customer (a whole email, say) chooses it.
  const only = q && !found.isPlaceholderData && customers.length === 1 ? customers[0] : undefined;
  useEffect(() => {
    if (only && !value) onChange(only);
  }, [only, value, onChange]);

  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Input
        label="Find a customer"
        type="search"
        placeholder="Email, name or company"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <Select
        label="Customer"
        required
        placeholder={
          found.isPending ? 'Loading…' : customers.length ? 'Choose a customer' : 'No customer matches'
        }
        options={offered.map((c) => ({ value: c.id, label: label(c) }))}
        value={value?.id ?? ''}
        error={error}
        onChange={(e) => onChange(offered.find((c) => c.id === e.target.value) ?? null)}
      />
    </div>
  );
}

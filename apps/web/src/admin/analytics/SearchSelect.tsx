import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { requestJson } from '../../api/client';
import type { Page } from '../../api/resources';
import { Input, Select } from '../../ui';

/**
 * A filter over a list too long for one select (customers, licenses): a search box narrows what the
 * select offers (20 at a time, the chosen one kept), with "Any" to clear it.
 */
export function SearchSelect<T extends { id: string }>({
  label,
  searchLabel,
  placeholder,
  path,
  describe,
  value,
  onChange,
}: {
  label: string;
  searchLabel: string;
  placeholder: string;
  /** The list endpoint (q, limit, offset). */
  path: string;
  describe: (row: T) => string;
  value: T | null;
  onChange: (row: T | null) => void;
}) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setQ(text.trim()), 250);
    return () => window.clearTimeout(timer);
  }, [text]);
  const found = useQuery({
    queryKey: [path, { q, limit: 20, picker: true }],
    queryFn: ({ signal }) => requestJson<Page<T>>(path, { query: { q, limit: 20, offset: 0 }, signal }),
    placeholderData: keepPreviousData,
    select: (page) => page.data,
  });
  const rows = found.data ?? [];
  const offered = value && !rows.some((r) => r.id === value.id) ? [value, ...rows] : rows;
  return (
    <div className="flex gap-2">
      <Input
        label={searchLabel}
        type="search"
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        fieldClassName="w-40"
      />
      <Select
        label={label}
        placeholder="Any"
        options={offered.map((r) => ({ value: r.id, label: describe(r) }))}
        value={value?.id ?? ''}
        onChange={(e) => onChange(offered.find((r) => r.id === e.target.value) ?? null)}
        fieldClassName="w-52"
      />
    </div>
  );
}

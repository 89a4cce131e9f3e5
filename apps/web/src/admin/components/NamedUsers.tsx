import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { requestJson } from '../../api/client';
import { describeError } from '../../api/errors';
import { Button, Card, FormError, Input, useToast } from '../../ui';
import { useCan, useInvalidate } from '../hooks';

interface LicenseUser {
  id: string;
  user: string;
  name: string | null;
  devices: number;
}

/** A named-user license's seats: the users staff assigned, their devices, assign and unassign. */
export function NamedUsersCard({ licenseId, max }: { licenseId: string; max: number | null }) {
  const key = ['/api/v1/licenses', licenseId, 'users'];
  const users = useQuery({
    queryKey: key,
    queryFn: ({ signal }) =>
      requestJson<{ data: LicenseUser[] }>(`/api/v1/licenses/${licenseId}/users`, { signal }),
  });
  const canWrite = useCan('licenses:write');
  const invalidate = useInvalidate();
  const toast = useToast();
  const [user, setUser] = useState('');
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await invalidate('/api/v1/licenses');
    } catch (e) {
      setError(describeError(e));
    }
  };
  const assign = () =>
    run(async () => {
      const res = await requestJson<{ warnings: Array<{ message: string }> }>(
        `/api/v1/licenses/${licenseId}/users`,
        { method: 'POST', body: { user: user.trim() } },
      );
      for (const w of res.warnings)
        toast({ tone: 'info', title: 'Over the seat limit', description: w.message });
      setUser('');
    });
  const rows = users.data?.data ?? [];
  return (
    <Card title={`Named users (${rows.length} / ${max ?? '∞'})`}>
      <ul className="flex flex-col divide-y divide-zinc-100 text-sm" aria-label="Named users">
        {rows.length === 0 && <li className="py-2 text-zinc-500">No user has a seat yet.</li>}
        {rows.map((u) => (
          <li key={u.id} className="flex items-center justify-between gap-2 py-2">
            <span>
              {u.user}
              <span className="ml-2 text-xs text-zinc-500">{u.devices} device(s)</span>
            </span>
            {canWrite && (
              <Button
                variant="ghost"
                size="sm"
                onClick={() =>
                  void run(() =>
                    requestJson(`/api/v1/licenses/${licenseId}/users/${u.id}`, { method: 'DELETE' }),
                  )
                }
              >
                Unassign
              </Button>
            )}
          </li>
        ))}
      </ul>
      {canWrite && (
        <form
          className="mt-3 flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            void assign();
          }}
        >
          <Input label="User email or id" value={user} onChange={(e) => setUser(e.target.value)} required />
          <Button type="submit" variant="secondary" disabled={!user.trim()}>
            Assign seat
          </Button>
        </form>
      )}
      <FormError>{error}</FormError>
    </Card>
  );
}

import { useQuery } from '@tanstack/react-query';
import type { ApiKey, StaffUser } from '../../api/resources';
import { formatDate, formatRelative } from '../../lib/format';
import { Badge, Card, type Column, ErrorState, PageHeader, Skeleton } from '../../ui';
import { StatusBadge } from '../../ui/StatusBadge';
import { meQuery, ROLE_LABELS } from '../auth';
import { ListView } from '../components/ListView';
import { useLocalListState } from '../components/useListState';

const roleLabel = (role: string) => ROLE_LABELS[role as keyof typeof ROLE_LABELS] ?? role;

const userColumns: Column<StaffUser>[] = [
  {
    id: 'user',
    header: 'User',
    cell: (u) => (
      <div>
        <div className="font-medium text-zinc-900">{u.name}</div>
        <div className="text-xs text-zinc-500">{u.email}</div>
      </div>
    ),
  },
  { id: 'role', header: 'Role', cell: (u) => <Badge>{roleLabel(u.role)}</Badge> },
  { id: 'status', header: 'Status', cell: (u) => <StatusBadge status={u.status} />, secondary: true },
  { id: 'last', header: 'Last sign-in', cell: (u) => formatRelative(u.last_login_at), secondary: true },
];

const keyColumns: Column<ApiKey>[] = [
  {
    id: 'name',
    header: 'Key',
    cell: (k) => (
      <div>
        <div className="font-medium text-zinc-900">{k.name}</div>
        <div className="font-mono text-xs text-zinc-500">{k.prefix}…</div>
      </div>
    ),
  },
  { id: 'role', header: 'Role', cell: (k) => <Badge>{roleLabel(k.role)}</Badge> },
  { id: 'used', header: 'Last used', cell: (k) => formatRelative(k.last_used_at), secondary: true },
  {
    id: 'expires',
    header: 'Expires',
    cell: (k) => (k.expires_at ? formatDate(k.expires_at) : 'Never'),
    secondary: true,
  },
];

function AccountCard() {
  const me = useQuery(meQuery);
  return (
    <Card title="Account">
      {me.isError ? (
        <ErrorState error={me.error} onRetry={() => void me.refetch()} retrying={me.isFetching} />
      ) : (
        <dl className="grid gap-4 text-sm sm:grid-cols-3">
          {[
            ['Name', me.data?.account.name],
            ['Slug', me.data?.account.slug],
            ['Account id', me.data?.account.id],
          ].map(([label, value]) => (
            <div key={label} className="min-w-0">
              <dt className="text-zinc-500">{label}</dt>
              <dd className="mt-1 truncate font-medium text-zinc-900">
                {me.isPending ? <Skeleton className="h-5 w-32" /> : value}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}

/** Account, staff users and API keys. */
export function SettingsPage() {
  const users = useLocalListState();
  const keys = useLocalListState();
  return (
    <>
      <PageHeader
        title="Settings"
        description="Your account, the people who can sign in, and API keys for your backends."
      />
      <div className="flex flex-col gap-6">
        <AccountCard />
        <section aria-labelledby="settings-users" className="flex flex-col gap-3">
          <h2 id="settings-users" className="text-base font-semibold text-zinc-900">
            Users
          </h2>
          <ListView<StaffUser>
            endpoint="/api/v1/users"
            caption="Staff users"
            columns={userColumns}
            searchLabel="Search users"
            state={users}
            empty={{ title: 'No other users', description: 'Invite teammates to share the work.' }}
          />
        </section>
        <section aria-labelledby="settings-keys" className="flex flex-col gap-3">
          <h2 id="settings-keys" className="text-base font-semibold text-zinc-900">
            API keys
          </h2>
          <ListView<ApiKey>
            endpoint="/api/v1/api-keys"
            caption="API keys"
            columns={keyColumns}
            state={keys}
            empty={{
              title: 'No API keys',
              description: 'API keys let your own servers call the admin and entitlement APIs.',
            }}
          />
        </section>
      </div>
    </>
  );
}

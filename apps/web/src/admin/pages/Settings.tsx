import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { requestJson } from '../../api/client';
import type { ApiKey, SigningKey } from '../../api/resources';
import type { Role } from '../../api/session';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import {
  Badge,
  Button,
  Card,
  type Column,
  ConfirmDialog,
  DataTable,
  Dialog,
  EmptyState,
  ErrorState,
  FormError,
  Input,
  NameCell,
  PageHeader,
  Select,
  Skeleton,
  useToast,
} from '../../ui';
import { StatusBadge } from '../../ui/StatusBadge';
import { meQuery, ROLE_LABELS } from '../auth';
import { JobsCard } from '../components/Jobs';
import { ListView } from '../components/ListView';
import { ProductTokensCard } from '../components/ProductTokens';
import { useLocalListState } from '../components/useListState';
import { EmailSection } from '../email/EmailSection';
import { useCan, useInvalidate, usePending, useSubmit } from '../hooks';
import { UsersSection } from '../users/UsersSection';
import { WebhooksSection } from '../webhooks/WebhooksSection';

const roleLabel = (role: string) => ROLE_LABELS[role as keyof typeof ROLE_LABELS] ?? role;

const keyColumns: Column<ApiKey>[] = [
  {
    id: 'name',
    header: 'Key',
    cell: (k) => <NameCell name={k.name} sub={`${k.prefix}…`} mono />,
  },
  { id: 'role', header: 'Role', cell: (k) => <Badge>{roleLabel(k.role)}</Badge> },
  { id: 'used', header: 'Last used', cell: (k) => formatRelative(k.last_used_at), secondary: true },
  {
    id: 'expires',
    header: 'Expires',
    cell: (k) => (k.revoked_at ? 'Revoked' : k.expires_at ? formatDate(k.expires_at) : 'Never'),
    secondary: true,
  },
  {
    id: 'actions',
    header: <span className="sr-only">Actions</span>,
    align: 'right',
    cell: (k) => <RevokeKey apiKey={k} />,
  },
];

const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((r) => ({ value: r, label: ROLE_LABELS[r] }));

function RevokeKey({ apiKey }: { apiKey: ApiKey }) {
  const canWrite = useCan('api_keys:write');
  const confirm = usePending<true>();
  const invalidate = useInvalidate();
  const toast = useToast();
  if (!canWrite || apiKey.revoked_at) return null;
  return (
    <>
      <Button
        size="sm"
        variant="danger"
        onClick={() => confirm.open(true)}
        aria-label={`Revoke ${apiKey.name}`}
      >
        Revoke
      </Button>
      <ConfirmDialog
        open={confirm.pending !== null}
        onClose={confirm.close}
        title={`Revoke ${apiKey.name}?`}
        description="Servers using this key are refused at once."
        confirmLabel="Revoke key"
        tone="danger"
        onConfirm={async () => {
          await requestJson(`/api/v1/api-keys/${apiKey.id}`, { method: 'DELETE' });
          await invalidate('/api/v1/api-keys');
          toast({ tone: 'success', title: 'API key revoked', description: apiKey.name });
        }}
      />
    </>
  );
}

function NewApiKey() {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [role, setRole] = useState('developer');
  const [secret, setSecret] = useState<string | null>(null);
  const { busy, error, setError, run } = useSubmit();
  const invalidate = useInvalidate();
  const close = () => {
    setOpen(false);
    setSecret(null);
    setName('');
    setError(null);
  };
  const create = async () => {
    await run(async () => {
      const created = await requestJson<ApiKey & { secret: string }>('/api/v1/api-keys', {
        method: 'POST',
        body: { name: name.trim(), role },
      });
      setSecret(created.secret);
      await invalidate('/api/v1/api-keys');
    });
  };
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        New API key
      </Button>
      <Dialog
        open={open}
        onClose={busy ? () => {} : close}
        title={secret ? 'Copy your API key now' : 'New API key'}
        description={
          secret ? 'This is the only time the secret is shown. Store it in your secrets manager.' : undefined
        }
        footer={
          secret ? (
            <Button onClick={close}>Done</Button>
          ) : (
            <>
              <Button variant="secondary" onClick={close} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" form="api-key-form" loading={busy}>
                Create key
              </Button>
            </>
          )
        }
      >
        {secret ? (
          <output
            className="block rounded-md bg-zinc-100 p-3 font-mono text-sm break-all"
            data-testid="api-key-secret"
          >
            {secret}
          </output>
        ) : (
          <form
            id="api-key-form"
            className="flex flex-col gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              void create();
            }}
          >
            <Input
              label="Name"
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <Select
              label="Role"
              options={ROLE_OPTIONS.filter((r) => r.value !== 'owner')}
              value={role}
              onChange={(e) => setRole(e.target.value)}
            />
            <FormError>{error}</FormError>
          </form>
        )}
      </Dialog>
    </>
  );
}

const signingColumns: Column<SigningKey>[] = [
  { id: 'kid', header: 'Key id', cell: (k) => <span className="font-mono text-xs">{k.kid}</span> },
  { id: 'alg', header: 'Algorithm', cell: (k) => k.alg, secondary: true },
  { id: 'status', header: 'Status', cell: (k) => <StatusBadge status={k.status} /> },
  { id: 'created', header: 'Created', cell: (k) => formatDateTime(k.created_at), secondary: true },
  { id: 'retire', header: 'Retires', cell: (k) => (k.retire_after ? formatDateTime(k.retire_after) : '—') },
];

function SigningKeys() {
  const canRotate = useCan('signing_keys:write');
  const confirm = usePending<true>();
  const invalidate = useInvalidate();
  const toast = useToast();
  const keys = useQuery({
    queryKey: ['/api/v1/signing-keys'],
    queryFn: ({ signal }) => requestJson<{ data: SigningKey[] }>('/api/v1/signing-keys', { signal }),
  });
  return (
    <Card
      title="Signing keys"
      description="Keys that sign license tokens and offline files. Rotation keeps the old key valid for a while."
      flush
      actions={
        canRotate && (
          <Button size="sm" variant="secondary" onClick={() => confirm.open(true)}>
            Rotate
          </Button>
        )
      }
    >
      {keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : (
        <DataTable
          caption="Signing keys"
          columns={signingColumns}
          rows={keys.data?.data}
          rowKey={(k) => k.id}
          loading={keys.isPending}
          empty={<EmptyState title="No signing keys" />}
        />
      )}
      <ConfirmDialog
        open={confirm.pending !== null}
        onClose={confirm.close}
        title="Rotate the signing key?"
        description="A new key signs from now on; tokens signed by the current key stay valid until it retires."
        confirmLabel="Rotate key"
        onConfirm={async () => {
          const created = await requestJson<SigningKey>('/api/v1/signing-keys/rotate', {
            method: 'POST',
            body: {},
          });
          await invalidate('/api/v1/signing-keys');
          toast({ tone: 'success', title: 'Signing key rotated', description: `New key ${created.kid}` });
        }}
      />
    </Card>
  );
}

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

/**
 * Account, staff users and roles, API keys, webhooks, email (log, outbox, branding), signing keys and each
 * product's token settings.
 */
export function SettingsPage() {
  const keys = useLocalListState();
  const canWriteKeys = useCan('api_keys:write');
  const canManageJobs = useCan('jobs:manage');
  return (
    <>
      <PageHeader
        title="Settings"
        description="Your account, the people who can sign in, and API keys for your backends."
      />
      <div className="flex flex-col gap-6">
        <AccountCard />
        <UsersSection />
        <section aria-labelledby="settings-keys" className="flex flex-col gap-3">
          <div className="flex items-center justify-between gap-2">
            <h2 id="settings-keys" className="text-base font-semibold text-zinc-900">
              API keys
            </h2>
            {canWriteKeys && <NewApiKey />}
          </div>
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
        <WebhooksSection />
        <EmailSection />
        <SigningKeys />
        <ProductTokensCard />
        {canManageJobs && <JobsCard />}
      </div>
    </>
  );
}

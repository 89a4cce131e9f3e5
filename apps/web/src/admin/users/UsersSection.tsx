import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useId, useState } from 'react';
import { api, requestJson, unwrap } from '../../api/client';
import { describeError, toApiError } from '../../api/errors';
import type { StaffUser } from '../../api/resources';
import type { Role } from '../../api/session';
import { formatRelative } from '../../lib/format';
import {
  Badge,
  Button,
  type Column,
  Dialog,
  FormError,
  Input,
  NameCell,
  Select,
  StatusBadge,
  useToast,
} from '../../ui';
import { meQuery, ROLE_LABELS } from '../auth';
import { ListView } from '../components/ListView';
import { useLocalListState } from '../components/useListState';
import { useCan, useInvalidate, useRole, useSubmit } from '../hooks';
import { MIN_PASSWORD_LENGTH, PASSWORD_HINT } from '../staffLinks';

const roleLabel = (role: string) => ROLE_LABELS[role as keyof typeof ROLE_LABELS] ?? role;

const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((r) => ({ value: r, label: ROLE_LABELS[r] }));

/** Only an owner may make an owner, or change one (the server refuses anyone else). */
const mayManage = (myRole: Role | undefined, role: string) => role !== 'owner' || myRole === 'owner';

const columns: Column<StaffUser>[] = [
  {
    id: 'user',
    header: 'User',
    cell: (u) => <NameCell name={u.name || u.email} sub={u.name ? u.email : 'No name yet'} />,
  },
  { id: 'role', header: 'Role', cell: (u) => <UserRole user={u} /> },
  { id: 'status', header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
  { id: 'last', header: 'Last sign-in', cell: (u) => formatRelative(u.last_login_at), secondary: true },
  {
    id: 'actions',
    header: <span className="sr-only">Actions</span>,
    align: 'right',
    cell: (u) => <ResendInvitation user={u} />,
  },
];

function UserRole({ user }: { user: StaffUser }) {
  const canWrite = useCan('users:write');
  const me = useQuery(meQuery);
  const invalidate = useInvalidate();
  const toast = useToast();
  if (!canWrite || me.data?.user.id === user.id) return <Badge>{roleLabel(user.role)}</Badge>;
  return (
    <Select
      label={`Role of ${user.email}`}
      hideLabel
      options={ROLE_OPTIONS}
      value={user.role}
      onChange={async (e) => {
        try {
          await requestJson(`/api/v1/users/${user.id}`, { method: 'PATCH', body: { role: e.target.value } });
          await invalidate('/api/v1/users');
          toast({
            tone: 'success',
            title: 'Role changed',
            description: `${user.email}: ${roleLabel(e.target.value)}`,
          });
        } catch (error) {
          toast({
            tone: 'error',
            title: 'Could not change the role',
            description: describeError(error),
            duration: 0,
          });
        }
      }}
      fieldClassName="w-36"
    />
  );
}

/** Emails an invited user a new link (the earlier one stops working); for staff who may manage users. */
function ResendInvitation({ user }: { user: StaffUser }) {
  const canWrite = useCan('users:write');
  const myRole = useRole();
  const invalidate = useInvalidate();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  if (!canWrite || user.status !== 'invited' || !mayManage(myRole, user.role)) return null;
  const resend = async () => {
    setBusy(true);
    try {
      await unwrap(api.POST('/api/v1/users/{id}/invitation', { params: { path: { id: user.id } } }));
      await invalidate('/api/v1/users', '/api/v1/emails', '/api/v1/events');
      toast({
        tone: 'success',
        title: 'Invitation sent again',
        description: `A new link is on its way to ${user.email}; the earlier one no longer works.`,
      });
    } catch (error) {
      toast({
        tone: 'error',
        title: 'Could not send the invitation',
        description: describeError(error),
        duration: 0,
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      size="sm"
      variant="secondary"
      loading={busy}
      onClick={() => void resend()}
      aria-label={`Resend invitation to ${user.email}`}
    >
      Resend invitation
    </Button>
  );
}

/** One choice of a radio group: a title, and a line saying what it means. */
function Choice({
  name,
  checked,
  onChange,
  title,
  children,
}: {
  name: string;
  checked: boolean;
  onChange: () => void;
  title: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <label className="flex cursor-pointer items-start gap-3 rounded-md border border-zinc-200 p-3 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50">
      <input
        type="radio"
        name={name}
        className="mt-0.5 size-4 shrink-0 accent-brand-600"
        checked={checked}
        onChange={onChange}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
      />
      <span>
        <span id={`${id}-title`} className="block font-medium text-zinc-900">
          {title}
        </span>
        <span id={`${id}-text`} className="mt-0.5 block text-zinc-600">
          {children}
        </span>
      </span>
    </label>
  );
}

/**
 * Adds a staff user: by default invited (emailed a link to choose their own password, so no one else ever
 * knows it), or with a password set now.
 */
function AddUserDialog({ onClose }: { onClose: () => void }) {
  const myRole = useRole();
  const [draft, setDraft] = useState({ email: '', name: '', role: 'developer', password: '' });
  const [invite, setInvite] = useState(true);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const { busy, error, run } = useSubmit();
  const invalidate = useInvalidate();
  const toast = useToast();
  const set = (key: keyof typeof draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setDraft({ ...draft, [key]: e.target.value });

  const submit = () =>
    run(async () => {
      setFieldErrors({});
      const email = draft.email.trim();
      const name = draft.name.trim();
      try {
        await unwrap(
          api.POST('/api/v1/users', {
            body: {
              email,
              role: draft.role as Role,
              ...(name ? { name } : {}),
              ...(invite ? {} : { password: draft.password }),
            },
          }),
        );
      } catch (e) {
        const refusal = toApiError(e);
        if (refusal.code === 'PASSWORD_TOO_WEAK') return setFieldErrors({ password: refusal.message });
        if (refusal.details.pointer === '/body/email') return setFieldErrors({ email: refusal.message });
        throw e;
      }
      await invalidate('/api/v1/users', '/api/v1/emails', '/api/v1/events');
      toast(
        invite
          ? {
              tone: 'success',
              title: 'Invitation sent',
              description: `${email} gets a link to choose a password. It works for 7 days.`,
            }
          : { tone: 'success', title: 'User added', description: `${email} can sign in now.` },
      );
      onClose();
    });

  return (
    <Dialog
      open
      onClose={busy ? () => {} : onClose}
      title="Add a user"
      description="They sign in to this dashboard with their email; their role decides what they may see and change."
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" form="add-user-form" loading={busy}>
            {invite ? 'Send invitation' : 'Add user'}
          </Button>
        </>
      }
    >
      <form
        id="add-user-form"
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Input
          label="Email"
          type="email"
          required
          maxLength={254}
          autoComplete="off"
          value={draft.email}
          onChange={set('email')}
          error={fieldErrors.email}
        />
        <Input
          label="Name (optional)"
          maxLength={200}
          autoComplete="off"
          hint={invite ? 'They can change it when they accept.' : undefined}
          value={draft.name}
          onChange={set('name')}
        />
        <Select
          label="Role"
          options={ROLE_OPTIONS.filter((r) => mayManage(myRole, r.value))}
          value={draft.role}
          onChange={set('role')}
        />
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1.5 text-sm font-medium text-zinc-800">Password</legend>
          <Choice
            name="add-user-password"
            checked={invite}
            onChange={() => setInvite(true)}
            title="Send an invitation email"
          >
            They get a link to choose their own password. It works for 7 days.
          </Choice>
          <Choice
            name="add-user-password"
            checked={!invite}
            onChange={() => setInvite(false)}
            title="Set a password now"
          >
            They can sign in at once; you tell them the password.
          </Choice>
        </fieldset>
        {!invite && (
          <Input
            label="Their password"
            type="password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={1024}
            autoComplete="new-password"
            hint={PASSWORD_HINT}
            value={draft.password}
            onChange={set('password')}
            error={fieldErrors.password}
          />
        )}
        <FormError>{error}</FormError>
      </form>
    </Dialog>
  );
}

/** Settings → Users: the staff who can sign in, their roles and status, and adding or inviting one. */
export function UsersSection() {
  const state = useLocalListState();
  const canWrite = useCan('users:write');
  const [adding, setAdding] = useState(false);
  return (
    <section aria-labelledby="settings-users" className="flex flex-col gap-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="settings-users" className="text-base font-semibold text-zinc-900">
          Users
        </h2>
        {canWrite && (
          <Button size="sm" onClick={() => setAdding(true)}>
            Add user
          </Button>
        )}
      </div>
      <ListView<StaffUser>
        endpoint="/api/v1/users"
        caption="Staff users"
        columns={columns}
        searchLabel="Search users"
        state={state}
        empty={{ title: 'No other users', description: 'Invite teammates to share the work.' }}
      />
      {adding && <AddUserDialog onClose={() => setAdding(false)} />}
    </section>
  );
}

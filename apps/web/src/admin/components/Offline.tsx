import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { Activation, EmergencyCodeRecord, IssuedEmergencyCode } from '../../api/resources';
import { formatDateTime, formatRelative } from '../../lib/format';
import { OfflineActivationForm } from '../../offline/OfflineActivationForm';
import {
  Badge,
  Button,
  Card,
  type Column,
  CopyButton,
  DataTable,
  Dialog,
  EmptyState,
  ErrorState,
  FormError,
  Input,
  useToast,
} from '../../ui';
import { useCan, useInvalidate, useSubmit } from '../hooks';

/** Codes the server keeps per device (its 409 says the same). */
const CODES_PER_DEVICE = 8;

const deviceName = (a: Pick<Activation, 'machine_name' | 'hostname' | 'device_id'>) =>
  a.machine_name ?? a.hostname ?? a.device_id;

/** License page card: a customer's offline activation request in, their license file out. */
export function OfflineActivationCard({ licenseId }: { licenseId: string }) {
  const allowed = useCan('offline:write');
  const invalidate = useInvalidate();
  const toast = useToast();
  if (!allowed) return null;
  return (
    <Card
      title="Offline activation"
      description="For a device without internet: paste the activation request the customer's app saved, then send them the license file."
    >
      <OfflineActivationForm
        allowEncrypt
        submit={(request, encrypt) =>
          unwrap(api.POST('/api/v1/offline/activate', { body: encrypt ? { request, encrypt } : { request } }))
        }
        onActivated={(file) => {
          void invalidate('/api/v1/licenses', '/api/v1/activations', '/api/v1/events');
          toast({ tone: 'success', title: 'License file created', description: `Device ${file.device_id}` });
        }}
        resultNote={(file) =>
          file.license_id !== licenseId && (
            <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              This request is for another license.{' '}
              <Link
                to="/licenses/$id"
                params={{ id: file.license_id }}
                className="font-medium text-brand-700 hover:underline"
              >
                Open that license
              </Link>
            </p>
          )
        }
      />
    </Card>
  );
}

/** Row action of an active device: issue a single-use 24 h emergency code, shown once. */
export function EmergencyCodeButton({ device }: { device: Activation }) {
  const allowed = useCan('emergency_codes:write');
  const [open, setOpen] = useState(false);
  if (!allowed || device.status !== 'active') return null;
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>
        Emergency code
      </Button>
      <EmergencyCodeDialog device={device} open={open} onClose={() => setOpen(false)} />
    </>
  );
}

function EmergencyCodeDialog({
  device,
  open,
  onClose,
}: {
  device: Activation;
  open: boolean;
  onClose: () => void;
}) {
  const invalidate = useInvalidate();
  const [reason, setReason] = useState('');
  const [issued, setIssued] = useState<IssuedEmergencyCode | null>(null);
  const { busy, error, setError, run } = useSubmit();

  const close = () => {
    onClose();
    setIssued(null);
    setReason('');
    setError(null);
  };
  const issue = async () => {
    await run(async () => {
      const code = await unwrap(
        api.POST('/api/v1/activations/{id}/emergency-codes', {
          params: { path: { id: device.id } },
          body: reason.trim() ? { reason: reason.trim() } : {},
        }),
      );
      setIssued(code);
      await invalidate('/api/v1/licenses', '/api/v1/events');
    });
  };

  return (
    <Dialog
      open={open}
      onClose={busy ? () => {} : close}
      title={`Emergency code for ${deviceName(device)}`}
      description={
        issued
          ? 'This code is shown only once. Give it to the customer now; it is not stored in readable form.'
          : `A single-use code that lets this device work for 24 hours when it cannot reach the server. Up to ${CODES_PER_DEVICE} codes per device.`
      }
      footer={
        issued ? (
          <Button onClick={close}>Done</Button>
        ) : (
          <>
            <Button variant="secondary" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" form={`emergency-${device.id}`} loading={busy}>
              Issue
            </Button>
          </>
        )
      }
    >
      {issued ? (
        <div className="flex flex-col items-center gap-3 text-center">
          <output
            className="block w-full rounded-md bg-zinc-100 px-3 py-4 font-mono text-xl font-semibold tracking-wider break-all text-zinc-900 sm:text-2xl"
            data-testid="emergency-code"
          >
            {issued.code}
          </output>
          <CopyButton text={issued.code} label="Copy code" />
          <p className="text-sm text-zinc-600">
            Expires <time dateTime={issued.expires_at}>{formatDateTime(issued.expires_at)}</time> · code{' '}
            {issued.slot + 1} of {CODES_PER_DEVICE} for this device
          </p>
          <p role="note" className="w-full rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Copy it before closing: nobody can display this code again.
          </p>
        </div>
      ) : (
        <form
          id={`emergency-${device.id}`}
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void issue();
          }}
        >
          <Input
            label="Reason (optional)"
            maxLength={500}
            placeholder="e.g. site network down"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <FormError>{error}</FormError>
        </form>
      )}
    </Dialog>
  );
}

function codeState(c: EmergencyCodeRecord) {
  if (c.redeemed_at)
    return (
      <span title={formatDateTime(c.redeemed_at)}>
        <Badge tone="success">Redeemed</Badge>{' '}
        <span className="text-xs text-zinc-500">{formatRelative(c.redeemed_at)}</span>
      </span>
    );
  if (Date.parse(c.expires_at) <= Date.now()) return <Badge>Expired</Badge>;
  return <Badge tone="info">Unused</Badge>;
}

/** License page card: codes issued for its devices (the codes themselves are never listed). */
export function EmergencyCodesCard({
  licenseId,
  devices,
}: {
  licenseId: string;
  devices: readonly Activation[] | undefined;
}) {
  const codes = useQuery({
    queryKey: ['/api/v1/licenses', licenseId, 'emergency-codes'],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/licenses/{id}/emergency-codes', { params: { path: { id: licenseId } }, signal }),
      ),
  });
  const byId = new Map((devices ?? []).map((d) => [d.id, d]));
  const columns: Column<EmergencyCodeRecord>[] = [
    {
      id: 'issued',
      header: 'Issued',
      className: 'whitespace-nowrap',
      cell: (c) => <time dateTime={c.created_at}>{formatDateTime(c.created_at)}</time>,
    },
    {
      id: 'device',
      header: 'Device',
      cell: (c) => {
        const d = byId.get(c.activation_id);
        return d ? deviceName(d) : <span className="font-mono text-xs">{c.activation_id.slice(0, 8)}</span>;
      },
    },
    { id: 'reason', header: 'Reason', cell: (c) => c.reason ?? '—', secondary: true },
    { id: 'state', header: 'State', cell: codeState },
    {
      id: 'expires',
      header: 'Expires',
      className: 'whitespace-nowrap',
      cell: (c) => <time dateTime={c.expires_at}>{formatDateTime(c.expires_at)}</time>,
      secondary: true,
    },
  ];
  return (
    <Card title="Emergency codes" flush>
      {codes.isError ? (
        <ErrorState error={codes.error} onRetry={() => void codes.refetch()} />
      ) : (
        <DataTable
          caption="Emergency codes of this license"
          columns={columns}
          rows={codes.data?.data}
          rowKey={(c) => c.id}
          loading={codes.isPending}
          skeletonRows={2}
          empty={
            <EmptyState
              title="No emergency codes"
              description="Issue one from a device's row when it cannot reach the server."
            />
          }
        />
      )}
    </Card>
  );
}

import { useState } from 'react';
import { formatRelative } from '../../lib/format';
import { Button, ConfirmDialog } from '../../ui';

/** What the portal shows of a device (the lookup's and the account's devices have these fields). */
export interface PortalDevice {
  id: string;
  device_id: string;
  machine_name: string | null;
  hostname: string | null;
  platform: string | null;
  activated_at: string;
  last_heartbeat_at: string | null;
  last_validated_at: string | null;
}

/** A license's devices, each with "Deactivate this device" behind a confirmation. */
export function DeviceList({
  devices,
  onDeactivate,
}: {
  devices: readonly PortalDevice[];
  onDeactivate: (activationId: string) => Promise<void>;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <div>
      <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Your devices</h4>
      {devices.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-600">No device uses this license.</p>
      ) : (
        <ul className="mt-2 flex flex-col divide-y divide-zinc-200 rounded-md border border-zinc-200 bg-white">
          {devices.map((d) => (
            <li key={d.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
              <div className="min-w-0">
                <div className="truncate font-medium text-zinc-900">
                  {d.machine_name ?? d.hostname ?? d.device_id}
                </div>
                <div className="text-xs text-zinc-500">
                  {d.platform ?? 'Unknown platform'} · last seen{' '}
                  {formatRelative(d.last_heartbeat_at ?? d.last_validated_at ?? d.activated_at)}
                </div>
              </div>
              <Button size="sm" variant="secondary" onClick={() => setConfirming(d.id)}>
                Deactivate this device
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        title="Deactivate this device?"
        description="The device loses access at its next check; you can activate another device in its place."
        confirmLabel="Deactivate"
        tone="danger"
        onConfirm={() => (confirming ? onDeactivate(confirming) : undefined)}
      />
    </div>
  );
}

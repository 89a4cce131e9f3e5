import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import type { WebhookEndpoint } from '../../api/resources';
import { Button, type Column, NameCell } from '../../ui';
import { ListView } from '../components/ListView';
import { useLocalListState } from '../components/useListState';
import { useCan } from '../hooks';
import { EndpointStatus } from './EndpointStatus';
import { eventFilterLabel } from './eventTypes';
import { NewEndpointDialog } from './NewEndpointDialog';

const columns: Column<WebhookEndpoint>[] = [
  {
    id: 'url',
    header: 'Endpoint',
    cell: (e) => (
      <NameCell
        name={
          <Link
            to="/settings/webhooks/$id"
            params={{ id: e.id }}
            className="font-mono text-sm break-all text-brand-700 hover:underline"
          >
            {e.url}
          </Link>
        }
        sub={e.description || '—'}
      />
    ),
    className: 'max-w-md whitespace-normal',
  },
  { id: 'events', header: 'Events', cell: (e) => eventFilterLabel(e.event_types), secondary: true },
  { id: 'status', header: 'Status', cell: (e) => <EndpointStatus endpoint={e} /> },
];

/** The Settings section of outbound webhooks: each endpoint and how it is doing, and adding one. */
export function WebhooksSection() {
  const state = useLocalListState();
  const canWrite = useCan('webhooks:write');
  const [adding, setAdding] = useState(false);
  return (
    <section aria-labelledby="settings-webhooks" className="flex flex-col gap-3">
      <div className="flex items-center justify-between gap-2">
        <div>
          <h2 id="settings-webhooks" className="text-base font-semibold text-zinc-900">
            Webhooks
          </h2>
          <p className="text-sm text-zinc-500">
            Endpoints of your own systems that hear of every event as it happens, signed.
          </p>
        </div>
        {canWrite && (
          <Button size="sm" onClick={() => setAdding(true)}>
            Add endpoint
          </Button>
        )}
      </div>
      <ListView<WebhookEndpoint>
        endpoint="/api/v1/webhook-endpoints"
        caption="Webhook endpoints"
        columns={columns}
        state={state}
        empty={{
          title: 'No webhook endpoints',
          description: 'Add one to tell your CRM, billing or provisioning what happens in Keyward.',
        }}
      />
      {adding && <NewEndpointDialog onClose={() => setAdding(false)} />}
    </section>
  );
}

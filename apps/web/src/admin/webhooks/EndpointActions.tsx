import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { describeError } from '../../api/errors';
import type { WebhookEndpoint } from '../../api/resources';
import { Button, ConfirmDialog, Dialog, useToast } from '../../ui';
import { useCan, useInvalidate, usePending } from '../hooks';
import { EditEndpointDialog } from './EditEndpointDialog';
import { receivesTestEvents } from './eventTypes';
import { SigningSecret } from './SigningSecret';

type Confirmed = 'rotate' | 'delete';

/** Edit, send a test event, rotate the secret (the new one shown once), delete: for webhooks:write. */
export function EndpointActions({ endpoint }: { endpoint: WebhookEndpoint }) {
  const canWrite = useCan('webhooks:write');
  const confirm = usePending<Confirmed>();
  const [editing, setEditing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [testing, setTesting] = useState(false);
  const invalidate = useInvalidate();
  const navigate = useNavigate();
  const toast = useToast();
  const path = { params: { path: { id: endpoint.id } } };
  if (!canWrite) return null;

  const sendTest = async () => {
    setTesting(true);
    try {
      await unwrap(api.POST('/api/v1/webhook-endpoints/{id}/test', path));
      toast({ tone: 'success', title: 'Test event sent', description: 'It appears in the delivery log.' });
      await invalidate('/api/v1/webhook-endpoints', '/api/v1/events');
    } catch (error) {
      toast({
        tone: 'error',
        title: 'Could not send a test',
        description: describeError(error),
        duration: 0,
      });
    } finally {
      setTesting(false);
    }
  };

  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setEditing(true)}>
        Edit
      </Button>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => void sendTest()}
        loading={testing}
        disabled={!receivesTestEvents(endpoint)}
      >
        Send test event
      </Button>
      <Button size="sm" variant="secondary" onClick={() => confirm.open('rotate')}>
        Rotate secret
      </Button>
      <Button size="sm" variant="danger" onClick={() => confirm.open('delete')}>
        Delete
      </Button>
      <ConfirmDialog
        open={confirm.pending === 'rotate'}
        onClose={confirm.close}
        title="Rotate the signing secret?"
        description="A new secret signs from now on. The current one keeps signing beside it for 24 hours (two signatures in webhook-signature), so your receiver can switch without missing a delivery."
        confirmLabel="Rotate secret"
        onConfirm={async () => {
          const rotated = await unwrap(api.POST('/api/v1/webhook-endpoints/{id}/rotate-secret', path));
          setSecret(rotated.secret);
          await invalidate('/api/v1/webhook-endpoints', '/api/v1/events');
        }}
      />
      <ConfirmDialog
        open={confirm.pending === 'delete'}
        onClose={confirm.close}
        title="Delete this endpoint?"
        description={`Nothing more is sent to ${endpoint.url}, and its delivery log is deleted with it.`}
        confirmLabel="Delete endpoint"
        tone="danger"
        onConfirm={async () => {
          await unwrap(api.DELETE('/api/v1/webhook-endpoints/{id}', path));
          toast({ tone: 'success', title: 'Endpoint deleted', description: endpoint.url });
          await navigate({ to: '/settings' });
          await invalidate('/api/v1/webhook-endpoints', '/api/v1/events');
        }}
      />
      <Dialog
        open={secret !== null}
        onClose={() => setSecret(null)}
        title="New signing secret"
        description="Copy it now: it will not be shown again. The old secret keeps signing for 24 hours; switch your receiver to this one before then."
        footer={<Button onClick={() => setSecret(null)}>Done</Button>}
      >
        {secret && <SigningSecret secret={secret} />}
      </Dialog>
      {editing && <EditEndpointDialog endpoint={endpoint} onClose={() => setEditing(false)} />}
    </>
  );
}

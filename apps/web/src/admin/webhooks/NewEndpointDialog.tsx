import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { WebhookEndpointWithSecret } from '../../api/resources';
import { Button, buttonClass, Dialog } from '../../ui';
import { useInvalidate } from '../hooks';
import { EndpointFields, useEndpointForm } from './EndpointForm';
import { SigningSecret } from './SigningSecret';

/** Registers an endpoint; the answer holds its signing secret, which is shown here once. */
export function NewEndpointDialog({ onClose }: { onClose: () => void }) {
  const form = useEndpointForm();
  const invalidate = useInvalidate();
  const [created, setCreated] = useState<WebhookEndpointWithSecret | null>(null);

  const submit = () =>
    form.save(async (body) => {
      setCreated(await unwrap(api.POST('/api/v1/webhook-endpoints', { body })));
      await invalidate('/api/v1/webhook-endpoints', '/api/v1/events');
    });

  return (
    <Dialog
      open
      onClose={form.busy ? () => {} : onClose}
      title={created ? 'Endpoint added' : 'Add a webhook endpoint'}
      description={
        created
          ? 'Copy the signing secret now: it will not be shown again. Your receiver needs it to check that requests come from Keyward.'
          : 'Keyward sends the events you choose to this URL as they happen, signed, and retries for about 3 days when it does not answer 2xx.'
      }
      footer={
        created ? (
          <>
            <Button variant="secondary" onClick={onClose}>
              Done
            </Button>
            <Link
              to="/settings/webhooks/$id"
              params={{ id: created.id }}
              onClick={onClose}
              className={buttonClass('primary')}
            >
              Open the endpoint
            </Link>
          </>
        ) : (
          <>
            <Button variant="secondary" onClick={onClose} disabled={form.busy}>
              Cancel
            </Button>
            <Button type="submit" form="webhook-endpoint-form" loading={form.busy}>
              Add endpoint
            </Button>
          </>
        )
      }
    >
      {created ? (
        <SigningSecret secret={created.secret} />
      ) : (
        <form
          id="webhook-endpoint-form"
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <EndpointFields form={form} />
        </form>
      )}
    </Dialog>
  );
}

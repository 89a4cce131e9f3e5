import { api, unwrap } from '../../api/client';
import type { WebhookEndpoint } from '../../api/resources';
import { Button, Dialog, useToast } from '../../ui';
import { useInvalidate } from '../hooks';
import { EndpointFields, useEndpointForm } from './EndpointForm';

/** Changes an endpoint's URL, description and event filter (its secret stays). */
export function EditEndpointDialog({
  endpoint,
  onClose,
}: {
  endpoint: WebhookEndpoint;
  onClose: () => void;
}) {
  const form = useEndpointForm(endpoint);
  const invalidate = useInvalidate();
  const toast = useToast();

  const submit = async () => {
    const saved = await form.save(async (body) => {
      await unwrap(
        api.PATCH('/api/v1/webhook-endpoints/{id}', { params: { path: { id: endpoint.id } }, body }),
      );
      await invalidate('/api/v1/webhook-endpoints', '/api/v1/events');
      toast({ tone: 'success', title: 'Endpoint saved', description: body.url });
    });
    if (saved) onClose();
  };

  return (
    <Dialog
      open
      onClose={form.busy ? () => {} : onClose}
      title="Edit the endpoint"
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button type="submit" form="webhook-endpoint-edit" loading={form.busy}>
            Save endpoint
          </Button>
        </>
      }
    >
      <form
        id="webhook-endpoint-edit"
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <EndpointFields form={form} />
      </form>
    </Dialog>
  );
}

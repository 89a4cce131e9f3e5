import { useState } from 'react';
import { toApiError } from '../../api/errors';
import type { WebhookEndpoint } from '../../api/resources';
import { FormError, Input, Textarea } from '../../ui';
import { useSubmit } from '../hooks';
import { invalidEventTypes, parseEventTypes } from './eventTypes';

/** What the add and edit forms send. */
export interface EndpointBody {
  url: string;
  description: string;
  event_types: string[];
}

/**
 * The state of an endpoint form (empty, or the endpoint's values): `save` checks the event filter,
 * sends, and puts a refused URL (WEBHOOK_URL_NOT_ALLOWED) under the URL field; other refusals go in
 * `error`. It resolves true once sent.
 */
export function useEndpointForm(endpoint?: WebhookEndpoint) {
  const [draft, setDraft] = useState({
    url: endpoint?.url ?? '',
    description: endpoint?.description ?? '',
    eventTypes: endpoint?.event_types.join('\n') ?? '',
  });
  const [fieldErrors, setFieldErrors] = useState<{ url?: string; eventTypes?: string }>({});
  const submit = useSubmit();
  const set = (key: keyof typeof draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setDraft({ ...draft, [key]: e.target.value });

  const save = async (send: (body: EndpointBody) => Promise<unknown>): Promise<boolean> => {
    const eventTypes = parseEventTypes(draft.eventTypes);
    const invalid = invalidEventTypes(eventTypes);
    if (invalid.length > 0) {
      setFieldErrors({
        eventTypes: `Not an event type: ${invalid.join(', ')}. Write license.suspended or license.*.`,
      });
      return false;
    }
    setFieldErrors({});
    let sent = false;
    await submit.run(async () => {
      try {
        await send({ url: draft.url.trim(), description: draft.description.trim(), event_types: eventTypes });
        sent = true;
      } catch (e) {
        const error = toApiError(e);
        if (error.code !== 'WEBHOOK_URL_NOT_ALLOWED') throw e;
        setFieldErrors({ url: error.message });
      }
    });
    return sent;
  };
  return { draft, set, fieldErrors, save, busy: submit.busy, error: submit.error };
}

/** URL, description and event filter, with what each means. */
export function EndpointFields({ form }: { form: ReturnType<typeof useEndpointForm> }) {
  return (
    <>
      <Input
        label="URL"
        type="url"
        required
        maxLength={2000}
        placeholder="https://example.com/keyward/webhooks"
        hint="Keyward POSTs each event here. It must reach a public address."
        error={form.fieldErrors.url}
        value={form.draft.url}
        onChange={form.set('url')}
      />
      <Input
        label="Description (optional)"
        maxLength={500}
        value={form.draft.description}
        onChange={form.set('description')}
      />
      <Textarea
        label="Event types"
        rows={3}
        placeholder={'license.*\nsubscription.canceled'}
        hint={
          <>
            One per line or separated by commas: an exact type such as <code>license.suspended</code>, or a
            family such as <code>license.*</code> for every license event. Leave empty for every event.
          </>
        }
        error={form.fieldErrors.eventTypes}
        value={form.draft.eventTypes}
        onChange={form.set('eventTypes')}
      />
      <FormError>{form.error}</FormError>
    </>
  );
}

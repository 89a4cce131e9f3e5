import type { WebhookEndpoint } from '../../api/resources';

/** An exact event type (`license.suspended`) or a family (`license.*`), as the server accepts them. */
const EVENT_TYPE = /^[a-z_]+\.(\*|[a-z_]+)$/;

/** The event filter as typed: comma-separated or one per line, blanks and repeats dropped. */
export function parseEventTypes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** The entries the server would refuse, for a message next to the field. */
export function invalidEventTypes(types: readonly string[]): string[] {
  return types.filter((t) => !EVENT_TYPE.test(t));
}

/** "Every event", or the list. */
export function eventFilterLabel(types: readonly string[]): string {
  return types.length === 0 ? 'Every event' : types.join(', ');
}

/** Whether a test event reaches the endpoint now: it goes to it whatever its filter, once it is enabled. */
export function receivesTestEvents(e: WebhookEndpoint): boolean {
  return e.enabled;
}

import type { ApiError } from '../../api/errors';

/** Field errors of a form, keyed by the path of the body field they are about ('items/0/quantity'). */
export type FieldErrors = Partial<Record<string, string>>;

/** "Must be at least 1" from a schema refusal; the server's own sentence for its rules. */
function sentence(e: ApiError, pointer: string): string {
  const reason = e.details.reason;
  const limit = (e.details.constraint as { limit?: number } | undefined)?.limit;
  if (reason === 'minimum') return `Must be at least ${limit}.`;
  if (reason === 'maximum') return 'Too large.';
  if (reason === 'required') return 'Required.';
  if (reason === 'format') return 'Choose one from the list.';
  const rest = e.message.startsWith(pointer) ? e.message.slice(pointer.length).trim() : e.message;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/**
 * The field a refusal is about (its details.pointer, `/body/items/0/unit_amount_cents`) among `fields`,
 * with what to do about it in words; null when it is about none of them (shown above the buttons).
 */
export function fieldErrorOf(e: ApiError, fields: readonly string[]): FieldErrors | null {
  const pointer = String(e.details.pointer ?? '');
  if (!pointer.startsWith('/body/')) return null;
  const field = pointer.slice('/body/'.length);
  return fields.includes(field) ? { [field]: sentence(e, pointer) } : null;
}

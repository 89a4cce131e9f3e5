import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { type ApiError, toApiError } from '../../api/errors';
import { useInvalidate, useSubmit } from '../hooks';
import type { Branding } from './types';

export type BrandingField = keyof Branding;
export const BRANDING_FIELDS: readonly BrandingField[] = [
  'product_name',
  'from_name',
  'from_email',
  'support_email',
  'logo_url',
];

type Draft = Record<BrandingField, string>;

export const brandingQuery = {
  queryKey: ['/api/v1/account/branding'],
  queryFn: ({ signal }: { signal: AbortSignal }) => unwrap(api.GET('/api/v1/account/branding', { signal })),
};

const draftOf = (b: Branding): Draft =>
  Object.fromEntries(BRANDING_FIELDS.map((f) => [f, b[f] ?? ''])) as Draft;

/**
 * The field a refusal is about (its details.pointer, /body/<field>) and what to do about it in words;
 * null when it is not about one field.
 */
export function brandingFieldError(e: ApiError): { field: BrandingField; message: string } | null {
  const field = /^\/body\/([a-z_]+)/.exec(String(e.details.pointer ?? ''))?.[1] as BrandingField | undefined;
  if (!field || !BRANDING_FIELDS.includes(field)) return null;
  const constraint = (e.details.constraint ?? {}) as { format?: string; limit?: number };
  const reason = e.details.reason;
  if (reason === 'format' && constraint.format === 'email')
    return { field, message: 'Enter an email address, such as help@example.com.' };
  if ((reason === 'format' && constraint.format === 'uri') || reason === 'pattern')
    return { field, message: 'Enter a web address that starts with https:// (or http://).' };
  if (reason === 'maxLength') return { field, message: `Use at most ${constraint.limit} characters.` };
  return { field, message: e.message };
}

/**
 * The branding form: starts from what the server says; `save` sends only what changed (an emptied field
 * goes back to its default), `reset` puts one field back to its default at once. A refusal about a field
 * is shown under it (`fieldErrors`), anything else in `error`.
 */
export function useBrandingForm() {
  const branding = useQuery(brandingQuery);
  const client = useQueryClient();
  const invalidate = useInvalidate();
  const submit = useSubmit<'save' | BrandingField>();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<BrandingField, string>>>({});
  const server = branding.data ? draftOf(branding.data) : null;
  const values = draft ?? server;
  const changed = BRANDING_FIELDS.filter((f) => values && server && values[f].trim() !== server[f]);

  const set = (field: BrandingField) => (e: React.ChangeEvent<HTMLInputElement>) => {
    if (values) setDraft({ ...values, [field]: e.target.value });
    setFieldErrors(({ [field]: _, ...rest }) => rest);
  };

  const send = async (body: Partial<Record<BrandingField, string | null>>, what: 'save' | BrandingField) => {
    let saved: Branding | null = null;
    await submit.run(async () => {
      try {
        saved = await unwrap(api.PATCH('/api/v1/account/branding', { body }));
      } catch (e) {
        const about = brandingFieldError(toApiError(e));
        if (!about) throw e;
        setFieldErrors({ [about.field]: about.message });
        return;
      }
      setFieldErrors({});
      client.setQueryData(brandingQuery.queryKey, saved);
      // Previews render in the current branding.
      await invalidate('/api/v1/emails', '/api/v1/events');
    }, what);
    return saved as Branding | null;
  };

  /** Sends what changed; true once saved. */
  const saveChanges = async () => {
    const body = Object.fromEntries(changed.map((f) => [f, values![f].trim() || null]));
    const saved = await send(body, 'save');
    if (saved) setDraft(null);
    return saved !== null;
  };

  /** Puts one field back to its default (other edits are kept); true once done. */
  const reset = async (field: BrandingField) => {
    const saved = await send({ [field]: null }, field);
    if (saved && draft) setDraft({ ...draft, [field]: draftOf(saved)[field] });
    return saved !== null;
  };

  return { branding, values, changed, set, saveChanges, reset, fieldErrors, ...submit };
}

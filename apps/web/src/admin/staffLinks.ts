import { useQuery } from '@tanstack/react-query';
import { publicApi, unwrap } from '../api/client';
import { ApiError, toApiError } from '../api/errors';
import type { components } from '../api/schema';

export { useLinkToken } from '../lib/linkToken';

/** Who an emailed link is for (`POST /api/v1/auth/links/inspect`). */
export type StaffLink = components['schemas']['StaffLink'];
export type LinkPurpose = StaffLink['purpose'];

/** The shortest password the server takes (its MIN_PASSWORD_LENGTH). */
export const MIN_PASSWORD_LENGTH = 12;
export const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one.`;

const invalidLink = () =>
  new ApiError(400, 'LINK_INVALID', 'This link has expired or was already used.', {}, undefined);

/** True when the server refused the link itself (used, expired, replaced, unknown or malformed). */
export function isInvalidLink(error: unknown): boolean {
  const e = toApiError(error);
  return e.code === 'LINK_INVALID' || (e.status === 400 && e.details.pointer === '/body/token');
}

/** Who a link of `purpose` is for, if it still works; a link made for the other page counts as invalid. */
export function useStaffLink(token: string | null, purpose: LinkPurpose) {
  return useQuery({
    queryKey: ['staff-link', purpose, token],
    queryFn: async ({ signal }) => {
      if (!token) throw invalidLink();
      const link = await unwrap(publicApi.POST('/api/v1/auth/links/inspect', { body: { token }, signal }));
      if (link.purpose !== purpose) throw invalidLink();
      return link;
    },
    // Once used, the link is refused: asking again after a success must not turn the page into an error.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}

/** Asks for a reset link; the server's answer is the same whether or not the email is a user's. */
export async function requestPasswordReset(email: string): Promise<string> {
  const answer = await unwrap(publicApi.POST('/api/v1/auth/password-reset', { body: { email } }));
  return answer.message;
}

/** Sets a new password with a reset link; the server ends every session of the user. */
export async function confirmPasswordReset(token: string, password: string): Promise<void> {
  await unwrap(publicApi.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } }));
}

/** The server's reason when it refused a password as too weak (undefined for any other error). */
export function weakPasswordMessage(error: unknown): string | undefined {
  const e = toApiError(error);
  return e.code === 'PASSWORD_TOO_WEAK' ? e.message : undefined;
}

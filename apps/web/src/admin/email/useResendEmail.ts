import { api, unwrap } from '../../api/client';
import { describeError } from '../../api/errors';
import { useToast } from '../../ui';
import { useCan, useInvalidate } from '../hooks';
import type { Email } from './types';

/**
 * Whether the signed-in role may send an email again (the route's x-keyward-action, customers:write),
 * and the call itself: it toasts either way and refreshes the log and the preview.
 */
export function useResendEmail() {
  const canResend = useCan('customers:write');
  const invalidate = useInvalidate();
  const toast = useToast();
  const resend = async (email: Email) => {
    try {
      await unwrap(api.POST('/api/v1/emails/{id}/resend', { params: { path: { id: email.id } } }));
      toast({
        tone: 'success',
        title: 'Sending again',
        description: email.to_address ? `${email.template} to ${email.to_address}` : email.template,
      });
      await invalidate('/api/v1/emails');
    } catch (error) {
      toast({ tone: 'error', title: 'Could not resend', description: describeError(error), duration: 0 });
    }
  };
  return { canResend, resend };
}

/** A pending email is on its way already; every other one may be sent again. */
export const resendable = (email: Email) => email.status !== 'pending';

import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ConfirmDialog, Textarea, useToast } from '../../ui';
import { useInvalidate } from '../hooks';
import type { StatusChange, ViolationAction } from './actions';
import type { Violation } from './labels';

/**
 * Confirms a status change (with a note) or an action from a violation (with a reason or a message),
 * sends it, and refreshes what it changed.
 */
export function ViolationDialog({
  violation,
  pending,
  onClose,
}: {
  violation: Violation;
  pending: StatusChange | ViolationAction;
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const invalidate = useInvalidate();
  const toast = useToast();
  const path = { id: violation.id };
  const confirm = async () => {
    const note = text.trim() || undefined;
    if (pending.kind === 'status') {
      await unwrap(
        api.PATCH('/api/v1/compliance/violations/{id}', {
          params: { path },
          body: { status: pending.to, note },
        }),
      );
    } else if (pending.path === 'suspend-license') {
      await unwrap(
        api.POST('/api/v1/compliance/violations/{id}/suspend-license', {
          params: { path },
          body: { reason: note },
        }),
      );
    } else if (pending.path === 'block-device') {
      await unwrap(
        api.POST('/api/v1/compliance/violations/{id}/block-device', {
          params: { path },
          body: { reason: note },
        }),
      );
    } else {
      await unwrap(
        api.POST('/api/v1/compliance/violations/{id}/notify-customer', {
          params: { path },
          body: { message: note },
        }),
      );
    }
    await invalidate('/api/v1/compliance', '/api/v1/licenses', '/api/v1/events');
    toast({
      tone: 'success',
      title: pending.kind === 'status' ? `${pending.label}: done` : `${pending.label}: done`,
    });
  };
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={pending.title}
      description={pending.description}
      confirmLabel={pending.confirm}
      tone={pending.kind === 'action' ? pending.tone : 'primary'}
      onConfirm={confirm}
    >
      <Textarea
        label={pending.kind === 'status' ? 'Note (optional)' : pending.fieldLabel}
        value={text}
        onChange={(e) => setText(e.target.value)}
        maxLength={pending.kind === 'action' && pending.field === 'reason' ? 500 : 2000}
        rows={3}
      />
    </ConfirmDialog>
  );
}

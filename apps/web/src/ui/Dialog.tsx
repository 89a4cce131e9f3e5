import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { describeError } from '../api/errors';
import { Button } from './Button';
import { cx, focusRing } from './cx';
import { FormError } from './FormError';
import { Icon } from './Icon';

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons, right-aligned (stacked on phones). */
  footer?: ReactNode;
  /** Use alertdialog for confirmations that need an explicit answer. */
  role?: 'dialog' | 'alertdialog';
  /** `lg` for documents shown whole (a receipt); forms and confirmations keep the default. */
  size?: 'md' | 'lg';
}

/**
 * Modal built on the native <dialog>: the browser traps focus, closes on Escape, renders in the top layer
 * and returns focus to the opener. Clicking the backdrop closes it too.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  role = 'dialog',
  size = 'md',
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: backdrop click is for pointers; keyboards close with Escape (onCancel)
    <dialog
      ref={ref}
      role={role}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault(); // React state decides when it closes
        onClose();
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose(); // the backdrop is the dialog element itself
      }}
      className={cx(
        'm-auto rounded-lg bg-white p-0 text-left text-zinc-900 shadow-xl',
        size === 'lg' ? 'w-[min(52rem,calc(100vw-2rem))]' : 'w-[min(32rem,calc(100vw-2rem))]',
      )}
    >
      <div className="p-5 sm:p-6">
        <div className="flex items-start justify-between gap-4">
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <button
            type="button"
            onClick={onClose}
            aria-label="Close"
            className={`-m-1 rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800 ${focusRing}`}
          >
            <Icon name="x" />
          </button>
        </div>
        {description && (
          <p id={descriptionId} className="mt-2 text-sm text-zinc-600">
            {description}
          </p>
        )}
        {children && <div className="mt-4">{children}</div>}
      </div>
      {footer && (
        <div className="flex flex-col-reverse gap-2 border-t border-zinc-200 bg-zinc-50 px-5 py-3 sm:flex-row sm:justify-end sm:px-6">
          {footer}
        </div>
      )}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  /** `danger` for destructive actions (revoke, delete, block). */
  tone?: 'primary' | 'danger';
  /** May return a promise: the dialog shows progress, closes on success and shows the error otherwise. */
  onConfirm: () => unknown;
  /** Fields the confirmation needs (a note, a reason), above the error. */
  children?: ReactNode;
}

/** "Are you sure?" with a pending state and the server's error in place. */
export function ConfirmDialog({
  open,
  onClose,
  title,
  description,
  confirmLabel,
  cancelLabel = 'Cancel',
  tone = 'primary',
  onConfirm,
  children,
}: ConfirmDialogProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (open) setError(null);
  }, [open]);

  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={pending ? () => {} : onClose}
      role="alertdialog"
      title={title}
      description={description}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            {cancelLabel}
          </Button>
          <Button variant={tone} onClick={confirm} loading={pending}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
      <FormError>{error != null ? describeError(error) : null}</FormError>
    </Dialog>
  );
}

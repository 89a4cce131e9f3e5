import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { cx, focusRing } from './cx';
import { Icon } from './Icon';

export type ToastTone = 'success' | 'error' | 'info';

export interface ToastInput {
  title: string;
  description?: string;
  tone?: ToastTone;
  /** Milliseconds before it disappears; errors stay until dismissed when 0. Default 5 s. */
  duration?: number;
}

interface ToastItem extends Required<Omit<ToastInput, 'description'>> {
  id: number;
  description?: string;
}

const ToastContext = createContext<((toast: ToastInput) => void) | null>(null);

const TONES: Record<ToastTone, string> = {
  success: 'border-l-emerald-500',
  error: 'border-l-red-500',
  info: 'border-l-brand-500',
};

let nextId = 1;

/** Hosts toasts in a polite live region at the bottom right (bottom, full width on phones). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const show = useCallback((input: ToastInput) => {
    const item: ToastItem = { tone: 'info', duration: 5000, ...input, id: nextId++ };
    setToasts((list) => [...list.slice(-3), item]);
  }, []);

  return (
    <ToastContext.Provider value={show}>
      {children}
      <section
        aria-label="Notifications"
        aria-live="polite"
        className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-stretch gap-2 p-4 sm:right-0 sm:left-auto sm:w-96"
      >
        {toasts.map((toast) => (
          <ToastView key={toast.id} toast={toast} onDismiss={dismiss} />
        ))}
      </section>
    </ToastContext.Provider>
  );
}

function ToastView({ toast, onDismiss }: { toast: ToastItem; onDismiss: (id: number) => void }) {
  useEffect(() => {
    if (toast.duration <= 0) return;
    const timer = window.setTimeout(() => onDismiss(toast.id), toast.duration);
    return () => window.clearTimeout(timer);
  }, [toast, onDismiss]);

  return (
    <div
      role={toast.tone === 'error' ? 'alert' : 'status'}
      className={cx(
        'pointer-events-auto flex items-start gap-3 rounded-md border border-l-4 border-zinc-200 bg-white p-3 shadow-lg',
        TONES[toast.tone],
      )}
    >
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium text-zinc-900">{toast.title}</p>
        {toast.description && <p className="mt-0.5 text-sm text-zinc-600">{toast.description}</p>}
      </div>
      <button
        type="button"
        onClick={() => onDismiss(toast.id)}
        aria-label="Dismiss notification"
        className={cx('rounded p-0.5 text-zinc-400 hover:text-zinc-700', focusRing)}
      >
        <Icon name="x" />
      </button>
    </div>
  );
}

/**
 * Shows a toast from anywhere under ToastProvider.
 * @example const toast = useToast(); toast({ title: 'License revoked', tone: 'success' });
 */
export function useToast(): (toast: ToastInput) => void {
  const show = useContext(ToastContext);
  if (!show) throw new Error('useToast must be used inside <ToastProvider>');
  return show;
}

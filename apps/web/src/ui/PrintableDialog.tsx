import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { ErrorState } from './ErrorState';
import { Skeleton } from './Spinner';

/**
 * A printable HTML document the server renders (a receipt) that needs the caller's credentials, so it is
 * fetched by `load` and shown in a sandboxed frame: no scripts, no forms, no navigation (same origin only
 * so that Print can reach it; without scripts the document itself can do nothing with it).
 */
export function PrintableDialog({
  title,
  description,
  queryKey,
  load,
  onClose,
}: {
  title: string;
  description: string;
  queryKey: readonly unknown[];
  load: (signal: AbortSignal) => Promise<string>;
  onClose: () => void;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const document = useQuery({ queryKey, queryFn: ({ signal }) => load(signal) });
  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title={title}
      description={description}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Done
          </Button>
          <Button disabled={!document.data} onClick={() => frame.current?.contentWindow?.print()}>
            Print
          </Button>
        </>
      }
    >
      {document.isError ? (
        <ErrorState
          error={document.error}
          onRetry={() => void document.refetch()}
          title={`Could not load the ${title.toLowerCase()}`}
        />
      ) : document.data === undefined ? (
        <Skeleton className="h-[60vh] w-full" />
      ) : (
        <iframe
          ref={frame}
          title={title}
          sandbox="allow-same-origin allow-modals"
          srcDoc={document.data}
          referrerPolicy="no-referrer"
          className="h-[60vh] w-full rounded-md border border-zinc-200 bg-white"
        />
      )}
    </Dialog>
  );
}

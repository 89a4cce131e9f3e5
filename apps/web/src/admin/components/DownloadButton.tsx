import { useState } from 'react';
import type { QueryValue } from '../../api/client';
import { downloadFromApi } from '../../api/download';
import { describeError } from '../../api/errors';
import { Button } from '../../ui';

/**
 * "Download CSV" (or any export): fetches the file with the session's credentials and saves it; says
 * in place why when the server refuses.
 */
export function DownloadButton({
  path,
  query,
  label = 'Download CSV',
  filename,
  accessibleName,
}: {
  path: string;
  query?: Record<string, QueryValue>;
  label?: string;
  /** Used when the server names no file. */
  filename: string;
  /** A longer name for screen readers ("Download CSV of MRR by plan"). */
  accessibleName?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await downloadFromApi(path, query, filename);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="inline-flex items-center gap-2">
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
      <Button size="sm" variant="secondary" onClick={run} loading={busy} aria-label={accessibleName}>
        {label}
      </Button>
    </span>
  );
}

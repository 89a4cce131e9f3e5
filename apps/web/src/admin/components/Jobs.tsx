import { useQuery } from '@tanstack/react-query';
import { requestJson } from '../../api/client';
import { describeError } from '../../api/errors';
import type { paths } from '../../api/schema';
import { formatDateTime, formatRelative } from '../../lib/format';
import {
  Badge,
  Button,
  Card,
  type Column,
  DataTable,
  EmptyState,
  ErrorState,
  NameCell,
  useToast,
} from '../../ui';
import { useInvalidate } from '../hooks';

type Overview = paths['/api/v1/jobs']['get']['responses'][200]['content']['application/json'];
type Job = Overview['jobs'][number];
type Failure = Overview['failures'][number];
type Queued = paths['/api/v1/jobs/{name}/runs']['post']['responses'][202]['content']['application/json'];

const STATE_TONE = { completed: 'success', failed: 'danger', active: 'brand' } as const;

/** What a run said: its summary (`expired 2 · notices 5`) or, for a failed one, its error. */
function runOutput(output: Record<string, unknown> | null | undefined): string {
  if (!output) return '';
  if (typeof output.message === 'string') return output.message;
  return Object.entries(output)
    .map(([k, v]) => `${k.replaceAll('_', ' ')} ${String(v)}`)
    .join(' · ');
}

function useJobAction() {
  const toast = useToast();
  const invalidate = useInvalidate();
  return async (path: string, what: string) => {
    try {
      const queued = await requestJson<Queued>(path, { method: 'POST' });
      toast({ tone: queued.queued ? 'success' : 'info', title: what, description: queued.message });
      await invalidate('/api/v1/jobs');
    } catch (e) {
      toast({ tone: 'error', title: `${what}: refused`, description: describeError(e) });
    }
  };
}

/**
 * The job queue on the Settings page (owners and admins): what runs by itself and when, how the last run
 * went, what failed and why; run a job now, run a failed run again. Refreshed every 10 seconds.
 */
export function JobsCard() {
  const act = useJobAction();
  const overview = useQuery({
    queryKey: ['/api/v1/jobs'],
    queryFn: ({ signal }) => requestJson<Overview>('/api/v1/jobs', { signal }),
    refetchInterval: 10_000,
  });
  const jobColumns: Column<Job>[] = [
    { id: 'job', header: 'Job', cell: (j) => <NameCell name={j.name} sub={j.description} /> },
    {
      id: 'schedule',
      header: 'Schedule (UTC)',
      cell: (j) => (
        <span className="text-xs">
          <span className="font-mono">{j.schedule ?? '—'}</span>
          {j.next_run_at && (
            <span className="block text-zinc-500">
              next <time dateTime={j.next_run_at}>{formatRelative(j.next_run_at)}</time>
            </span>
          )}
        </span>
      ),
    },
    {
      id: 'last',
      header: 'Last run',
      cell: (j) =>
        j.last_run ? (
          <span className="text-xs">
            <Badge tone={STATE_TONE[j.last_run.state as keyof typeof STATE_TONE] ?? 'neutral'}>
              {j.last_run.state}
            </Badge>{' '}
            <time dateTime={j.last_run.finished_at ?? undefined}>
              {formatDateTime(j.last_run.finished_at)}
            </time>
            <span className="block text-zinc-500">{runOutput(j.last_run.output)}</span>
          </span>
        ) : (
          <span className="text-xs text-zinc-500">Not run yet</span>
        ),
    },
    {
      id: 'queue',
      header: 'Waiting · running · failed',
      cell: (j) => (
        <span className="text-xs tabular-nums">
          {j.waiting} · {j.running} · {j.failed > 0 ? <Badge tone="danger">{j.failed}</Badge> : 0}
        </span>
      ),
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (j) => (
        <Button
          size="sm"
          variant="secondary"
          onClick={() => void act(`/api/v1/jobs/${j.name}/runs`, `Run ${j.name}`)}
        >
          Run now
        </Button>
      ),
    },
  ];
  const failureColumns: Column<Failure>[] = [
    { id: 'job', header: 'Job', cell: (f) => <NameCell name={f.name} sub={f.id} mono /> },
    {
      id: 'when',
      header: 'Failed',
      cell: (f) => <time dateTime={f.finished_at ?? undefined}>{formatDateTime(f.finished_at)}</time>,
    },
    {
      id: 'error',
      header: 'Error',
      cell: (f) => <span className="text-xs text-red-800">{runOutput(f.output) || 'No error recorded'}</span>,
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (f) => (
        <Button
          size="sm"
          variant="secondary"
          onClick={() => void act(`/api/v1/jobs/${f.name}/runs/${f.id}/retry`, `Retry ${f.name}`)}
        >
          Retry
        </Button>
      ),
    },
  ];
  return (
    <Card
      title="Jobs"
      description="What Keyward runs by itself, on every server process at once: each scheduled run happens once."
      flush
    >
      {overview.isError ? (
        <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />
      ) : (
        <>
          <DataTable
            caption="Jobs"
            columns={jobColumns}
            rows={overview.data?.jobs}
            rowKey={(j) => j.name}
            loading={overview.isPending}
            empty={<EmptyState title="No jobs" />}
          />
          {overview.data && overview.data.failures.length > 0 && (
            <DataTable
              caption="Failed runs"
              columns={failureColumns}
              rows={overview.data.failures}
              rowKey={(f) => f.id}
              loading={false}
              empty={null}
            />
          )}
        </>
      )}
    </Card>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { Button, Card, DataTable, EmptyState, ErrorState, PageHeader, Skeleton } from '../../ui';
import { DetailItem } from '../../ui/DetailItem';
import {
  type StatusChange,
  statusChanges,
  type ViolationAction,
  violationActions,
} from '../compliance/actions';
import { EvidenceList } from '../compliance/Evidence';
import { SeverityBadge, TYPE_LABEL, ViolationStatusBadge } from '../compliance/labels';
import { ViolationDialog } from '../compliance/ViolationDialog';
import { CustomerCell } from '../components/customers';
import { eventColumns } from '../components/events';
import { useRole } from '../hooks';

/** One violation: what was found, its evidence in words, where it stands, and what staff may do. */
export function ViolationDetailPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const role = useRole();
  const [pending, setPending] = useState<StatusChange | ViolationAction | null>(null);
  const violation = useQuery({
    queryKey: ['/api/v1/compliance/violations', id],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/compliance/violations/{id}', { params: { path: { id } }, signal })),
  });
  const events = useQuery({
    queryKey: ['/api/v1/events', { subject_id: id }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/events', { params: { query: { subject_id: id, limit: 25, offset: 0 } }, signal }),
      ),
  });
  const v = violation.data;

  if (violation.isError)
    return (
      <Card>
        <ErrorState
          error={violation.error}
          onRetry={() => void violation.refetch()}
          title="Could not load this violation"
        />
      </Card>
    );

  const changes = v ? statusChanges(v, role) : [];
  const actions = v ? violationActions(v, role) : [];
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            {v ? TYPE_LABEL[v.type] : 'Violation'}
            {v && (
              <span className="flex gap-2 text-base" data-testid="violation-status">
                <SeverityBadge severity={v.severity} />
                <ViolationStatusBadge status={v.status} />
              </span>
            )}
          </span>
        }
        description={
          <Link to="/compliance" className="text-brand-700 hover:underline">
            ← Compliance
          </Link>
        }
        actions={
          <>
            {changes.map((c, i) => (
              <Button
                key={c.to}
                size="sm"
                variant={i === 0 ? 'primary' : 'secondary'}
                onClick={() => setPending(c)}
              >
                {c.label}
              </Button>
            ))}
            {actions.map((a) => (
              <Button
                key={a.path}
                size="sm"
                variant={a.tone === 'danger' ? 'danger' : 'secondary'}
                onClick={() => setPending(a)}
              >
                {a.label}
              </Button>
            ))}
          </>
        }
      />
      <div className="flex flex-col gap-6">
        <Card title="Summary">
          {v ? (
            <>
              <p className="mb-4 text-sm text-zinc-900">{v.summary}</p>
              <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
                <DetailItem label="Detected">{formatDateTime(v.detected_at)}</DetailItem>
                <DetailItem label="License">
                  {v.license_id ? (
                    <Link
                      to="/licenses/$id"
                      params={{ id: v.license_id }}
                      className="text-brand-700 hover:underline"
                    >
                      Open license
                    </Link>
                  ) : (
                    '—'
                  )}
                </DetailItem>
                <DetailItem label="Customer">
                  {v.customer_id ? <CustomerCell id={v.customer_id} /> : '—'}
                </DetailItem>
                <DetailItem label="Device">
                  {v.device_id ? <span className="font-mono text-xs">{v.device_id}</span> : '—'}
                </DetailItem>
                <DetailItem label="Status changed">
                  {v.status_changed_at ? formatDateTime(v.status_changed_at) : 'Never'}
                </DetailItem>
                <DetailItem label="Changed by">{v.status_changed_by ?? '—'}</DetailItem>
                <DetailItem label="Note" testId="violation-note">
                  {v.status_note ?? '—'}
                </DetailItem>
              </dl>
            </>
          ) : (
            <Skeleton className="h-24 w-full" />
          )}
        </Card>
        <Card title="Evidence" description="What the detector saw" aria-label="Evidence">
          {v ? <EvidenceList evidence={v.evidence} /> : <Skeleton className="h-32 w-full" />}
          {v && (
            <details className="mt-4 text-xs text-zinc-500">
              <summary className="cursor-pointer">Raw evidence (JSON)</summary>
              <pre className="mt-2 overflow-x-auto rounded bg-zinc-50 p-3 font-mono">
                {JSON.stringify(v.evidence, null, 2)}
              </pre>
            </details>
          )}
        </Card>
        <Card title="History" flush>
          {events.isError ? (
            <ErrorState error={events.error} onRetry={() => void events.refetch()} />
          ) : (
            <DataTable
              caption="Events of this violation"
              columns={eventColumns}
              rows={events.data?.data}
              rowKey={(e) => e.id}
              loading={events.isPending}
              empty={<EmptyState title="No events" />}
            />
          )}
        </Card>
      </div>
      {v && pending && (
        <ViolationDialog
          key={pending.kind === 'status' ? pending.to : pending.path}
          violation={v}
          pending={pending}
          onClose={() => setPending(null)}
        />
      )}
    </>
  );
}

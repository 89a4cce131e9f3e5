import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { formatDateTime, formatNumber } from '../../lib/format';
import {
  Button,
  Card,
  ConfirmDialog,
  DataTable,
  EmptyState,
  ErrorState,
  MetricCard,
  PageHeader,
  Pagination,
  Select,
  Textarea,
  useToast,
} from '../../ui';
import {
  CUSTOMER_STATUS_LABEL,
  CustomerStatusBadge,
  SEVERITIES,
  type Severity,
  SeverityBadge,
  STATUS_LABEL,
  TYPE_LABEL,
  type ViolationStatus,
  ViolationStatusBadge,
  type ViolationType,
} from '../compliance/labels';
import { DownloadButton } from '../components/DownloadButton';
import { useCan, useInvalidate } from '../hooks';

const options = <T extends string>(labels: Record<T, string>) =>
  (Object.entries(labels) as [T, string][]).map(([value, label]) => ({ value, label }));

/** Compliance: open violations by severity, the violations, customers' status and the audits. */
export function CompliancePage() {
  const overview = useQuery({
    queryKey: ['/api/v1/compliance/overview'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/compliance/overview', { signal })),
  });
  const o = overview.data;
  return (
    <>
      <PageHeader
        title="Compliance"
        description={
          o?.last_scan
            ? `Last daily scan ${formatDateTime(o.last_scan.created_at)} · ${formatNumber(o.last_scan.raised)} raised`
            : 'Violations found in how licenses are used, customers’ standing and audits.'
        }
      />
      {overview.isError ? (
        <Card>
          <ErrorState
            error={overview.error}
            onRetry={() => void overview.refetch()}
            retrying={overview.isFetching}
          />
        </Card>
      ) : (
        <div className="flex flex-col gap-6">
          <section aria-label="Open violations by severity" className="grid grid-cols-2 gap-4 xl:grid-cols-4">
            {SEVERITIES.map((s) => (
              <MetricCard
                key={s}
                label={`Open · ${s}`}
                value={formatNumber(o?.open_by_severity[s])}
                loading={overview.isPending}
              />
            ))}
          </section>
          <section
            aria-label="Customers by compliance status"
            className="grid grid-cols-1 gap-4 sm:grid-cols-3"
          >
            {(['compliant', 'at_risk', 'non_compliant'] as const).map((s) => (
              <MetricCard
                key={s}
                label={`Customers ${CUSTOMER_STATUS_LABEL[s].toLowerCase()}`}
                value={formatNumber(o?.customers[s])}
                loading={overview.isPending}
              />
            ))}
          </section>
          <Violations />
          <CustomerStatusList />
          <Audits />
        </div>
      )}
    </>
  );
}

function Violations() {
  const [status, setStatus] = useState<ViolationStatus | ''>('open');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [type, setType] = useState<ViolationType | ''>('');
  const [offset, setOffset] = useState(0);
  const [limit, setLimit] = useState(25);
  const query = {
    limit,
    offset,
    status: status || undefined,
    severity: severity || undefined,
    type: type || undefined,
  };
  const list = useQuery({
    queryKey: ['/api/v1/compliance/violations', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/compliance/violations', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setOffset(0);
    };
  return (
    <Card title="Violations" flush>
      <div className="flex flex-wrap gap-3 border-b border-zinc-200 px-4 py-3 sm:px-5">
        <Select
          label="Status"
          placeholder="Any status"
          value={status}
          onChange={(e) => filter(setStatus)(e.target.value as ViolationStatus | '')}
          options={options(STATUS_LABEL)}
          fieldClassName="w-44"
        />
        <Select
          label="Severity"
          placeholder="Any severity"
          value={severity}
          onChange={(e) => filter(setSeverity)(e.target.value as Severity | '')}
          options={SEVERITIES.map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) }))}
          fieldClassName="w-44"
        />
        <Select
          label="Type"
          placeholder="Any type"
          value={type}
          onChange={(e) => filter(setType)(e.target.value as ViolationType | '')}
          options={options(TYPE_LABEL)}
          fieldClassName="w-52"
        />
      </div>
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <DataTable
            caption="Violations, newest first"
            rows={list.data?.data}
            rowKey={(v) => v.id}
            loading={list.isPending}
            columns={[
              {
                id: 'type',
                header: 'Type',
                cell: (v) => (
                  <Link
                    to="/compliance/violations/$id"
                    params={{ id: v.id }}
                    className="font-medium text-brand-700 hover:underline"
                  >
                    {TYPE_LABEL[v.type]}
                  </Link>
                ),
              },
              { id: 'severity', header: 'Severity', cell: (v) => <SeverityBadge severity={v.severity} /> },
              { id: 'status', header: 'Status', cell: (v) => <ViolationStatusBadge status={v.status} /> },
              { id: 'summary', header: 'Summary', secondary: true, cell: (v) => v.summary },
              { id: 'detected', header: 'Detected', cell: (v) => formatDateTime(v.detected_at) },
            ]}
            empty={
              <EmptyState title="No violation matches" description="Change the filters to see others." />
            }
          />
          <Pagination
            offset={offset}
            limit={limit}
            count={list.data?.data.length ?? 0}
            hasMore={list.data?.pagination.has_more ?? false}
            onOffsetChange={setOffset}
            onLimitChange={(l) => {
              setLimit(l);
              setOffset(0);
            }}
            disabled={list.isFetching}
          />
        </>
      )}
    </Card>
  );
}

function CustomerStatusList() {
  const [offset, setOffset] = useState(0);
  const limit = 25;
  const query = { limit, offset };
  const list = useQuery({
    queryKey: ['/api/v1/compliance/customers', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/compliance/customers', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  return (
    <Card
      title="Customers with open violations"
      description="The lowest score first; customers without an open violation are compliant"
      flush
    >
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <DataTable
            caption="Customers by compliance score"
            rows={list.data?.data}
            rowKey={(c) => c.customer_id}
            loading={list.isPending}
            columns={[
              {
                id: 'customer',
                header: 'Customer',
                cell: (c) => (
                  <Link
                    to="/customers/$id"
                    params={{ id: c.customer_id }}
                    className="text-brand-700 hover:underline"
                  >
                    {c.name === c.email ? c.email : `${c.name} · ${c.email}`}
                  </Link>
                ),
              },
              { id: 'status', header: 'Status', cell: (c) => <CustomerStatusBadge status={c.status} /> },
              {
                id: 'score',
                header: 'Score',
                align: 'right',
                className: 'tabular',
                cell: (c) => `${c.score} / 100`,
              },
              {
                id: 'open',
                header: 'Open violations',
                align: 'right',
                className: 'tabular',
                secondary: true,
                cell: (c) => formatNumber(c.open_violations),
              },
              {
                id: 'report',
                header: 'Report',
                align: 'right',
                cell: (c) => (
                  <span className="inline-flex gap-2">
                    <DownloadButton
                      path={`/api/v1/compliance/customers/${c.customer_id}/report.csv`}
                      label="Report (CSV)"
                      filename={`compliance-${c.customer_id}.csv`}
                      accessibleName={`Compliance report of ${c.email} as CSV`}
                    />
                    <DownloadButton
                      path={`/api/v1/compliance/customers/${c.customer_id}/report.pdf`}
                      label="Report (PDF)"
                      filename={`compliance-${c.customer_id}.pdf`}
                      accessibleName={`Compliance report of ${c.email} as PDF`}
                    />
                  </span>
                ),
              },
            ]}
            empty={
              <EmptyState
                title="Every customer is compliant"
                description="No customer has an open violation."
              />
            }
          />
          <Pagination
            offset={offset}
            limit={limit}
            count={list.data?.data.length ?? 0}
            hasMore={list.data?.pagination.has_more ?? false}
            onOffsetChange={setOffset}
            disabled={list.isFetching}
          />
        </>
      )}
    </Card>
  );
}

function Audits() {
  const [offset, setOffset] = useState(0);
  const [running, setRunning] = useState(false);
  const [notes, setNotes] = useState('');
  const mayRun = useCan('compliance:write');
  const invalidate = useInvalidate();
  const toast = useToast();
  const limit = 10;
  const query = { limit, offset };
  const list = useQuery({
    queryKey: ['/api/v1/compliance/audits', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/compliance/audits', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  const run = async () => {
    const audit = await unwrap(
      api.POST('/api/v1/compliance/audits', {
        body: { scope: 'account', notes: notes.trim() || undefined },
      }),
    );
    setNotes('');
    setOffset(0);
    await invalidate('/api/v1/compliance');
    toast({
      tone: 'success',
      title: 'Audit complete',
      description: `${audit.summary.findings} findings, ${audit.summary.raised} new · score ${audit.score}`,
    });
  };
  return (
    <Card
      title="Audits"
      description="The daily scan and audits run on demand, with what they found"
      flush
      actions={
        mayRun && (
          <Button size="sm" onClick={() => setRunning(true)}>
            Run audit
          </Button>
        )
      }
    >
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <DataTable
            caption="Audits, newest first"
            rows={list.data?.data}
            rowKey={(a) => a.id}
            loading={list.isPending}
            columns={[
              { id: 'when', header: 'When', cell: (a) => formatDateTime(a.created_at) },
              {
                id: 'scope',
                header: 'Scope',
                cell: (a) =>
                  a.scope === 'account' ? 'Account' : a.scope === 'customer' ? 'Customer' : 'License',
              },
              {
                id: 'trigger',
                header: 'Trigger',
                cell: (a) => (a.trigger === 'scheduled' ? 'Daily scan' : 'On demand'),
              },
              {
                id: 'findings',
                header: 'Findings',
                align: 'right',
                className: 'tabular',
                cell: (a) => `${formatNumber(a.summary.findings)} (${formatNumber(a.summary.raised)} new)`,
              },
              {
                id: 'score',
                header: 'Score',
                align: 'right',
                className: 'tabular',
                cell: (a) => `${a.score} / 100`,
              },
              { id: 'notes', header: 'Notes', secondary: true, cell: (a) => a.notes || '—' },
            ]}
            empty={<EmptyState title="No audit yet" description="The daily scan runs once a day." />}
          />
          <Pagination
            offset={offset}
            limit={limit}
            count={list.data?.data.length ?? 0}
            hasMore={list.data?.pagination.has_more ?? false}
            onOffsetChange={setOffset}
            disabled={list.isFetching}
          />
        </>
      )}
      <ConfirmDialog
        open={running}
        onClose={() => setRunning(false)}
        title="Run an audit of the account?"
        description="Every detector runs over every license now; new violations are raised and the findings kept."
        confirmLabel="Run audit"
        onConfirm={run}
      >
        <Textarea
          label="Notes (optional)"
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          rows={2}
          maxLength={2000}
        />
      </ConfirmDialog>
    </Card>
  );
}

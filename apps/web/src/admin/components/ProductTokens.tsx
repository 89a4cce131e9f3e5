import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { requestJson } from '../../api/client';
import type { Product } from '../../api/resources';
import type { paths } from '../../api/schema';
import {
  Badge,
  Button,
  Card,
  type Column,
  DataTable,
  Dialog,
  EmptyState,
  ErrorState,
  FormError,
  Input,
  NameCell,
  Select,
  useToast,
} from '../../ui';
import { useCan, useInvalidate, useProductOptions, useSubmit } from '../hooks';

type TokenSettings =
  paths['/api/v1/products/{id}/token-settings']['get']['responses'][200]['content']['application/json'];
type Algorithm = TokenSettings['algorithm'];

const ALGORITHMS: Array<{ value: Algorithm; label: string }> = [
  { value: 'EdDSA', label: 'EdDSA (Ed25519, the default)' },
  { value: 'RS256', label: 'RS256 (RSA, for existing clients that expect it)' },
];

const tokenSettingsQuery = (productId: string) => ({
  queryKey: ['/api/v1/products', productId, 'token-settings'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    requestJson<TokenSettings>(`/api/v1/products/${productId}/token-settings`, { signal }),
});

/** A product's token settings in one line: its own key's algorithm, issuer and audience, or the account's. */
function TokenSummary({ product }: { product: Product }) {
  const settings = useQuery(tokenSettingsQuery(product.id));
  if (!settings.data) return <span className="text-zinc-400">…</span>;
  const s = settings.data;
  return s.own_key ? (
    <span className="flex flex-wrap items-center gap-2">
      <Badge tone="brand">{s.algorithm}</Badge>
      <span className="text-xs text-zinc-600">
        iss {s.issuer} · aud {s.audience}
      </span>
    </span>
  ) : (
    <span className="text-xs text-zinc-500">The account’s key ({s.algorithm})</span>
  );
}

/** Edit how a product's activation tokens are signed. */
function TokenSettingsDialog({ product, onClose }: { product: Product; onClose: () => void }) {
  const settings = useQuery(tokenSettingsQuery(product.id));
  const s = settings.data;
  const toast = useToast();
  const invalidate = useInvalidate();
  const [form, setForm] = useState<{
    algorithm: Algorithm;
    issuer: string;
    audience: string;
    overlap: string;
  } | null>(null);
  const { busy, running, error, run } = useSubmit<'save' | 'reset'>();
  // The form starts from what the server says once it has said it.
  const values = form ?? {
    algorithm: s?.algorithm ?? 'EdDSA',
    issuer: s?.own_key ? s.issuer : '',
    audience: s?.own_key ? s.audience : '',
    overlap: '',
  };
  const set = (k: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({ ...values, [k]: e.target.value });

  const send = async (kind: 'save' | 'reset') => {
    await run(async () => {
      const overlap = values.overlap === '' ? undefined : Number(values.overlap);
      const path = `/api/v1/products/${product.id}/token-settings`;
      const saved =
        kind === 'save'
          ? await requestJson<TokenSettings>(path, {
              method: 'PUT',
              body: {
                algorithm: values.algorithm,
                issuer: values.issuer.trim() || null,
                audience: values.audience.trim() || null,
                ...(overlap === undefined ? {} : { overlap_hours: overlap }),
              },
            })
          : await requestJson<TokenSettings>(path, {
              method: 'DELETE',
              query: overlap === undefined ? {} : { overlap_hours: overlap },
            });
      await invalidate('/api/v1/products', '/api/v1/signing-keys');
      toast({
        tone: 'success',
        title: kind === 'save' ? 'Token settings saved' : 'Back to the account’s key',
        description: saved.kid ? `${product.name} signs with key ${saved.kid}` : product.name,
      });
      onClose();
    }, kind);
  };

  return (
    <Dialog
      open
      onClose={busy ? () => {} : onClose}
      title={`Token settings of ${product.name}`}
      description="How this product's activation tokens are signed, so an existing client can verify them unchanged."
      footer={
        <>
          {s?.own_key && (
            <Button
              variant="secondary"
              onClick={() => void send('reset')}
              loading={running === 'reset'}
              disabled={busy}
            >
              Use the account’s key
            </Button>
          )}
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" form="token-settings-form" loading={running === 'save'} disabled={!s || busy}>
            Save token settings
          </Button>
        </>
      }
    >
      {settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <form
          id="token-settings-form"
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void send('save');
          }}
        >
          <Select
            label="Algorithm"
            options={ALGORITHMS}
            value={values.algorithm}
            onChange={set('algorithm')}
          />
          <Input
            label="Issuer (iss)"
            maxLength={200}
            placeholder={s && !s.own_key ? s.issuer : 'This server’s URL'}
            hint="Empty: this server’s URL."
            value={values.issuer}
            onChange={set('issuer')}
          />
          <Input
            label="Audience (aud)"
            maxLength={200}
            placeholder="e.g. my-app"
            hint="Your app’s audience, sent first in aud; keyward:license always follows. Empty: none."
            value={values.audience}
            onChange={set('audience')}
          />
          <Input
            label="Old key keeps verifying for (hours)"
            type="number"
            min={0}
            max={24 * 365}
            placeholder="720"
            hint="Empty: 720 hours (30 days)."
            value={values.overlap}
            onChange={set('overlap')}
          />
          <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" role="note">
            Changing these makes a new signing key for the product. Tokens signed with the previous key keep
            verifying for the overlap; devices get tokens from the new key at their next activation or
            refresh.
          </p>
          <FormError>{error}</FormError>
        </form>
      )}
    </Dialog>
  );
}

/** Every product with how its tokens are signed; staff who may manage signing keys edit them. */
export function ProductTokensCard() {
  const products = useProductOptions();
  const canWrite = useCan('signing_keys:write');
  const [editing, setEditing] = useState<Product | null>(null);
  const columns: Column<Product>[] = [
    {
      id: 'product',
      header: 'Product',
      cell: (p) => <NameCell name={p.name} sub={p.code} mono />,
    },
    { id: 'tokens', header: 'Tokens signed with', cell: (p) => <TokenSummary product={p} /> },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (p) =>
        canWrite && (
          <Button
            size="sm"
            variant="secondary"
            onClick={() => setEditing(p)}
            aria-label={`Token settings of ${p.name}`}
          >
            Token settings
          </Button>
        ),
    },
  ];
  return (
    <Card
      title="Product token settings"
      description="A product may sign its licenses' activation tokens with its own key: algorithm, issuer and audience."
      flush
    >
      {products.isError ? (
        <ErrorState error={products.error} onRetry={() => void products.refetch()} />
      ) : (
        <DataTable
          caption="Products and their token settings"
          columns={columns}
          rows={products.data}
          rowKey={(p) => p.id}
          loading={products.isPending}
          empty={<EmptyState title="No products" description="Products appear here once you create one." />}
        />
      )}
      {editing && <TokenSettingsDialog product={editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

import type { ReactNode } from 'react';
import { Button, Card, ErrorState, FormError, Input, Skeleton, useToast } from '../../ui';
import { useCan } from '../hooks';
import { type BrandingField, useBrandingForm } from './useBrandingForm';

interface FieldSpec {
  label: string;
  type: 'text' | 'email' | 'url';
  maxLength: number;
  placeholder?: string;
  hint: ReactNode;
}

const FIELDS: Record<BrandingField, FieldSpec> = {
  product_name: {
    label: 'Product name',
    type: 'text',
    maxLength: 100,
    hint: 'Named in every subject and greeting. Default: the account name.',
  },
  from_name: { label: 'Sender name', type: 'text', maxLength: 100, hint: 'Default: the product name.' },
  from_email: {
    label: 'Sender email',
    type: 'email',
    maxLength: 254,
    hint: 'The From address; your SMTP server must be allowed to send as it. Default: no-reply@ this server’s host.',
  },
  support_email: {
    label: 'Support email',
    type: 'email',
    maxLength: 254,
    placeholder: 'help@example.com',
    hint: 'Where customers can ask for help, named in each email. Default: none.',
  },
  logo_url: {
    label: 'Logo URL',
    type: 'url',
    maxLength: 2000,
    placeholder: 'https://example.com/logo.png',
    hint: 'An image shown at the top of the HTML version (at most 40 px high). Default: none.',
  },
};

const TITLES: Record<BrandingField, string> = Object.fromEntries(
  Object.entries(FIELDS).map(([f, spec]) => [f, spec.label]),
) as Record<BrandingField, string>;

/** The product name, sender, support address and logo of every email; owners and admins change them. */
export function BrandingCard() {
  const form = useBrandingForm();
  const canWrite = useCan('account:write');
  const toast = useToast();
  const { branding, values } = form;

  const save = async () => {
    const fields = form.changed.map((f) => TITLES[f]).join(', ');
    if (await form.saveChanges()) toast({ tone: 'success', title: 'Branding saved', description: fields });
  };
  const reset = async (field: BrandingField) => {
    if (await form.reset(field))
      toast({
        tone: 'success',
        title: 'Branding saved',
        description: `${TITLES[field]}: back to its default`,
      });
  };

  return (
    <Card
      title="Branding"
      description={
        canWrite
          ? 'How your emails present you. Empty a field, or reset it, for its default.'
          : 'How your emails present you. Owners and admins can change it.'
      }
    >
      {branding.isError ? (
        <ErrorState error={branding.error} onRetry={() => void branding.refetch()} />
      ) : !values ? (
        <Skeleton className="h-48 w-full" />
      ) : (
        <form
          aria-label="Branding"
          noValidate
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div className="grid gap-4 sm:grid-cols-2">
            {(Object.keys(FIELDS) as BrandingField[]).map((field) => (
              <div key={field} className="relative">
                <Input
                  label={FIELDS[field].label}
                  type={FIELDS[field].type}
                  maxLength={FIELDS[field].maxLength}
                  placeholder={FIELDS[field].placeholder}
                  hint={FIELDS[field].hint}
                  error={form.fieldErrors[field]}
                  value={values[field]}
                  onChange={form.set(field)}
                  readOnly={!canWrite}
                  disabled={!canWrite}
                />
                {canWrite && (
                  <button
                    type="button"
                    className="absolute top-0 right-0 text-xs font-medium text-brand-700 hover:underline disabled:text-zinc-400 disabled:no-underline"
                    aria-label={`Reset ${FIELDS[field].label} to default`}
                    disabled={form.busy}
                    onClick={() => void reset(field)}
                  >
                    Reset to default
                  </button>
                )}
              </div>
            ))}
          </div>
          <FormError>{form.error}</FormError>
          {canWrite && (
            <div className="flex justify-end">
              <Button
                type="submit"
                loading={form.running === 'save'}
                disabled={form.busy || !form.changed.length}
              >
                Save branding
              </Button>
            </div>
          )}
        </form>
      )}
    </Card>
  );
}

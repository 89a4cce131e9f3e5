import { useMutation } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, type ReactNode, useId, useState } from 'react';
import { describeError } from '../api/errors';
import type { LicenseFile } from '../api/resources';
import { downloadText } from '../lib/download';
import { formatDateTime } from '../lib/format';
import { Badge, Button, CopyButton, FormError, Textarea } from '../ui';
import { Field } from '../ui/Field';

/** Name the app looks for; also the name of the downloaded file. */
export const LICENSE_FILE_NAME = 'license.lic';
/** Activation requests are a few kilobytes; anything far larger is the wrong file. */
const MAX_REQUEST_BYTES = 64 * 1024;
const REQUEST_PLACEHOLDER =
  '-----BEGIN KEYWARD ACTIVATION REQUEST-----\n…\n-----END KEYWARD ACTIVATION REQUEST-----';

/** What is wrong with the pasted text before it goes to the server, or undefined. */
function checkRequest(text: string): string | undefined {
  if (!text.trim()) return 'Paste the activation request or upload its file.';
  if (text.includes('BEGIN KEYWARD LICENSE FILE'))
    return 'This is a license file, not an activation request. Use the request the app saved.';
  return undefined;
}

export interface OfflineActivationFormProps {
  /** Sends the request; resolves with the license file or throws an ApiError. */
  submit: (request: string, encrypt: boolean) => Promise<LicenseFile>;
  /** Offer the "Encrypt" option (staff). */
  allowEncrypt?: boolean;
  submitLabel?: string;
  onActivated?: (file: LicenseFile) => void;
  /** Extra lines under the result (e.g. which license it belongs to). */
  resultNote?: (file: LicenseFile) => ReactNode;
}

/**
 * Activation request in (pasted or read from its .txt/.req file), license file out with Download and
 * Copy. Shared by the dashboard's license page and the customer portal; the caller picks the endpoint.
 */
export function OfflineActivationForm({
  submit,
  allowEncrypt,
  submitLabel = 'Create license file',
  onActivated,
  resultNote,
}: OfflineActivationFormProps) {
  const fileId = useId();
  const [request, setRequest] = useState('');
  const [encrypt, setEncrypt] = useState(false);
  const [fileName, setFileName] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const activate = useMutation({
    mutationFn: (vars: { request: string; encrypt: boolean }) => submit(vars.request, vars.encrypt),
    onSuccess: onActivated,
  });

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = ''; // choosing the same file again still fires change
    if (!file) return;
    if (file.size > MAX_REQUEST_BYTES) {
      setFieldError(`${file.name} is too large to be an activation request.`);
      return;
    }
    setRequest(await file.text());
    setFileName(file.name);
    setFieldError(undefined);
    activate.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const problem = checkRequest(request);
    setFieldError(problem);
    if (!problem) activate.mutate({ request, encrypt });
  };

  const startOver = () => {
    activate.reset();
    setRequest('');
    setFileName(null);
    setFieldError(undefined);
  };

  if (activate.isSuccess)
    return (
      <LicenseFileResult file={activate.data} onStartOver={startOver}>
        {resultNote?.(activate.data)}
      </LicenseFileResult>
    );

  return (
    <form className="flex flex-col gap-4" onSubmit={onSubmit} noValidate>
      <Textarea
        label="Activation request"
        rows={7}
        value={request}
        onChange={(event) => {
          setRequest(event.target.value);
          setFileName(null);
        }}
        placeholder={REQUEST_PLACEHOLDER}
        spellCheck={false}
        autoComplete="off"
        required
        error={fieldError}
        hint="The text block that starts with -----BEGIN KEYWARD ACTIVATION REQUEST-----"
        className="font-mono text-xs"
      />
      <Field
        id={fileId}
        label="Or upload the request file"
        hint={fileName ? `Loaded ${fileName}` : 'A .txt or .req file saved by the app'}
      >
        <input
          id={fileId}
          type="file"
          accept=".txt,.req,text/plain"
          onChange={(event) => void onFile(event)}
          aria-describedby={`${fileId}-hint`}
          className="block w-full text-sm text-zinc-600 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-zinc-800 hover:file:bg-zinc-50"
        />
      </Field>
      {allowEncrypt && (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5 size-4"
            checked={encrypt}
            onChange={(event) => setEncrypt(event.target.checked)}
          />
          <span>
            Encrypt
            <span className="block text-xs text-zinc-500">
              Encrypts the license file with the license key. Requests that ask for encryption are always
              encrypted.
            </span>
          </span>
        </label>
      )}
      <FormError>{activate.isError ? describeError(activate.error) : null}</FormError>
      <div>
        <Button type="submit" loading={activate.isPending}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}

/** The issued license file, read-only, with Download license.lic and Copy. */
function LicenseFileResult({
  file,
  onStartOver,
  children,
}: {
  file: LicenseFile;
  onStartOver: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-4" data-testid="license-file-result">
      <div role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
        License file ready for device <span className="font-mono">{file.device_id}</span>. It is valid until{' '}
        <time dateTime={file.expires_at} className="font-medium">
          {formatDateTime(file.expires_at)}
        </time>
        .{' '}
        {file.encrypted && (
          <Badge tone="info" className="ml-1">
            Encrypted
          </Badge>
        )}
      </div>
      {children}
      <Textarea
        label={`License file (${LICENSE_FILE_NAME})`}
        readOnly
        rows={8}
        value={file.license_file}
        spellCheck={false}
        data-testid="license-file"
        className="bg-zinc-50 font-mono text-xs"
        onFocus={(event) => event.currentTarget.select()}
      />
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => downloadText(LICENSE_FILE_NAME, file.license_file)}>
          Download {LICENSE_FILE_NAME}
        </Button>
        <CopyButton text={file.license_file} size="md" />
        <Button variant="ghost" onClick={onStartOver}>
          Activate another device
        </Button>
      </div>
    </div>
  );
}

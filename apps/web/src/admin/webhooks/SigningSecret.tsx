import { SecretValue } from '../../ui';

/** A signing secret, shown once, with how a receiver checks what it signs. */
export function SigningSecret({ secret }: { secret: string }) {
  return (
    <div className="flex flex-col gap-4">
      <SecretValue value={secret} testId="webhook-secret" copyLabel="Copy secret" />
      <div className="rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700" role="note">
        <p className="font-medium text-zinc-900">Verify every request</p>
        <p className="mt-1">
          Requests are signed as{' '}
          <a
            href="https://www.standardwebhooks.com/"
            target="_blank"
            rel="noreferrer"
            className="text-brand-700 hover:underline"
          >
            Standard Webhooks
          </a>{' '}
          says: the <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code>{' '}
          headers carry an HMAC-SHA256 of <code>id.timestamp.body</code> made with this secret. Any Standard
          Webhooks library checks them, e.g. <code>new Webhook(secret).verify(body, headers)</code> from the{' '}
          <code>standardwebhooks</code> npm package. Deduplicate on <code>webhook-id</code>: it is the same on
          every attempt. More in <code>docs/webhooks.md</code>.
        </p>
      </div>
    </div>
  );
}

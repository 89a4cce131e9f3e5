import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import type { FirstRunStatus } from '../../../api/resources';
import { CopyButton, cx } from '../../../ui';
import { enforceSnippet, type GuardFramework, type SnippetFacts, sdkSnippet } from './snippets';

function Snippet({ title, code, testId }: { title: string; code: string; testId: string }) {
  return (
    <div className="flex flex-col gap-2">
      <div className="flex items-center justify-between gap-2">
        <h4 className="text-sm font-medium text-zinc-900">{title}</h4>
        <CopyButton text={code} label={`Copy ${title}`} />
      </div>
      <pre
        data-testid={testId}
        className="max-h-80 overflow-auto rounded-md bg-zinc-900 p-3 font-mono text-xs leading-relaxed text-zinc-100"
      >
        {code}
      </pre>
    </div>
  );
}

/** Step three: the SDK in the licensed app, the enforce guard in the vendor's API, both filled in. */
export function IntegrateStep({ status }: { status: FirstRunStatus }) {
  const [framework, setFramework] = useState<GuardFramework>('fastify');
  const facts: SnippetFacts = {
    serverUrl: status.server_url,
    licenseKey: status.license?.key ?? undefined,
    planCode: status.license?.plan_code,
  };
  return (
    <div className="flex flex-col gap-4">
      {!status.license && (
        <p className="text-sm text-zinc-600">Issue a license first: the snippets then carry its key.</p>
      )}
      {status.license && !status.license.key && (
        <p className="text-sm text-zinc-600">
          Your role may not see license keys: paste a key where the snippets say YOUR-LICENSE-KEY.
        </p>
      )}
      <Snippet title="SDK snippet" code={sdkSnippet(facts)} testId="sdk-snippet" />
      <div className="flex flex-col gap-2">
        <fieldset className="inline-flex w-fit rounded-md bg-zinc-100 p-0.5 text-sm">
          <legend className="sr-only">Web framework</legend>
          {(['fastify', 'express'] as const).map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={framework === f}
              onClick={() => setFramework(f)}
              className={cx(
                'rounded px-3 py-1 font-medium',
                framework === f ? 'bg-white text-zinc-900 shadow-sm' : 'text-zinc-600 hover:text-zinc-900',
              )}
            >
              {f === 'fastify' ? 'Fastify' : 'Express'}
            </button>
          ))}
        </fieldset>
        <Snippet title="Enforce snippet" code={enforceSnippet(facts, framework)} testId="enforce-snippet" />
        <p className="text-sm text-zinc-600">
          The guard calls Keyward with an API key (any role may check licenses). Create one in{' '}
          <Link to="/settings" className="font-medium text-brand-700 hover:underline">
            Settings → API keys
          </Link>{' '}
          and set it as <code className="font-mono text-xs">KEYWARD_API_KEY</code>
          {status.has_api_key ? ' (you have one already; its secret was shown once, when it was made).' : '.'}
        </p>
      </div>
      <p className="text-sm text-zinc-600">
        This step is ticked when a device activates a license, as the SDK snippet does.
      </p>
    </div>
  );
}

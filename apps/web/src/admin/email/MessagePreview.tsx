import { DetailItem } from '../../ui';
import type { EmailPreview } from './types';

type Message = NonNullable<EmailPreview['preview']>;

/**
 * What the email says, as it would be sent now: its headers, the plain text, and the HTML version in a
 * sandboxed frame (no scripts, no same-origin access, no forms or navigation).
 */
export function MessagePreview({ message }: { message: Message }) {
  return (
    <div className="flex flex-col gap-4 text-sm">
      <dl className="grid gap-3 sm:grid-cols-3">
        <DetailItem label="Subject" testId="email-subject">
          <span className="font-medium">{message.subject}</span>
        </DetailItem>
        <DetailItem label="From" testId="email-from">
          <span className="break-all">{message.from}</span>
        </DetailItem>
        <DetailItem label="To" testId="email-to">
          <span className="break-all">{message.to ?? '—'}</span>
        </DetailItem>
      </dl>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="flex min-w-0 flex-col gap-1.5">
          <h3 className="font-medium text-zinc-800">Plain text</h3>
          <pre
            className="h-96 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs whitespace-pre-wrap break-words"
            data-testid="email-text"
          >
            {message.text}
          </pre>
        </div>
        <div className="flex min-w-0 flex-col gap-1.5">
          <h3 className="font-medium text-zinc-800">HTML</h3>
          {/* A new frame per message: a frame whose srcdoc changes in place may not repaint (Chromium). */}
          <iframe
            key={message.html}
            title="HTML version of the email"
            sandbox=""
            srcDoc={message.html}
            referrerPolicy="no-referrer"
            className="h-96 w-full rounded-md border border-zinc-200 bg-white"
          />
        </div>
      </div>
    </div>
  );
}

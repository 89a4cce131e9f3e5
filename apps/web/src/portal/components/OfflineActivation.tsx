import { publicApi, unwrap } from '../../api/client';
import { LICENSE_FILE_NAME, OfflineActivationForm } from '../../offline/OfflineActivationForm';

/**
 * "Activate a computer without internet": the customer uploads the request their app saved and takes
 * the license file back. The license key inside the request authenticates it (no sign-in).
 */
export function OfflineActivation() {
  return (
    <section
      id="offline-activation"
      aria-labelledby="offline-activation-title"
      className="scroll-mt-4 border-t border-zinc-200 py-14 sm:py-16"
    >
      <div className="mx-auto max-w-xl px-4 sm:px-6">
        <h2 id="offline-activation-title" className="text-2xl font-semibold tracking-tight text-zinc-900">
          Offline activation
        </h2>
        <p className="mt-1 text-sm text-zinc-600">
          For a computer that cannot connect to the internet. Do the upload from any device that can.
        </p>
        <ol className="mt-4 list-decimal space-y-1 pl-5 text-sm text-zinc-700">
          <li>
            In your app choose <strong>Activate offline</strong> and save the request file.
          </li>
          <li>Upload the request file here, or paste its text, and choose Get license file.</li>
          <li>
            Download <span className="font-mono">{LICENSE_FILE_NAME}</span>, copy it to that computer and load
            it in the app.
          </li>
        </ol>
        <div className="mt-6 rounded-lg border border-zinc-200 bg-white p-4 sm:p-5">
          <OfflineActivationForm
            submitLabel="Get license file"
            submit={(request) =>
              unwrap(publicApi.POST('/api/v1/licensing/offline/activate', { body: { request } }))
            }
          />
        </div>
      </div>
    </section>
  );
}

import { CopyButton } from './CopyButton';

/** A secret shown once (a license key, a signing secret): in full, selectable, with a copy button. */
export function SecretValue({
  value,
  testId,
  copyLabel,
}: {
  value: string;
  testId: string;
  copyLabel: string;
}) {
  return (
    <div className="flex flex-col items-start gap-3">
      <output
        className="block w-full rounded-md bg-zinc-100 p-3 font-mono text-sm break-all"
        data-testid={testId}
      >
        {value}
      </output>
      <CopyButton text={value} label={copyLabel} />
    </div>
  );
}

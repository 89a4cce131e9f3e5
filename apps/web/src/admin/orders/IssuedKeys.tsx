import { SecretValue } from '../../ui';
import type { IssuedLicense, Order } from './types';

/** The keys of the licenses an order just issued, each under its line, with a copy button. Shown once. */
export function IssuedKeys({ order, issued }: { order: Order; issued: readonly IssuedLicense[] }) {
  return (
    <ul className="flex flex-col gap-4" aria-label="Issued license keys">
      {issued.map((license) => {
        const item = order.items.find((i) => i.id === license.item_id);
        return (
          <li key={license.id} className="flex flex-col gap-1.5">
            <span className="text-sm font-medium text-zinc-800">{item?.description ?? 'License'}</span>
            <SecretValue value={license.key} testId="issued-license-key" copyLabel="Copy key" />
          </li>
        );
      })}
    </ul>
  );
}

import { unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { formatDate } from '../../lib/format';
import { customerApi } from '../session';

type Ok<P extends keyof paths, M extends 'get'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type Me = Ok<'/api/v1/portal/me', 'get'>;
export type OwnLicense = Ok<'/api/v1/portal/me/licenses', 'get'>['data'][number];
export type OwnLicenseDetail = Ok<'/api/v1/portal/me/licenses/{id}', 'get'>;
export type OwnOrder = Ok<'/api/v1/portal/me/orders', 'get'>['data'][number];

/** The signed-in customer's data, one query each (keys under 'portal-me', dropped on sign-out). */
export const meQuery = {
  queryKey: ['portal-me'],
  queryFn: ({ signal }: { signal: AbortSignal }) => unwrap(customerApi.GET('/api/v1/portal/me', { signal })),
};
export const myLicensesQuery = {
  queryKey: ['portal-me', 'licenses'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    unwrap(customerApi.GET('/api/v1/portal/me/licenses', { signal })),
};
export const myLicenseQuery = (id: string) => ({
  queryKey: ['portal-me', 'licenses', id],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    unwrap(customerApi.GET('/api/v1/portal/me/licenses/{id}', { params: { path: { id } }, signal })),
  retry: false,
});
export const myOrdersQuery = {
  queryKey: ['portal-me', 'orders'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    unwrap(customerApi.GET('/api/v1/portal/me/orders', { signal })),
};

/** The trial banner's words (seed 004), from the server's whole days. */
export function trialText(trial: { ends_at: string | null; days_left: number }): string {
  const days = `${trial.days_left} day${trial.days_left === 1 ? '' : 's'}`;
  if (!trial.ends_at) return `has ${days}, starting when you first use it`;
  return trial.days_left === 0 ? 'ends today' : `ends in ${days} (${formatDate(trial.ends_at)})`;
}

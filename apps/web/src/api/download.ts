import { downloadBlob, filenameOf } from '../lib/download';
import type { QueryValue } from './client';
import { authFetch } from './client';
import { errorFromResponse, toApiError } from './errors';

const BASE_URL: string = import.meta.env.VITE_API_URL ?? '';

/**
 * Downloads a file of the staff API (a CSV or PDF export) with the session's credentials: a plain link
 * cannot carry the bearer token, so the file is fetched and saved from a Blob. Saved under the name the
 * server gives (content-disposition), else `fallbackName`. Throws an ApiError when the server refuses.
 */
export async function downloadFromApi(
  path: string,
  query: Record<string, QueryValue> = {},
  fallbackName = 'download',
): Promise<void> {
  const url = new URL(`${BASE_URL}${path}`, window.location.href);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  let response: Response;
  try {
    response = await authFetch(new Request(url, { headers: { accept: 'text/csv, application/pdf, */*' } }));
  } catch (error) {
    throw toApiError(error);
  }
  if (!response.ok) throw await errorFromResponse(response);
  downloadBlob(filenameOf(response) ?? fallbackName, await response.blob());
}

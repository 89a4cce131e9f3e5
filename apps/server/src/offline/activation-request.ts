import { Check, Errors } from 'typebox/value';
import { DeviceInfoSchema } from '../activations/schemas.js';
import { AppError } from '../core/errors.js';

/**
 * The activation request an air-gapped app writes (docs/offline-licensing.md): a JSON document,
 * usually armored as base64 between BEGIN/END lines so it can be copied as text.
 */
export const REQUEST_BEGIN = '-----BEGIN KEYWARD ACTIVATION REQUEST-----';
export const REQUEST_END = '-----END KEYWARD ACTIVATION REQUEST-----';
/** A request older than this is refused: the app should write a fresh one. */
export const REQUEST_MAX_AGE_MS = 30 * 86_400_000;
/** Tolerated clock difference between the app's machine and the server. */
const CLOCK_SKEW_MS = 10 * 60_000;

export interface ActivationRequest {
  license_key: string;
  fingerprint: string;
  device_info: Record<string, string | number | boolean | null>;
  nonce: string;
  created_at: string;
  encrypt: boolean;
}

const bad = (message: string, field?: string) =>
  new AppError('OFFLINE_REQUEST_INVALID', message, field ? { field } : undefined);

/** A request as the app wrote it (armored text) or as its JSON object (the schema checked its size). */
export type RawActivationRequest = string | object;

function decode(input: RawActivationRequest): Record<string, unknown> {
  if (typeof input !== 'string') return { ...input };
  const text = input.trim();
  let json = text;
  if (text.startsWith(REQUEST_BEGIN)) {
    if (!text.endsWith(REQUEST_END)) throw bad(`The request must end with the line ${REQUEST_END}`);
    const body = text.slice(REQUEST_BEGIN.length, -REQUEST_END.length).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/=]*$/.test(body)) throw bad('The request body is not base64');
    json = Buffer.from(body, 'base64').toString('utf8');
  }
  try {
    const value: unknown = JSON.parse(json);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw bad('The request is neither an armored activation request nor a JSON object');
  }
}

const str = (v: unknown, field: string, min: number, max: number): string => {
  if (typeof v !== 'string' || v.length < min || v.length > max)
    throw bad(`"${field}" must be a string of ${min} to ${max} characters`, field);
  return v;
};

/** Parses and checks a request; every problem is a 422 OFFLINE_REQUEST_INVALID naming the field. */
export function parseActivationRequest(input: RawActivationRequest, now: Date): ActivationRequest {
  const r = decode(input);
  if (r.typ !== undefined && r.typ !== 'keyward.activation-request')
    throw bad('"typ" must be keyward.activation-request', 'typ');
  const createdAt = str(r.created_at, 'created_at', 10, 40);
  const created = Date.parse(createdAt);
  if (Number.isNaN(created)) throw bad('"created_at" must be an ISO 8601 time', 'created_at');
  if (created > now.getTime() + CLOCK_SKEW_MS)
    throw bad(
      'The request was created in the future: check the clock of the machine that wrote it',
      'created_at',
    );
  if (created < now.getTime() - REQUEST_MAX_AGE_MS)
    throw bad('The request is older than 30 days: write a new one on the machine', 'created_at');
  const info = r.device_info ?? {};
  // The same rules as online activation, checked before anything is written.
  if (!Check(DeviceInfoSchema, info)) {
    const first = [...Errors(DeviceInfoSchema, info)].at(-1);
    const where = first?.instancePath
      ? `device_info${first.instancePath.replaceAll('/', '.')}`
      : 'device_info';
    throw bad(
      `"${where}" ${first?.message ?? 'is not valid'} (the same rules as online activation)`,
      'device_info',
    );
  }
  if (r.encrypt !== undefined && typeof r.encrypt !== 'boolean')
    throw bad('"encrypt" must be a boolean', 'encrypt');
  return {
    license_key: str(r.license_key, 'license_key', 8, 100),
    fingerprint: str(r.fingerprint, 'fingerprint', 1, 512),
    device_info: info as ActivationRequest['device_info'],
    nonce: str(r.nonce, 'nonce', 8, 128),
    created_at: new Date(created).toISOString(),
    encrypt: r.encrypt === true,
  };
}

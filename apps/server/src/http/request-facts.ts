import type { FastifyRequest } from 'fastify';

/** Header a trusted proxy (Cloudflare, a load balancer with GeoIP) sets with the caller's country. */
const COUNTRY_HEADER = (process.env.KEYWARD_COUNTRY_HEADER ?? 'cf-ipcountry').toLowerCase();
const TRUST_PROXY = process.env.TRUST_PROXY === 'true' || process.env.TRUST_PROXY === '1';

/** Facts about the caller taken from the connection; the country only when a proxy is trusted. */
export function requestFacts(request: FastifyRequest): {
  ip: string;
  country: string | null;
  user_agent: string | null;
} {
  const header = TRUST_PROXY ? request.headers[COUNTRY_HEADER] : undefined;
  const country = typeof header === 'string' && /^[A-Za-z]{2}$/.test(header) ? header.toUpperCase() : null;
  const ua = request.headers['user-agent'];
  return { ip: request.ip, country, user_agent: typeof ua === 'string' ? ua.slice(0, 300) : null };
}

import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { AppError } from '../core/errors.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** What `WEBHOOK_ALLOWED_HOSTS` lets through although it is not public: host names and address ranges. */
export interface AllowList {
  hosts: ReadonlySet<string>;
  ranges: readonly [Address, number][];
}

/** Parses `WEBHOOK_ALLOWED_HOSTS` (comma-separated host names, addresses or CIDRs). */
export function parseAllowList(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const ranges: [Address, number][] = [];
  for (const entry of entries) {
    const e = entry.trim().toLowerCase();
    if (!e) continue;
    if (e.includes('/')) ranges.push(ipaddr.parseCIDR(e));
    else if (ipaddr.isValid(e)) {
      const a = ipaddr.parse(e);
      ranges.push([a, a.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(e);
  }
  return { hosts, ranges };
}

/** A webhook's destination, resolved once: the request connects to `address`, whatever DNS says later. */
export interface WebhookTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

function refuse(message: string, details: Record<string, unknown> = {}): never {
  throw new AppError('WEBHOOK_URL_NOT_ALLOWED', message, { pointer: '/body/url', ...details });
}

/**
 * Checks a webhook URL and resolves its host: http(s) only, no credentials in it, and every address it
 * resolves to public (not loopback, private, link-local — the cloud metadata address 169.254.169.254 —,
 * carrier-grade NAT, unique-local, multicast or reserved), unless the allow-list names the host or the
 * address. An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 */
export async function resolveWebhookTarget(raw: string, allow: AllowList): Promise<WebhookTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('The webhook URL is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    refuse('A webhook URL must be http:// or https://');
  if (url.username || url.password)
    refuse('Put no credentials in a webhook URL; deliveries are signed instead');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const hostAllowed = allow.hosts.has(host);
  let resolved: { address: string; family: number }[];
  if (ipaddr.isValid(host))
    resolved = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }];
  else {
    try {
      resolved = await lookup(host, { all: true, verbatim: true });
    } catch {
      return refuse(`The webhook host ${host} does not resolve`, { host });
    }
  }
  for (const { address } of resolved) {
    if (hostAllowed) break;
    let a: Address = ipaddr.parse(address);
    if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress())
      a = (a as ipaddr.IPv6).toIPv4Address();
    if (
      a.range() === 'unicast' ||
      allow.ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits))
    )
      continue;
    refuse(
      `The webhook URL resolves to ${address} (${a.range()}), which is not a public address; an operator may allow it with WEBHOOK_ALLOWED_HOSTS`,
      { host, address, range: a.range() },
    );
  }
  const first = resolved[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

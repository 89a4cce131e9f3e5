import { describe, expect, it } from 'vitest';
import { useServer } from '../../test/support/server.js';

// Who may scrape /metrics: with METRICS_TOKEN set, only a caller sending it (from any host, this one
// too); without it, this host only. The servers of each block run one after the other.

const TOKEN = 'scrape-secret-0123456789';

describe('/metrics with METRICS_TOKEN set', () => {
  const world = useServer({ config: { metricsToken: TOKEN } });
  const scrape = (authorization?: string, remoteAddress = '10.1.2.3') =>
    world.server.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress,
      headers: authorization ? { authorization } : {},
    });

  it('answers the right Bearer token, from any host', async () => {
    for (const from of ['10.1.2.3', '127.0.0.1']) {
      const res = await scrape(`Bearer ${TOKEN}`, from);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('keyward_http_request_duration_seconds');
    }
    // Over a real socket too (a request from this host is no exception once a token is set).
    const res = await fetch(`${world.server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it('refuses no token, a wrong one, a prefix of it and another scheme with 401 UNAUTHENTICATED', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN}x`,
      `Basic ${TOKEN}`,
      TOKEN,
    ]) {
      for (const from of ['10.1.2.3', '127.0.0.1']) {
        const res = await scrape(authorization, from);
        expect(res.statusCode, `${authorization} from ${from}`).toBe(401);
        expect(res.json().error).toMatchObject({ code: 'UNAUTHENTICATED', request_id: expect.any(String) });
        expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
        expect(res.body).not.toContain(TOKEN);
      }
    }
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  const world = useServer();

  it('is served to this host only; a forwarded header does not make a remote caller local', async () => {
    const get = (remoteAddress: string, headers: Record<string, string> = {}) =>
      world.server.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });
    expect((await get('127.0.0.1')).statusCode).toBe(200);
    const remote = await get('10.1.2.3');
    expect([remote.statusCode, remote.json().error.code]).toEqual([403, 'FORBIDDEN']);
    expect(remote.json().error.message).toContain('METRICS_TOKEN');
    expect((await get('10.1.2.3', { 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(403);
  });
});

/** /health shows each market stream through the HealthProvider seam, and /metrics counts its messages. */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/server.js';
import { type StreamHarness, startStreamHarness, waitFor } from '../helpers/stream.js';

describe('stream health and metrics', () => {
  let h: StreamHarness;
  afterAll(() => h?.close());

  it('reports a live stream as ok, then a lost one as degraded with its reconnects, and counts messages', async () => {
    const start = Date.parse('2025-05-12T00:00:00Z');
    h = await startStreamHarness(start);
    h.ws.bookTicker('BTCUSDT', 100, 101);
    h.futures.depth('BTCUSDT', 20, 100);
    h.futures.markPrice('BTCUSDT', 100, 0.0001, start + 8 * 3_600_000);
    h.stream.start();
    await waitFor('both sockets to hear something', () => h.stream.facts().every((f) => f.connected && f.messages > 0));
    const app = await createServer({ config: h.config, store: h.store, clock: h.clock, providers: { streams: () => h.stream.facts() } });
    try {
      const live = (await app.inject({ method: 'GET', url: '/health' })).json() as any;
      expect(live.components.streams.spot).toMatchObject({ status: 'ok', detail: { connected: true, reconnects: 0, stale_after_ms: 1000 } });
      // ccxt.pro's layout: every spot subscription on one socket; USD-M depth on /public, mark price on /market
      expect([live.components.streams.spot.detail.sockets, live.components.streams.futures.detail.sockets]).toEqual([1, 2]);
      expect(new Set(h.ws.connections)).toEqual(new Set(['/ws/0']));
      expect(new Set(h.futures.subscriptions.map((s) => `${s.path} ${s.streams.join(',')}`))).toEqual(new Set(['/public/ws/0 btcusdt@depth@100ms,ethusdt@depth@100ms', '/market/ws/0 btcusdt@markPrice@1s,ethusdt@markPrice@1s']));
      expect(live.components.streams.futures.status).toBe('ok');
      expect(live.components.streams.spot.detail.last_message_age_ms).toBeLessThanOrEqual(1000);

      // The server drops the spot socket twice; the client comes back each time, then the server goes away.
      for (let n = 2; n <= 3; n++) {
        h.ws.dropAll();
        await h.ws.connectionCount(n);
      }
      await waitFor('the second reconnect to register', () => h.stream.facts().find((f) => f.market === 'spot')?.reconnects === 2);
      await h.ws.close();
      await waitFor('the spot stream to be down', () => !h.stream.facts().find((f) => f.market === 'spot')?.connected);
      const lost = (await app.inject({ method: 'GET', url: '/health' })).json() as any;
      expect(lost.components.streams.spot).toMatchObject({ status: 'degraded', detail: { connected: false, reconnects: 2 } });
      expect(lost.components.streams.spot.reason).toContain('REST polling covers');
      expect(lost.status).not.toBe('ok');
      expect(h.stream.covers('BTC/USDT', '15m')).toBe(false);

      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(text).toMatch(/mts_stream_reconnects_total\{market="spot"\} 2/);
      expect(text).toMatch(/mts_stream_messages_total\{market="spot",kind="bookTicker"\} [1-9]/);
      expect(text).toMatch(/mts_stream_connected\{market="spot"\} 0/);
      expect(text).toMatch(/mts_stream_connected\{market="futures"\} 1/);
    } finally {
      await app.close();
    }
  });
});

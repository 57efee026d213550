import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultKind, FaultPlan, type FaultSettings } from './faults.js';

export interface RecordedRequest {
  ts: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  fault?: FaultKind;
  weight: number;
}

export interface Violation {
  ts: number;
  path: string;
  used: number;
  limit: number;
}

/** What a route answers: a status and a JSON body, optional headers, and whether candle faults apply. */
export interface RouteAnswer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Rows that missing/duplicate-candle faults may touch (the body array itself by default). */
  rows?: unknown[];
}

export interface Route {
  /** Matched against the path; groups are passed to the handler. */
  pattern: RegExp;
  weight?: (q: Record<string, string>) => number;
  data?: boolean;
  handle(q: Record<string, string>, match: RegExpExecArray, headers: http.IncomingHttpHeaders): RouteAnswer;
}

export interface FakeServerOptions {
  /** Published limit per window (weight for Binance, calls for the others). */
  limit: number;
  windowMs?: number;
  faults?: FaultSettings;
  /** Extra delay before every answer (to make a long backfill killable midway). */
  latencyMs?: number;
  /** Header that reports the weight used in the current window (Binance's X-MBX-USED-WEIGHT-1M). */
  usedWeightHeader?: string;
}

/**
 * The shared frame of the fake API servers: node:http on 127.0.0.1 (port 0), routes speaking the real shapes,
 * a fixed-window limit like the real ones (429 beyond it, recorded as a violation), every request recorded, and
 * seeded faults on demand.
 */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  readonly faults: FaultPlan;
  private server?: http.Server;
  private windowStart = 0;
  private used = 0;
  private down = false;
  url = '';

  constructor(
    private readonly routes: Route[],
    readonly options: FakeServerOptions,
  ) {
    this.faults = new FaultPlan(options.faults);
  }

  setFaults(settings: FaultSettings): void {
    this.faults.set(settings);
  }

  /** A source that is down answers 503 to everything until brought back. */
  setDown(down: boolean): void {
    this.down = down;
  }

  setLatency(ms: number): void {
    this.options.latencyMs = ms;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Requests whose path ends with the given endpoint. */
  requestsTo(endpoint: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith(endpoint));
  }

  private chargeWindow(now: number, weight: number): number {
    const windowMs = this.options.windowMs ?? 60_000;
    const start = Math.floor(now / windowMs) * windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    this.used += weight;
    return this.used;
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(u.searchParams);
    const now = Date.now();
    const route = this.routes.map((r) => [r, r.pattern.exec(u.pathname)] as const).find(([, m]) => m);
    const weight = route ? (route[0].weight?.(query) ?? 1) : 1;
    const rec: RecordedRequest = { ts: now, path: u.pathname, query, headers: req.headers, status: 0, weight };
    this.requests.push(rec);
    const used = this.chargeWindow(now, weight);
    const windowMs = this.options.windowMs ?? 60_000;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.usedWeightHeader) headers[this.options.usedWeightHeader] = String(used);
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    const send = (status: number, body: string, extra: Record<string, string> = {}) => {
      rec.status = status;
      res.writeHead(status, { ...headers, ...extra });
      res.end(body);
    };
    if (used > this.options.limit) {
      this.violations.push({ ts: now, path: u.pathname, used, limit: this.options.limit });
      const retryAfter = Math.max(1, Math.ceil((this.windowStart + windowMs - now) / 1000));
      return send(429, JSON.stringify({ code: -1003, msg: 'Too many requests.' }), { 'retry-after': String(retryAfter) });
    }
    if (this.down) return send(503, JSON.stringify({ error: 'Service Unavailable' }));
    if (!route) return send(404, JSON.stringify({ error: `no route ${u.pathname}` }));
    const fault = this.faults.draw(route[0].data === true);
    rec.fault = fault;
    const retryAfter = { 'retry-after': String(this.faults.retryAfterSeconds) };
    if (fault === 'serverError') return send(500 + this.faults.pick(0, 4), JSON.stringify({ error: 'Internal error' }));
    if (fault === 'rateLimited') return send(429, JSON.stringify({ code: -1003, msg: 'Too many requests.' }), retryAfter);
    if (fault === 'banned') return send(418, JSON.stringify({ code: -1003, msg: 'Way too many requests; IP banned.' }), retryAfter);
    if (fault === 'timeout') return; // hang: the client's timeout must fire; closeAllConnections cleans up
    let answer: RouteAnswer;
    try {
      answer = route[0].handle(query, route[1] as RegExpExecArray, req.headers);
    } catch (err) {
      return send(500, JSON.stringify({ error: String(err) }));
    }
    let body = answer.body;
    const rows = answer.rows ?? (Array.isArray(body) ? body : undefined);
    if (rows && rows.length > 2 && fault === 'missingCandles') rows.splice(this.faults.pick(1, rows.length - 1), 1);
    if (rows && rows.length > 2 && fault === 'duplicateCandles') {
      const i = this.faults.pick(0, rows.length);
      rows.splice(i, 0, rows[i]);
    }
    if (answer.rows && rows) body = answer.body;
    const text = JSON.stringify(body);
    if (fault === 'malformed') return send(200, text.slice(0, Math.max(1, Math.floor(text.length / 2))), answer.headers);
    if (fault === 'truncated') {
      rec.status = 200;
      res.writeHead(200, { ...headers, ...answer.headers, 'content-length': String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      res.destroy();
      return;
    }
    send(answer.status ?? 200, text, answer.headers);
  }
}

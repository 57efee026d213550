/** Fake alert receivers on 127.0.0.1 (HTTP for Discord and webhooks), recording what they were sent. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeReceiver {
  url: (path?: string) => string;
  port: number;
  received: Received[];
  close: () => Promise<void>;
}

type Reply = (req: Received, res: ServerResponse, n: number) => void;

/** Starts an HTTP server answering every POST with `reply` (given the request number, from 1). */
export async function startReceiver(reply: Reply, port = 0): Promise<FakeReceiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      reply(r, res, received.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: (path = '/') => `http://127.0.0.1:${actual}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (found by listening and closing). */
export async function freePort(): Promise<number> {
  const r = await startReceiver(() => {});
  await r.close();
  return r.port;
}

export function answer(res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

/**
 * Administration over the API: the audit log, API keys and the config (admin); pausing and resuming strategies of
 * the running pipeline (operator). Every mutating route here is audited by the access hooks (src/server/access.ts).
 */
import type { FastifyInstance } from 'fastify';
import { maskConfig, scrub } from '../../config/mask.js';
import { parseTime } from '../../core/time.js';
import { createApiKey, ROLES, type Role } from '../../security/keys.js';
import type { ServerContext } from '../context.js';
import { anyObject, errorSchema, num, numOrNull, page, pagingQuery, str, strategyParam, strOrNull } from './schemas.js';

const auditItem = { type: 'object', properties: { ts: num, actor: str, action: str, origin: str, result: str, detail: strOrNull } };
const keyItem = { type: 'object', properties: { id: str, name: str, role: str, created_at: num, last_used_at: numOrNull, revoked_at: numOrNull } };
const keyId = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{12}$' } } };
const strategyName = { type: 'object', additionalProperties: false, required: ['name'], properties: { name: strategyParam } };
const noQuery = { type: 'object', additionalProperties: false, properties: {} };
const unavailable = (what: string) => ({ error: 'unavailable', message: `no ${what} in this process; it is available in \`mts run\`` });

export function adminRoutes(ctx: ServerContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { limit: number; offset: number; since?: string } }>(
      '/audit',
      {
        config: { role: 'admin' },
        schema: {
          summary: 'The audit log: mutating actions and failed authentications, newest first (admin)',
          tags: ['admin'],
          security: [{ bearer: [] }],
          querystring: pagingQuery({ since: { type: 'string', minLength: 1, description: 'only entries at or after this time (epoch ms or ISO 8601)' } }, { time: false }),
          response: { 200: page(auditItem) },
        },
      },
      async (req) => {
        const q = req.query;
        const res = await ctx.store.security.listAudit({ since: q.since === undefined ? undefined : parseTime(q.since, 'since'), limit: q.limit, offset: q.offset });
        return { items: res.items.map((e) => ({ ...e, detail: e.detail ?? null })), total: res.total, limit: q.limit, offset: q.offset };
      },
    );

    app.get(
      '/keys',
      {
        config: { role: 'admin' },
        schema: { summary: 'API keys (never their secrets) (admin)', tags: ['admin'], security: [{ bearer: [] }], querystring: noQuery, response: { 200: { type: 'object', properties: { items: { type: 'array', items: keyItem } } } } },
      },
      async () => {
        const keys = await ctx.store.security.listKeys();
        return { items: keys.map((k) => ({ id: k.id, name: k.name, role: k.role, created_at: k.createdAt, last_used_at: k.lastUsedAt, revoked_at: k.revokedAt })) };
      },
    );

    app.post<{ Body: { name: string; role: Role } }>(
      '/keys',
      {
        bodyLimit: 1024,
        config: { role: 'admin' },
        schema: {
          summary: 'Create an API key; the answer holds the key, shown this once (admin)',
          tags: ['admin'],
          security: [{ bearer: [] }],
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'role'],
            properties: { name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[\\w .@-]+$' }, role: { type: 'string', enum: [...ROLES] } },
          },
          response: { 201: { type: 'object', properties: { id: str, name: str, role: str, key: str } } },
        },
      },
      async (req, reply) => {
        const k = await createApiKey(ctx.store, req.body, ctx.clock.now());
        req.auditDetail = `created key ${k.id} (${k.name}) role ${k.role}`;
        return reply.code(201).send(k);
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/keys/:id',
      {
        config: { role: 'admin' },
        schema: { summary: 'Revoke an API key; it stops working at once (admin)', tags: ['admin'], security: [{ bearer: [] }], params: keyId, querystring: noQuery, response: { 200: { type: 'object', properties: { id: str, revoked_at: num } }, 404: errorSchema } },
      },
      async (req, reply) => {
        const now = ctx.clock.now();
        req.auditDetail = `revoke key ${req.params.id}`;
        if (!(await ctx.store.security.revokeKey(req.params.id, now))) return reply.code(404).send({ error: 'not_found', message: `no active key with id ${req.params.id}` });
        return { id: req.params.id, revoked_at: now };
      },
    );

    app.get(
      '/config',
      {
        config: { role: 'admin' },
        schema: { summary: 'The effective config of this process, secrets masked (admin)', tags: ['admin'], security: [{ bearer: [] }], querystring: noQuery, response: { 200: anyObject } },
      },
      async () => maskConfig(ctx.config),
    );

    app.post(
      '/config/reload',
      {
        bodyLimit: 1024,
        config: { role: 'admin' },
        schema: {
          summary: 'Read the config file again: valid changes to live settings apply, an invalid file is rejected (admin)',
          tags: ['admin'],
          security: [{ bearer: [] }],
          body: { type: ['object', 'null'], additionalProperties: false, properties: {} },
          response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, changed: { type: 'array', items: str }, needs_restart: { type: 'array', items: str } } }, 400: errorSchema, 503: errorSchema },
        },
      },
      async (req, reply) => {
        const reload = ctx.triggers.reloadConfig;
        if (!reload) return reply.code(503).send(unavailable('config file is being watched'));
        const r = await reload();
        req.auditDetail = r.ok ? `changed: ${(r.changed ?? []).join(', ') || 'nothing'}` : 'rejected';
        if (!r.ok) return reply.code(400).send({ error: 'bad_request', message: scrub(`the config file was rejected; the running config stays: ${r.error ?? ''}`, ctx.secrets) });
        return { ok: true, changed: r.changed ?? [], needs_restart: r.needsRestart ?? [] };
      },
    );

    for (const verb of ['pause', 'resume'] as const) {
      app.post<{ Params: { name: string } }>(
        `/strategies/:name/${verb}`,
        {
          bodyLimit: 1024,
          config: { role: 'operator' },
          schema: {
            summary: verb === 'pause' ? 'Stop a strategy from running in the signal step until resumed (operator)' : 'Let a paused strategy run again (operator)',
            tags: ['actions'],
            security: [{ bearer: [] }],
            params: strategyName,
            body: { type: ['object', 'null'], additionalProperties: false, properties: {} },
            response: { 200: { type: 'object', properties: { name: str, paused: { type: 'array', items: str }, changed: { type: 'boolean' } } }, 404: errorSchema, 503: errorSchema },
          },
        },
        async (req, reply) => {
          const control = ctx.triggers.strategies;
          if (!control) return reply.code(503).send(unavailable('running signal step'));
          const { name } = req.params;
          if (!control.names().includes(name)) return reply.code(404).send({ error: 'not_found', message: `no strategy "${name}"; known: ${control.names().join(', ')}` });
          let changed = true;
          if (verb === 'pause') {
            changed = !control.paused().includes(name);
            control.pause(name);
          } else changed = control.resume(name);
          req.auditDetail = `${verb} ${name}${changed ? '' : ' (no change)'}`;
          return { name, paused: control.paused(), changed };
        },
      );
    }
  };
}

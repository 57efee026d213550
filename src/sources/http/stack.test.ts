import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../config/index.js';
import { coingeckoAccess } from './stack.js';

describe('coingeckoAccess', () => {
  it('sends a Demo key as x-cg-demo-api-key to the public URL', () => {
    expect(coingeckoAccess(buildConfig({ sources: { coingecko: { apiKey: 'CG-demo-key' } } }))).toEqual({
      baseUrl: 'https://api.coingecko.com/api/v3',
      headers: { 'x-cg-demo-api-key': 'CG-demo-key' },
    });
  });
  it('sends a Pro key as x-cg-pro-api-key to the pro URL, unless a base URL is configured', () => {
    expect(coingeckoAccess(buildConfig({ sources: { coingecko: { apiKey: 'CG-pro-key', plan: 'pro' } } }))).toEqual({
      baseUrl: 'https://pro-api.coingecko.com/api/v3',
      headers: { 'x-cg-pro-api-key': 'CG-pro-key' },
    });
    const proxied = buildConfig({ sources: { coingecko: { apiKey: 'CG-pro-key', plan: 'pro', baseUrl: 'http://127.0.0.1:9999/api/v3' } } });
    expect(coingeckoAccess(proxied).baseUrl).toBe('http://127.0.0.1:9999/api/v3');
  });
  it('sends no key header without a key', () => {
    expect(coingeckoAccess(buildConfig()).headers).toEqual({});
  });
});

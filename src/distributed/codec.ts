/**
 * JSON for what travels through Redis: candle columns (Float64Array) as plain arrays and back, and numbers JSON
 * cannot hold (NaN, ±Infinity, which metrics can be) kept exactly, so a result read back ranks as it would locally.
 */
const NUM = '\u0000num:';

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === 'number' && !Number.isFinite(v)) return `${NUM}${v}`;
    if (v instanceof Float64Array) return { $f64: Array.from(v, (x) => (Number.isFinite(x) ? x : `${NUM}${x}`)) };
    return v;
  });
}

export function decode<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'string' && v.startsWith(NUM)) return Number(v.slice(NUM.length));
    if (v && typeof v === 'object' && '$f64' in v) return Float64Array.from((v as { $f64: unknown[] }).$f64, (x) => (typeof x === 'string' ? Number(x.slice(NUM.length)) : (x as number)));
    return v;
  }) as T;
}

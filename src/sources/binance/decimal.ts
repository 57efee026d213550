/** Powers of ten that are exact doubles (10^0 … 10^22). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT = 2 ** 53;

/**
 * `Number(v)` for the plain decimal strings Binance sends ("46216.93000000"), without the generic conversion's cost:
 * the digits make an integer m and the decimals a scale k; when m ≤ 2^53 and k ≤ 22 both m and 10^k are exact
 * doubles, so m / 10^k is the correctly rounded value, the same double Number() gives (Clinger's fast path).
 * Anything else (a sign, an exponent, too many digits, a number) goes to Number().
 */
export function decimalNumber(v: unknown): number {
  if (typeof v !== 'string') return typeof v === 'number' ? v : Number(v);
  const n = v.length;
  if (n === 0 || n > 40) return Number(v);
  let m = 0;
  let scale = -1;
  for (let i = 0; i < n; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      if (scale >= 0) scale++;
    } else if (d === -2 && scale < 0) scale = 0; // '.'
    else return Number(v);
  }
  if (m > MAX_EXACT || scale > 22 || n === (scale >= 0 ? 1 : 0)) return Number(v);
  return scale > 0 ? m / POW10[scale] : m;
}

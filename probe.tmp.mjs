// src/core/errors.ts
var ErrorKind = {
  /** Try again later: network trouble, 429, 5xx, a lock held by someone else. */
  Retry: "retry",
  /** Give up on this item: the remote said no for good (4xx), the data is not there. */
  GiveUp: "give_up",
  /** Fix the configuration or the command line; nothing will work until then. */
  Config: "config",
  /** Fix the input (a file, a row, an alert); the rest goes on. */
  Input: "input",
  /** A bug or an invariant broken inside MTS. */
  Internal: "internal"
};
var MtsError = class extends Error {
  code;
  kind;
  details;
  constructor(kind, code, message, details, options) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
};
var InputError = class extends MtsError {
  constructor(code, message, details) {
    super(ErrorKind.Input, code, message, details);
  }
};

// src/core/time.ts
var MINUTE_MS = 6e4;
var HOUR_MS = 36e5;
var DAY_MS = 864e5;
var TIMEFRAMES = {
  "1m": MINUTE_MS,
  "5m": 5 * MINUTE_MS,
  "15m": 15 * MINUTE_MS,
  "1h": HOUR_MS,
  "4h": 4 * HOUR_MS,
  "1d": DAY_MS
};
var TIMEFRAME_NAMES = Object.keys(TIMEFRAMES);
function isTimeframe(value) {
  return typeof value === "string" && Object.hasOwn(TIMEFRAMES, value);
}
function timeframeMs(tf) {
  return TIMEFRAMES[tf];
}
function utcDay(ts) {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}
var DURATION_UNITS = { ms: 1, s: 1e3, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };
function isoTime(ts) {
  return new Date(ts).toISOString();
}

// src/analytics/metrics.ts
var YEAR_MS = 365 * DAY_MS;
var SQRT_365 = Math.sqrt(365);
var CurveStats = class {
  count = 0;
  /**
   * Σ equity in four lanes, point i into lane i mod 4, added up at the end: the same sum whether the points come
   * one by one or a stretch at a time, and a stretch adds four independent chains instead of one long one.
   */
  sum0 = 0;
  sum1 = 0;
  sum2 = 0;
  sum3 = 0;
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  lastEq = Number.NaN;
  // drawdown: the running peak, the deepest fall so far (its peak, trough and recovery)
  peak = 0;
  peakTs = 0;
  worst = 0;
  worstPeakTs = Number.NaN;
  worstPeak = Number.NaN;
  troughTs = Number.NaN;
  recoveryTs = Number.NaN;
  // daily: the next midnight to take an equity for, the one before it, and how many were taken
  day = Number.NaN;
  prevDaily = 0;
  days = 0;
  /** The daily returns so far: rets[0, nRets), grown by doubling (a typed array: no boxed numbers, no GC work). */
  rets = new Float64Array(64);
  nRets = 0;
  /** The next point (times strictly increasing). */
  add(t, e) {
    if (this.count === 0) {
      this.firstTs = t;
      this.day = Math.ceil(t / DAY_MS) * DAY_MS;
      this.peak = e;
      this.peakTs = t;
    } else if (this.day < t) {
      this.midnights(t);
    }
    this.addToLane(this.count, e);
    this.count++;
    if (e > this.peak) {
      this.peak = e;
      this.peakTs = t;
    }
    const fall = this.peak > 0 ? 1 - e / this.peak : 0;
    if (fall > this.worst) {
      this.worst = fall;
      this.worstPeakTs = this.peakTs;
      this.troughTs = t;
      this.worstPeak = this.peak;
      this.recoveryTs = Number.NaN;
    } else if (Number.isNaN(this.recoveryTs) && t > this.troughTs && e >= this.worstPeak) {
      this.recoveryTs = t;
    }
    this.lastTs = t;
    this.lastEq = e;
  }
  /**
   * Points at ts[k] + offset for k in [from, to), all of equity e (a stretch with no position: the equity stays the
   * cash). After the first, such points change neither the peak nor the deepest fall (the same equity against the
   * same peak) nor its recovery (the first point took it if it was due: times increase), and every midnight before
   * the last takes e: so only the sum and the midnights are taken, without reading the points' own times.
   */
  addConstant(ts, from, to, offset, e) {
    if (from >= to) return;
    this.add(ts[from] + offset, e);
    this.sumConstant(to - from - 1, e);
    const last = ts[to - 1] + offset;
    if (this.day < last) this.midnights(last);
    this.lastTs = last;
  }
  /**
   * Points at ts[k] + offset for k in [from, to) of equity cash + qty × price[k] (a position held, marked at each
   * close): what add() does for each, in two passes over the stretch — the peak, deepest fall and sum point by point
   * with the state in locals, then the midnights, each taking the equity of the last point at or before it (found
   * by stepping a day's worth of bars at a time) — so that the per-point loop carries no daily bookkeeping. The same
   * operations on the same values in the same order as add() point by point: src/analytics/metrics-onepass.test.ts
   * and test/backtest-evaluate.test.ts hold the two to the same bits.
   */
  addMarked(ts, price, from, to, offset, cash, qty) {
    if (from >= to) return;
    this.add(ts[from] + offset, cash + qty * price[from]);
    if (to - from === 1) return;
    this.sumMarked(price, from + 1, to, cash, qty);
    let peak = this.peak;
    let peakTs = this.peakTs;
    let worst = this.worst;
    let recoveryTs = this.recoveryTs;
    let troughTs = this.troughTs;
    let worstPeak = this.worstPeak;
    for (let k = from + 1; k < to; k++) {
      const t = ts[k] + offset;
      const e = cash + qty * price[k];
      if (e > peak) {
        peak = e;
        peakTs = t;
      }
      const fall = peak > 0 ? 1 - e / peak : 0;
      if (fall > worst) {
        worst = fall;
        this.worstPeakTs = peakTs;
        troughTs = t;
        worstPeak = peak;
        recoveryTs = Number.NaN;
      } else if (Number.isNaN(recoveryTs) && t > troughTs && e >= worstPeak) {
        recoveryTs = t;
      }
    }
    this.peak = peak;
    this.peakTs = peakTs;
    this.worst = worst;
    this.recoveryTs = recoveryTs;
    this.troughTs = troughTs;
    this.worstPeak = worstPeak;
    const last = ts[to - 1] + offset;
    if (this.day < last) {
      const spacing = (ts[to - 1] - ts[from]) / (to - 1 - from);
      const stride = spacing > 0 ? Math.max(1, Math.floor(DAY_MS / spacing)) : 1;
      let k = from;
      let day = this.day;
      let prevDaily = this.prevDaily;
      let days = this.days;
      while (day < last) {
        let g = k + stride < to - 1 ? k + stride : to - 1;
        while (g > k && ts[g] + offset > day) g--;
        while (g + 1 < to && ts[g + 1] + offset <= day) g++;
        k = g;
        const e = cash + qty * price[k];
        if (days++ > 0) this.pushReturn(e / prevDaily - 1);
        prevDaily = e;
        day += DAY_MS;
      }
      this.day = day;
      this.prevDaily = prevDaily;
      this.days = days;
    }
    this.lastEq = cash + qty * price[to - 1];
    this.lastTs = last;
  }
  pushReturn(r) {
    if (this.nRets === this.rets.length) {
      const more = new Float64Array(this.rets.length * 2);
      more.set(this.rets);
      this.rets = more;
    }
    this.rets[this.nRets++] = r;
  }
  /** `m` more points of equity e into the sum lanes (and the count). */
  sumConstant(m, e) {
    let c2 = this.count;
    const end = c2 + m;
    for (; c2 < end && (c2 & 3) !== 0; c2++) this.addToLane(c2, e);
    let s0 = this.sum0;
    let s1 = this.sum1;
    let s2 = this.sum2;
    let s3 = this.sum3;
    for (; c2 + 4 <= end; c2 += 4) {
      s0 += e;
      s1 += e;
      s2 += e;
      s3 += e;
    }
    this.sum0 = s0;
    this.sum1 = s1;
    this.sum2 = s2;
    this.sum3 = s3;
    for (; c2 < end; c2++) this.addToLane(c2, e);
    this.count = end;
  }
  /** Points of equity cash + qty × price[k] for k in [from, to) into the sum lanes (and the count). */
  sumMarked(price, from, to, cash, qty) {
    let c2 = this.count;
    let k = from;
    for (; k < to && (c2 & 3) !== 0; k++, c2++) this.addToLane(c2, cash + qty * price[k]);
    let s0 = this.sum0;
    let s1 = this.sum1;
    let s2 = this.sum2;
    let s3 = this.sum3;
    for (; k + 4 <= to; k += 4, c2 += 4) {
      s0 += cash + qty * price[k];
      s1 += cash + qty * price[k + 1];
      s2 += cash + qty * price[k + 2];
      s3 += cash + qty * price[k + 3];
    }
    this.sum0 = s0;
    this.sum1 = s1;
    this.sum2 = s2;
    this.sum3 = s3;
    for (; k < to; k++, c2++) this.addToLane(c2, cash + qty * price[k]);
    this.count = c2;
  }
  addToLane(c2, e) {
    const lane = c2 & 3;
    if (lane === 0) this.sum0 += e;
    else if (lane === 1) this.sum1 += e;
    else if (lane === 2) this.sum2 += e;
    else this.sum3 += e;
  }
  /** Every midnight before t takes the equity of the point before it (the latest one). */
  midnights(t) {
    const e = this.lastEq;
    while (this.day < t) {
      if (this.days++ > 0) this.pushReturn(e / this.prevDaily - 1);
      this.prevDaily = e;
      this.day += DAY_MS;
    }
  }
  /** The summary; the last point's equity also stands for every midnight up to its own time. Call once, at the end. */
  finish() {
    const dd = { maxDrawdown: 0, peakTs: null, troughTs: null, recoveryTs: null, durationMs: 0 };
    if (this.count === 0) return { count: 0, firstTs: Number.NaN, lastTs: Number.NaN, finalEquity: Number.NaN, returns: new Float64Array(0), dd, eqSum: 0 };
    const e = this.lastEq;
    while (this.day <= this.lastTs) {
      if (this.days++ > 0) this.pushReturn(e / this.prevDaily - 1);
      this.prevDaily = e;
      this.day += DAY_MS;
    }
    if (!Number.isNaN(this.worstPeakTs)) {
      dd.maxDrawdown = this.worst;
      dd.peakTs = this.worstPeakTs;
      dd.troughTs = this.troughTs;
      dd.recoveryTs = Number.isNaN(this.recoveryTs) ? null : this.recoveryTs;
      dd.durationMs = (dd.recoveryTs ?? this.lastTs) - dd.peakTs;
    }
    const eqSum = this.sum0 + this.sum1 + (this.sum2 + this.sum3);
    return { count: this.count, firstTs: this.firstTs, lastTs: this.lastTs, finalEquity: e, returns: this.rets.slice(0, this.nRets), dd, eqSum };
  }
};
function summarizeCurve(curve) {
  const stats = new CurveStats();
  const ts = curve.ts;
  const eq = curve.equity;
  for (let i = 0; i < curve.length; i++) stats.add(ts[i], eq[i]);
  return stats.finish();
}
function mean(xs) {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}
function stdev(xs) {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) * (xs[i] - m);
  return Math.sqrt(s / (xs.length - 1));
}
var finiteOrNull = (x) => Number.isFinite(x) ? x : null;
function computeMetrics(inp) {
  const { trades, initialCash } = inp;
  const pass = "returns" in inp.curve ? inp.curve : summarizeCurve(inp.curve);
  const finalEquity = pass.count > 0 ? pass.finalEquity : initialCash;
  const totalReturn = finalEquity / initialCash - 1;
  const spanMs = pass.count > 1 ? pass.lastTs - pass.firstTs : 0;
  const years = spanMs / YEAR_MS;
  const cagr = years > 0 ? finalEquity > 0 ? (finalEquity / initialCash) ** (1 / years) - 1 : -1 : null;
  const r = pass.returns;
  const rfDaily = (inp.riskFree ?? 0) / 365;
  let volatility2 = null;
  let sharpe = null;
  let sortino = null;
  if (r.length >= 2) {
    const sd = stdev(r);
    const excess = mean(r) - rfDaily;
    volatility2 = sd * SQRT_365;
    sharpe = sd > 0 ? excess / sd * SQRT_365 : null;
    let down = 0;
    for (let i = 0; i < r.length; i++) if (r[i] - rfDaily < 0) down += (r[i] - rfDaily) ** 2;
    const dd2 = Math.sqrt(down / r.length);
    sortino = dd2 > 0 ? excess / dd2 * SQRT_365 : null;
  }
  const dd = pass.dd;
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let pnlSum = 0;
  const pnls = trades instanceof Float64Array ? trades : Float64Array.from(trades, (t) => t.pnl);
  for (let i = 0; i < pnls.length; i++) {
    const pnl = pnls[i];
    pnlSum += pnl;
    if (pnl > 0) {
      wins++;
      grossProfit += pnl;
    } else if (pnl < 0) {
      losses++;
      grossLoss -= pnl;
    }
  }
  const n = trades.length;
  const avgEquity = pass.count > 0 ? pass.eqSum / pass.count : initialCash;
  return {
    total_return: totalReturn,
    cagr: cagr === null ? null : finiteOrNull(cagr),
    volatility: volatility2,
    sharpe,
    sortino,
    max_drawdown: dd.maxDrawdown,
    max_drawdown_duration_ms: dd.durationMs,
    max_drawdown_peak_ts: dd.peakTs,
    max_drawdown_trough_ts: dd.troughTs,
    max_drawdown_recovery_ts: dd.recoveryTs,
    calmar: cagr !== null && dd.maxDrawdown > 0 ? finiteOrNull(cagr / dd.maxDrawdown) : null,
    trades: n,
    win_rate: n > 0 ? wins / n : null,
    profit_factor: grossLoss > 0 ? grossProfit / grossLoss : null,
    avg_win: wins > 0 ? grossProfit / wins : null,
    avg_loss: losses > 0 ? -grossLoss / losses : null,
    expectancy: n > 0 ? pnlSum / n : null,
    exposure: inp.exposure,
    turnover: avgEquity > 0 ? inp.tradedNotional / avgEquity : 0,
    fees: inp.fees,
    final_equity: finalEquity
  };
}

// src/execution/costs.ts
function costModel(s) {
  for (const [k, v] of [["feeBps", s.feeBps], ["slippageBps", s.slippageBps], ["impact", s.impact ?? 0]]) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${k} must be a finite number >= 0, got ${v}`);
  }
  return { feeRate: s.feeBps / 1e4, slippageRate: s.slippageBps / 1e4, impact: s.impact ?? 0 };
}
function slippageFor(costs, quantity, volume) {
  if (costs.impact === 0 || !(volume > 0) || !(quantity > 0)) return costs.slippageRate;
  return costs.slippageRate + costs.impact * Math.sqrt(quantity / volume);
}

// src/storage/repos/candles.ts
function emptyColumns(n = 0) {
  return {
    length: n,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n)
  };
}

// src/strategies/resample.ts
function sliceColumns(c2, n) {
  return { length: n, ts: c2.ts.subarray(0, n), open: c2.open.subarray(0, n), high: c2.high.subarray(0, n), low: c2.low.subarray(0, n), close: c2.close.subarray(0, n), volume: c2.volume.subarray(0, n) };
}
function resampleCandles(source, to, opts) {
  const step = TIMEFRAMES[opts.from];
  const target = TIMEFRAMES[to];
  if (target < step || target % step !== 0) {
    throw new InputError("E_RESAMPLE", `cannot resample ${opts.from} candles to ${to}: the target must be a whole multiple of the source`);
  }
  const asOf = opts.asOf ?? Number.POSITIVE_INFINITY;
  const n = source.length;
  if (target === step) {
    let k = n;
    while (k > 0 && source.ts[k - 1] + step > asOf) k--;
    return k === n ? source : sliceColumns(source, k);
  }
  const out = emptyColumns(Math.ceil(n / (target / step)) + 1);
  let m = 0;
  let i = 0;
  while (i < n) {
    const start = Math.floor(source.ts[i] / target) * target;
    const end = start + target;
    const o = source.open[i];
    let h = source.high[i];
    let l = source.low[i];
    let c2 = source.close[i];
    let v = source.volume[i];
    let j = i + 1;
    while (j < n && source.ts[j] < end) {
      if (source.high[j] > h) h = source.high[j];
      if (source.low[j] < l) l = source.low[j];
      c2 = source.close[j];
      v += source.volume[j];
      j++;
    }
    const lastClose = source.ts[j - 1] + step;
    const complete = end <= asOf && (lastClose === end || j < n);
    if (!complete) break;
    out.ts[m] = start;
    out.open[m] = o;
    out.high[m] = h;
    out.low[m] = l;
    out.close[m] = c2;
    out.volume[m] = v;
    m++;
    i = j;
  }
  return sliceColumns(out, m);
}

// src/core/types.ts
function strengthFromConfidence(confidence, strong = 0.75, moderate = 0.5) {
  return confidence > strong ? "STRONG" : confidence > moderate ? "MODERATE" : "WEAK";
}

// src/strategies/asof.ts
var MACRO_PUBLICATION_DELAY_MS = DAY_MS;
var AsOfSeries = class {
  constructor(series, observations) {
    this.series = series;
    const kept = observations.filter((o) => o.value !== null && Number.isFinite(o.value)).sort((a, b) => a.date - b.date);
    this.usableFrom = new Float64Array(kept.length);
    this.values = new Float64Array(kept.length);
    for (let i = 0; i < kept.length; i++) {
      this.usableFrom[i] = kept[i].date + MACRO_PUBLICATION_DELAY_MS;
      this.values[i] = kept[i].value;
    }
  }
  series;
  /** When each kept observation becomes usable (date + 1 day), ascending. */
  usableFrom;
  values;
  get length() {
    return this.values.length;
  }
  /** Index of the latest observation usable at `at`, or -1 when none is yet. */
  indexAt(at) {
    const u = this.usableFrom;
    let lo = 0;
    let hi = u.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = lo + hi >> 1;
      if (u[mid] <= at) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
  /** The value known at `at` (NaN before the first publication). */
  valueAt(at) {
    const i = this.indexAt(at);
    return i < 0 ? Number.NaN : this.values[i];
  }
};
function asOfJoin(observations, times) {
  const s = observations instanceof AsOfSeries ? observations : new AsOfSeries("", observations);
  const out = new Float64Array(times.length);
  let k = -1;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (i > 0 && t < times[i - 1]) k = s.indexAt(t);
    else while (k + 1 < s.length && s.usableFrom[k + 1] <= t) k++;
    out[i] = k < 0 ? Number.NaN : s.values[k];
  }
  return out;
}

// src/strategies/views.ts
var FIELDS = /* @__PURE__ */ new Set(["open", "high", "low", "close", "volume"]);
var SeriesView = class {
  constructor(symbol, timeframe, candles, values, strategy) {
    this.symbol = symbol;
    this.timeframe = timeframe;
    this.candles = candles;
    this.values = values;
    this.strategy = strategy;
    for (const [key, arr] of values) {
      if (FIELDS.has(key)) continue;
      this.keys.push(key);
      this.arrays.push(arr);
    }
  }
  symbol;
  timeframe;
  candles;
  values;
  strategy;
  /** The current bar; -1 = none visible yet. */
  index = -1;
  /**
   * The precomputed series as parallel arrays: `value(key)` is called several times per bar, and comparing the
   * key against a handful of (interned) names is cheaper than hashing it into a Map each time.
   */
  keys = [];
  arrays = [];
  get length() {
    return this.index + 1;
  }
  at(arr, ago) {
    if (!(ago >= 0)) return Number.NaN;
    const v = arr[this.index - ago];
    return v === void 0 ? Number.NaN : v;
  }
  ts(ago = 0) {
    return this.at(this.candles.ts, ago);
  }
  open(ago = 0) {
    return this.at(this.candles.open, ago);
  }
  high(ago = 0) {
    return this.at(this.candles.high, ago);
  }
  low(ago = 0) {
    return this.at(this.candles.low, ago);
  }
  close(ago = 0) {
    return this.at(this.candles.close, ago);
  }
  volume(ago = 0) {
    return this.at(this.candles.volume, ago);
  }
  series(key) {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.arrays[i];
    return this.fieldOrFail(key);
  }
  /** The rare cases of `series` out of line: it stays small enough to be inlined into every strategy's onBar. */
  fieldOrFail(key) {
    if (FIELDS.has(key)) return this.candles[key];
    const known = [...this.values.keys()];
    throw new InputError("E_STRATEGY_KEY", `strategy ${this.strategy}: no precomputed series "${key}" (precompute returned: ${known.join(", ") || "nothing"})`);
  }
  value(key, ago = 0) {
    return this.at(this.series(key), ago);
  }
  window(field, n) {
    const src = this.series(field);
    const out = new Float64Array(Math.max(0, n)).fill(Number.NaN);
    const start = this.index - n + 1;
    for (let j = 0; j < n; j++) {
      const k = start + j;
      if (k >= 0 && k <= this.index) out[j] = src[k];
    }
    return out;
  }
  /** Moves the cursor to the latest bar closed at or before `now` (binary search); -1 if none. */
  seekClosedBy(now, barMs) {
    const ts = this.candles.ts;
    let lo = 0;
    let hi = this.candles.length - 1;
    let found = -1;
    const limit = now - barMs;
    while (lo <= hi) {
      const mid = lo + hi >> 1;
      if (ts[mid] <= limit) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    this.index = found;
    return found;
  }
};
var AsOfMacroView = class {
  constructor(data, now) {
    this.data = data;
    this.now = now;
  }
  data;
  now;
  cachedAt = Number.NaN;
  cachedIndex = -1;
  get series() {
    return this.data.series;
  }
  currentIndex() {
    const now = this.now();
    if (now !== this.cachedAt) {
      this.cachedAt = now;
      this.cachedIndex = this.data.indexAt(now);
    }
    return this.cachedIndex;
  }
  value(ago = 0) {
    if (!(ago >= 0)) return Number.NaN;
    const v = this.data.values[this.currentIndex() - ago];
    return v === void 0 ? Number.NaN : v;
  }
  daily(days) {
    const out = new Float64Array(Math.max(0, days));
    const now = this.now();
    for (let j = 0; j < days; j++) out[j] = this.data.valueAt(now - (days - 1 - j) * DAY_MS);
    return out;
  }
};

// src/strategies/runner.ts
var StrategyFailure = class extends MtsError {
  constructor(message, details, cause) {
    super("input", "E_STRATEGY_FAILED", message, details, { cause });
  }
};
var SIDES = /* @__PURE__ */ new Set(["LONG", "SHORT", "CLOSE"]);
var BAR_FIELDS = /* @__PURE__ */ new Set(["ts", "open", "high", "low", "close", "volume"]);
var TOLERANCE = 1e-9;
var LOOKAHEAD_PREFIX = 2048;
var LOOKAHEAD_VALUES = 256;
var WHEN_CHECKS = 1024;
var POSITIONS = [null, "LONG", "SHORT"];
var NO_SIGNALS = Object.freeze([]);
function level(x) {
  return x === null || x === void 0 || !Number.isFinite(x) ? null : x;
}
function prefix(c2, n) {
  return { length: n, ts: c2.ts.subarray(0, n), open: c2.open.subarray(0, n), high: c2.high.subarray(0, n), low: c2.low.subarray(0, n), close: c2.close.subarray(0, n), volume: c2.volume.subarray(0, n) };
}
function same(a, b) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}
var StrategyRunner = class {
  constructor(strategy, overrides, data, opts = {}) {
    this.strategy = strategy;
    this.data = data;
    this.params = strategy.resolveParams(overrides ?? {});
    this.barMs = TIMEFRAMES[strategy.timeframe];
    this.label = opts.source ? `${strategy.name} (${opts.source})` : strategy.name;
    this.warmup = strategy.warmupBars(this.params, strategy.timeframe);
    const wanted = opts.symbols ?? (strategy.symbols.length ? strategy.symbols : [...data.candles.keys()]);
    this.symbols = Object.freeze(wanted.filter((s) => (data.candles.get(s)?.length ?? 0) > 0));
    this.tracksImplied = opts.position === void 0;
    this.position = opts.position ?? ((symbol) => this.implied.get(symbol)?.side ?? null);
    const macroView = (series) => {
      let v = this.macroViews.get(series);
      if (!v) {
        v = new AsOfMacroView(new AsOfSeries(series, data.macro.get(series) ?? []), () => this.ctx.now);
        this.macroViews.set(series, v);
      }
      return v;
    };
    this.ctx = {
      params: this.params,
      now: 0,
      symbol: "",
      bar: void 0,
      symbols: this.symbols,
      asset: (symbol) => this.assetAt(symbol),
      macro: macroView,
      position: (symbol) => this.position(symbol ?? this.ctx.symbol, strategy.name)
    };
    for (const symbol of data.candles.keys()) {
      const candles = data.candles.get(symbol);
      this.assetViews.set(symbol, new SeriesView(symbol, strategy.timeframe, candles, /* @__PURE__ */ new Map(), strategy.name));
    }
    for (const symbol of this.symbols) {
      const values = this.precomputeFor(symbol, opts.checkLookAhead !== false);
      const view = new SeriesView(symbol, strategy.timeframe, data.candles.get(symbol), values, strategy.name);
      this.views.set(symbol, view);
      if (strategy.when === void 0) continue;
      const when = values.get(strategy.when);
      if (!when) {
        throw new InputError("E_STRATEGY_SERIES", `strategy ${this.label}: its when series "${strategy.when}" is not one of its precomputed series (${[...values.keys()].join(", ") || "none"})`, { strategy: strategy.name, key: strategy.when });
      }
      if (opts.checkLookAhead !== false) this.checkWhen(symbol, view, when);
      this.whenSeries.set(symbol, when);
    }
  }
  strategy;
  data;
  symbols;
  params;
  barMs;
  views = /* @__PURE__ */ new Map();
  assetViews = /* @__PURE__ */ new Map();
  macroViews = /* @__PURE__ */ new Map();
  closeTimes = /* @__PURE__ */ new Map();
  /** Per decided symbol, the strategy's `when` series (only when it declares one). */
  whenSeries = /* @__PURE__ */ new Map();
  /** The signal-implied position per symbol (used when the caller gives no position lookup). */
  implied = /* @__PURE__ */ new Map();
  tracksImplied;
  position;
  ctx;
  label;
  warmup;
  /** The view of the symbol decided last: drivers ask about the same symbol bar after bar, so skip the Map then. */
  lastSymbol = "";
  lastView;
  lastWhen;
  /**
   * Holds the strategy to its `when` promise on a bounded sample: onBar is called on the first WHEN_CHECKS bars the
   * series skips (from the warm-up on), once with each position (flat, long, short), and must return no signal.
   */
  checkWhen(symbol, view, when) {
    const ctx = this.ctx;
    let held = null;
    const probe = { ...ctx, position: () => held };
    const n = view.candles.length;
    let checked = 0;
    try {
      for (let i = this.warmup; i < n && checked < WHEN_CHECKS; i++) {
        if (when[i] !== 0) continue;
        checked++;
        view.index = i;
        ctx.now = probe.now = view.candles.ts[i] + this.barMs;
        probe.symbol = symbol;
        probe.bar = view;
        for (const p of POSITIONS) {
          held = p;
          let out;
          try {
            out = this.strategy.onBar(probe);
          } catch (err) {
            this.fail(err, symbol, "onBar", ctx.now);
          }
          const intents = Array.isArray(out) ? out : [out];
          if (intents.some((x) => x)) {
            throw new InputError(
              "E_STRATEGY_WHEN",
              `strategy ${this.label}: onBar signalled for ${symbol} at ${isoTime(ctx.now)} (position ${p ?? "flat"}) where its when series "${this.strategy.when}" is 0, which promises no signal there`,
              { strategy: this.strategy.name, key: this.strategy.when, symbol, ts: ctx.now }
            );
          }
        }
      }
    } finally {
      view.index = -1;
    }
  }
  /**
   * The strategy's `when` series for a symbol, for a driver that skips the bars where it is 0 instead of calling
   * onBar there (undefined when the strategy has none, or when the runner tracks the signal-implied position: its
   * stops and targets are checked bar by bar inside onBar).
   */
  activeBars(symbol) {
    return this.tracksImplied ? void 0 : this.whenSeries.get(symbol);
  }
  /** Close times of a symbol's bars, made on first use (a backtest driver never needs them, precompute may). */
  closeTimesOf(symbol) {
    let closes = this.closeTimes.get(symbol);
    if (!closes) {
      const candles = this.data.candles.get(symbol);
      closes = new Float64Array(candles.length);
      for (let i = 0; i < candles.length; i++) closes[i] = candles.ts[i] + this.barMs;
      this.closeTimes.set(symbol, closes);
    }
    return closes;
  }
  precomputeContext(symbol, candles) {
    let closes;
    const closeTimes = () => closes ??= this.closeTimesOf(symbol).subarray(0, candles.length);
    const macroCache = /* @__PURE__ */ new Map();
    return {
      params: this.params,
      symbol,
      candles,
      timeframe: this.strategy.timeframe,
      symbols: [...this.data.candles.keys()],
      macro: (series) => {
        let m = macroCache.get(series);
        if (!m) macroCache.set(series, m = asOfJoin(this.data.macro.get(series) ?? [], closeTimes()));
        return m;
      },
      assetClose: (other) => {
        const oc = this.data.candles.get(other);
        if (!oc) return void 0;
        const out = new Float64Array(candles.length);
        const closes2 = closeTimes();
        let k = -1;
        for (let i = 0; i < candles.length; i++) {
          while (k + 1 < oc.length && oc.ts[k + 1] + this.barMs <= closes2[i]) k++;
          out[i] = k < 0 ? Number.NaN : oc.close[k];
        }
        return out;
      }
    };
  }
  precomputeFor(symbol, check) {
    const pre = this.strategy.precompute;
    if (!pre) return /* @__PURE__ */ new Map();
    const candles = this.data.candles.get(symbol);
    const full = this.guard(symbol, "precompute", () => pre(this.precomputeContext(symbol, candles)));
    const values = /* @__PURE__ */ new Map();
    for (const [key, arr] of Object.entries(full ?? {})) {
      if (!(arr instanceof Float64Array) || arr.length !== candles.length) {
        throw new InputError("E_STRATEGY_SERIES", `strategy ${this.label}: precomputed series "${key}" for ${symbol} must be a Float64Array of ${candles.length} values (one per bar)`);
      }
      if (BAR_FIELDS.has(key)) {
        throw new InputError("E_STRATEGY_SERIES", `strategy ${this.label}: precomputed series "${key}" has the name of a bar field; bar.value("${key}") would be ambiguous, rename it`);
      }
      values.set(key, arr);
    }
    if (check && values.size > 0 && candles.length >= 4) {
      const cut = this.lookAheadCut(values, candles.length);
      const part = this.guard(symbol, "precompute", () => pre(this.precomputeContext(symbol, prefix(candles, cut))));
      for (const [key, arr] of values) {
        const p = part[key];
        for (let i = 0; i < cut; i++) {
          if (!p || !same(arr[i], p[i])) {
            throw new InputError(
              "E_LOOKAHEAD",
              `strategy ${this.label}: precomputed series "${key}" for ${symbol} looks ahead: at ${isoTime(candles.ts[i])} it is ${arr[i]} with the later data and ${p ? p[i] : "missing"} without it`,
              { strategy: this.strategy.name, key, symbol }
            );
          }
        }
      }
    }
    return values;
  }
  /**
   * Where the look-ahead check cuts the data. Any cut exposes a series that reads later bars (its values before the
   * cut change when the bars after it are gone), so the prefix is bounded — the check costs O(LOOKAHEAD_PREFIX), not
   * O(bars) — but long enough to hold at least LOOKAHEAD_VALUES defined values of every series past its warm-up
   * (a series still all NaN before the cut would compare equal and prove nothing). At most a third of the data.
   */
  lookAheadCut(values, n) {
    const max = Math.max(2, Math.floor(n / 3));
    let cut = Math.min(max, LOOKAHEAD_PREFIX + this.warmup);
    for (const arr of values.values()) {
      let defined = 0;
      let i = 0;
      for (; i < max && defined < LOOKAHEAD_VALUES; i++) if (!Number.isNaN(arr[i])) defined++;
      if (i > cut) cut = i;
    }
    return cut;
  }
  guard(symbol, where, fn) {
    try {
      return fn();
    } catch (err) {
      return this.fail(err, symbol, where);
    }
  }
  /** Rethrows what a strategy threw as a StrategyFailure naming the strategy, its file, the symbol and the bar. */
  fail(err, symbol, where, ts) {
    if (err instanceof MtsError && (err.code === "E_STRATEGY_KEY" || err.code === "E_STRATEGY_FAILED")) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    const at = ts === void 0 ? "" : ` at ${isoTime(ts)}`;
    throw new StrategyFailure(`strategy ${this.label} failed in ${where} for ${symbol}${at}: ${msg}`, { strategy: this.strategy.name, symbol }, err);
  }
  assetAt(symbol) {
    const v = this.assetViews.get(symbol);
    if (!v) return void 0;
    return v.seekClosedBy(this.ctx.now, this.barMs) < 0 ? void 0 : v;
  }
  bars(symbol) {
    const c2 = this.data.candles.get(symbol);
    if (!c2) throw new InputError("E_SYMBOL", `strategy ${this.label}: no candles loaded for ${symbol}`);
    return c2;
  }
  firstIndex(_symbol) {
    return this.warmup;
  }
  closeTime(symbol, index) {
    return this.bars(symbol).ts[index] + this.barMs;
  }
  /** The decision at the close of bar `index` of `symbol`. */
  onBar(symbol, index) {
    let view = this.lastView;
    if (symbol !== this.lastSymbol || view === void 0) {
      view = this.views.get(symbol);
      if (!view) throw new InputError("E_SYMBOL", `strategy ${this.label}: ${symbol} is not one of its symbols (${this.symbols.join(", ")})`);
      this.lastSymbol = symbol;
      this.lastView = view;
      this.lastWhen = this.whenSeries.get(symbol);
    }
    if (index < this.warmup || index >= view.candles.length) return NO_SIGNALS;
    view.index = index;
    if (this.tracksImplied) this.exitImpliedAtLevels(symbol, view, index);
    const when = this.lastWhen;
    if (when !== void 0 && when[index] === 0) return NO_SIGNALS;
    const ctx = this.ctx;
    ctx.now = view.candles.ts[index] + this.barMs;
    ctx.symbol = symbol;
    ctx.bar = view;
    let out;
    try {
      out = this.strategy.onBar(ctx);
    } catch (err) {
      this.fail(err, symbol, "onBar", ctx.now);
    }
    if (!out) return NO_SIGNALS;
    if (!Array.isArray(out)) {
      const s = this.toSignal(out, symbol, view);
      this.trackImplied(s);
      return [s];
    }
    const signals = [];
    for (const intent of out) {
      if (!intent) continue;
      const s = this.toSignal(intent, symbol, view);
      signals.push(s);
      this.trackImplied(s);
    }
    return signals;
  }
  /** When it tracks signal-implied positions: the position a signal implies (a CLOSE ends it). */
  trackImplied(s) {
    if (!this.tracksImplied) return;
    if (s.side === "CLOSE") this.implied.delete(s.symbol);
    else this.implied.set(s.symbol, { side: s.side, stopLoss: s.stopLoss, takeProfit: s.takeProfit });
  }
  /** A signal-implied position ends when a bar touches its stop or target, as a bracket order would. */
  exitImpliedAtLevels(symbol, view, index) {
    const p = this.implied.get(symbol);
    if (!p) return;
    const hi = view.candles.high[index];
    const lo = view.candles.low[index];
    const long = p.side === "LONG";
    const stopped = p.stopLoss !== null && (long ? lo <= p.stopLoss : hi >= p.stopLoss);
    const reached = p.takeProfit !== null && (long ? hi >= p.takeProfit : lo <= p.takeProfit);
    if (stopped || reached) this.implied.delete(symbol);
  }
  bad(symbol, what) {
    throw new StrategyFailure(`strategy ${this.label} returned a bad signal for ${symbol} at ${isoTime(this.ctx.now)}: ${what}`, { strategy: this.strategy.name, symbol }, void 0);
  }
  toSignal(intent, symbol, view) {
    if (!SIDES.has(intent.side)) this.bad(symbol, `side must be LONG, SHORT or CLOSE, got ${JSON.stringify(intent.side)}`);
    const target = intent.symbol ?? symbol;
    let price = view.close();
    if (target !== symbol) {
      const other = this.assetAt(target);
      if (!other) this.bad(symbol, `no bar of ${target} closed by then`);
      price = other.close();
    }
    const confidence = intent.confidence ?? 1;
    if (!Number.isFinite(confidence)) this.bad(symbol, `confidence is ${confidence}`);
    const size = intent.size ?? 1;
    if (!Number.isFinite(size) || size < 0) this.bad(symbol, `size is ${size}`);
    const c2 = Math.min(1, Math.max(0, confidence));
    const signal = {
      ts: this.ctx.now,
      strategy: this.strategy.name,
      symbol: target,
      side: intent.side,
      confidence: c2,
      strength: intent.strength ?? strengthFromConfidence(c2),
      price,
      size,
      stopLoss: level(intent.stopLoss),
      takeProfit: level(intent.takeProfit)
    };
    if (intent.meta) signal.meta = intent.meta;
    return signal;
  }
  /** Runs every symbol over the bars closing in [from, to], in time order (ties in symbol order). */
  run(opts = {}) {
    const from = opts.from ?? Number.NEGATIVE_INFINITY;
    const to = opts.to ?? Number.POSITIVE_INFINITY;
    const syms = this.symbols;
    const next = new Int32Array(syms.length);
    const closes = syms.map((s) => this.closeTimesOf(s));
    for (let k = 0; k < syms.length; k++) {
      let i = this.warmup;
      while (i < closes[k].length && closes[k][i] < from) i++;
      next[k] = i;
    }
    const out = [];
    for (; ; ) {
      let best2 = -1;
      let bestT = Number.POSITIVE_INFINITY;
      for (let k = 0; k < syms.length; k++) {
        const i = next[k];
        if (i < closes[k].length && closes[k][i] < bestT) {
          bestT = closes[k][i];
          best2 = k;
        }
      }
      if (best2 < 0 || bestT > to) break;
      const signals = this.onBar(syms[best2], next[best2]++);
      for (const s of signals) {
        out.push(s);
        opts.onSignal?.(s);
      }
    }
    return out;
  }
};

// src/execution/trade-log.ts
var REASONS = ["signal", "stop_loss", "take_profit", "end_of_data", "liquidation"];
function reasonCode(r) {
  return r === "signal" ? 0 : r === "stop_loss" ? 1 : r === "take_profit" ? 2 : r === "end_of_data" ? 3 : 4;
}
var TradeLog = class {
  constructor(symbols) {
    this.symbols = symbols;
  }
  symbols;
  length = 0;
  /** Symbol index (into `symbols`), side (+1 long, −1 short), exit reason (into REASONS). */
  sym = new Int32Array(16);
  side = new Int8Array(16);
  reason = new Uint8Array(16);
  entryTs = new Float64Array(16);
  entryPrice = new Float64Array(16);
  exitTs = new Float64Array(16);
  exitPrice = new Float64Array(16);
  quantity = new Float64Array(16);
  pnls = new Float64Array(16);
  fees = new Float64Array(16);
  push(k, dir, entryTs, entryPrice, exitTs, exitPrice, quantity, pnl, fees, reason) {
    const i = this.length;
    if (i === this.pnls.length) this.grow();
    this.sym[i] = k;
    this.side[i] = dir;
    this.reason[i] = reasonCode(reason);
    this.entryTs[i] = entryTs;
    this.entryPrice[i] = entryPrice;
    this.exitTs[i] = exitTs;
    this.exitPrice[i] = exitPrice;
    this.quantity[i] = quantity;
    this.pnls[i] = pnl;
    this.fees[i] = fees;
    this.length = i + 1;
  }
  /** A record as given (a restored state's trades; the symbol must be one of the log's). */
  pushRecord(t) {
    const k = this.symbols.indexOf(t.symbol);
    if (k < 0) throw new RangeError(`trade of ${t.symbol}, which is not one of the simulator's symbols (${this.symbols.join(", ")})`);
    this.push(k, t.side === "LONG" ? 1 : -1, t.entryTs, t.entryPrice, t.exitTs ?? Number.NaN, t.exitPrice ?? Number.NaN, t.quantity, t.pnl, t.fees, t.exitReason ?? "signal");
  }
  grow() {
    const cap = this.pnls.length * 2;
    const more = (a, make) => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.sym = more(this.sym, (n) => new Int32Array(n));
    this.side = more(this.side, (n) => new Int8Array(n));
    this.reason = more(this.reason, (n) => new Uint8Array(n));
    this.entryTs = more(this.entryTs, (n) => new Float64Array(n));
    this.entryPrice = more(this.entryPrice, (n) => new Float64Array(n));
    this.exitTs = more(this.exitTs, (n) => new Float64Array(n));
    this.exitPrice = more(this.exitPrice, (n) => new Float64Array(n));
    this.quantity = more(this.quantity, (n) => new Float64Array(n));
    this.pnls = more(this.pnls, (n) => new Float64Array(n));
    this.fees = more(this.fees, (n) => new Float64Array(n));
  }
  /** Trade i as a record (a new object). */
  get(i) {
    const side = this.side[i] > 0 ? "LONG" : "SHORT";
    return {
      symbol: this.symbols[this.sym[i]],
      side,
      entryTs: this.entryTs[i],
      entryPrice: this.entryPrice[i],
      exitTs: this.exitTs[i],
      exitPrice: this.exitPrice[i],
      quantity: this.quantity[i],
      pnl: this.pnls[i],
      fees: this.fees[i],
      exitReason: REASONS[this.reason[i]]
    };
  }
  /** Every trade's net P&L in close order (a view: valid until the next push). */
  pnl() {
    return this.pnls.subarray(0, this.length);
  }
  /** Trades [from, length) as records. */
  records(from = 0) {
    const out = [];
    for (let i = from; i < this.length; i++) out.push(this.get(i));
    return out;
  }
  clear() {
    this.length = 0;
  }
};

// src/execution/simulator.ts
var OrderKind = { None: 0, Long: 1, Short: -1, Close: 2 };
var toNum = (v) => v === null || v === void 0 ? Number.NaN : v;
var toNullable = (v) => Number.isNaN(v) ? null : v;
var ExecutionSimulator = class _ExecutionSimulator {
  symbols;
  costs;
  initialCash;
  cash;
  fees = 0;
  realizedPnl = 0;
  /** Σ fill price × quantity over every fill (for turnover). */
  tradedNotional = 0;
  /** Deficits written off when a short cover cost more than the cash. */
  shortfall = 0;
  /** Closed trades in the order they closed, as columns (see trade-log.ts; `trades` gives them as records). */
  log;
  records = [];
  notes = [];
  // Per-symbol state, indexed like `symbols`.
  side;
  qty;
  entryPrice;
  entryTs;
  entryFee;
  stop;
  target;
  mark;
  pendingKind;
  pendingSize;
  pendingStop;
  pendingTarget;
  index = /* @__PURE__ */ new Map();
  constructor(symbols, cash, costs) {
    if (!(cash > 0) || !Number.isFinite(cash)) throw new RangeError(`starting cash must be a positive number, got ${cash}`);
    this.symbols = [...symbols];
    this.costs = { ...costs };
    this.initialCash = cash;
    this.cash = cash;
    const n = symbols.length;
    this.side = new Int8Array(n);
    this.qty = new Float64Array(n);
    this.entryPrice = new Float64Array(n);
    this.entryTs = new Float64Array(n);
    this.entryFee = new Float64Array(n);
    this.stop = new Float64Array(n).fill(Number.NaN);
    this.target = new Float64Array(n).fill(Number.NaN);
    this.mark = new Float64Array(n).fill(Number.NaN);
    this.pendingKind = new Int8Array(n);
    this.pendingSize = new Float64Array(n);
    this.pendingStop = new Float64Array(n).fill(Number.NaN);
    this.pendingTarget = new Float64Array(n).fill(Number.NaN);
    for (let i = 0; i < symbols.length; i++) this.index.set(symbols[i], i);
    this.log = new TradeLog(this.symbols);
  }
  /** Closed trades in the order they closed, as records (made on first use after a trade closes; do not modify). */
  get trades() {
    if (this.records.length !== this.log.length) this.records = this.records.concat(this.log.records(this.records.length));
    return this.records;
  }
  /** How many trades have closed. */
  get tradeCount() {
    return this.log.length;
  }
  /** Closed trade i as a record. */
  trade(i) {
    return this.log.get(i);
  }
  /** Every closed trade's net P&L in close order (a view, valid until the next trade closes). */
  tradePnls() {
    return this.log.pnl();
  }
  /** The closed trades, removed from the simulator (the paper trader stores them as they close). */
  drainTrades() {
    const out = this.log.records();
    this.log.clear();
    this.records = [];
    return out;
  }
  /** The index of a symbol, or -1. */
  indexOf(symbol) {
    return this.index.get(symbol) ?? -1;
  }
  /** Cash plus positions marked at the latest price (long adds, short subtracts). */
  equity() {
    let e = this.cash;
    for (let k = 0; k < this.side.length; k++) if (this.side[k] !== 0) e += this.side[k] * this.qty[k] * this.mark[k];
    return e;
  }
  /** Any position open. */
  inMarket() {
    for (let k = 0; k < this.side.length; k++) if (this.side[k] !== 0) return true;
    return false;
  }
  /** Queues a market order to fill at symbol k's next bar open; a later submit for the same symbol replaces it. */
  submit(k, kind, size, stopLoss, takeProfit) {
    this.pendingKind[k] = kind;
    this.pendingSize[k] = size;
    this.pendingStop[k] = toNum(stopLoss);
    this.pendingTarget[k] = toNum(takeProfit);
  }
  cancel(k) {
    this.pendingKind[k] = OrderKind.None;
  }
  /** One whole bar of one symbol: fill queued orders at the open, brackets over the range, mark at the close. */
  onBar(k, ts, open, high, low, close, volume) {
    this.mark[k] = open;
    if (this.pendingKind[k] !== OrderKind.None) this.fillPending(k, ts, open, volume);
    if (this.side[k] !== 0) this.checkBrackets(k, ts, open, high, low, volume);
    this.mark[k] = close;
  }
  markOpen(k, open) {
    this.mark[k] = open;
  }
  markClose(k, close) {
    this.mark[k] = close;
  }
  /** Fills the queued order of symbol k at this bar's open. */
  fillPending(k, ts, open, volume) {
    const kind = this.pendingKind[k];
    if (kind === OrderKind.None) return;
    this.pendingKind[k] = OrderKind.None;
    this.execute(k, kind, this.pendingSize[k], this.pendingStop[k], this.pendingTarget[k], ts, open, volume);
  }
  /**
   * Fills an order now at a reference price (the paper trader's path: the latest price stands for the open).
   * Slippage and fees apply as for a queued order.
   */
  executeNow(k, kind, size, stopLoss, takeProfit, ts, price, volume = Number.NaN) {
    this.mark[k] = price;
    this.execute(k, kind, size, toNum(stopLoss), toNum(takeProfit), ts, price, volume);
  }
  execute(k, kind, size, stop, target, ts, ref, volume) {
    const held = this.side[k];
    if (kind === OrderKind.Close) {
      if (held === 0) this.note(ts, k, "ignored", "CLOSE while flat");
      else this.exitAtMarket(k, ts, ref, volume, "signal");
      return;
    }
    const dir = kind === OrderKind.Long ? 1 : -1;
    if (held === dir) {
      this.note(ts, k, "ignored", `${dir > 0 ? "LONG" : "SHORT"} while already ${dir > 0 ? "long" : "short"}`);
      return;
    }
    if (held !== 0) this.exitAtMarket(k, ts, ref, volume, "signal");
    this.enter(k, dir, size, stop, target, ts, ref, volume);
  }
  enter(k, dir, size, stop, target, ts, ref, volume) {
    const f = this.costs.feeRate;
    const eq = this.equity();
    const refused = !(size > 0) || !Number.isFinite(size) ? `size ${size} is not a positive fraction of equity` : !(eq > 0) ? `equity ${eq} is not positive` : !(ref > 0) ? `no valid price (${ref})` : null;
    if (refused !== null) {
      this.note(ts, k, "rejected", refused);
      return;
    }
    let slip = this.costs.slippageRate;
    let price = dir > 0 ? ref * (1 + slip) : ref * (1 - slip);
    let q = size * eq / (price * (1 + f));
    if (this.costs.impact > 0) {
      slip = slippageFor(this.costs, q, volume);
      price = dir > 0 ? ref * (1 + slip) : ref * (1 - slip);
      q = size * eq / (price * (1 + f));
    }
    if (dir > 0) {
      if (!(this.cash > 0)) {
        this.note(ts, k, "rejected", `no cash to buy (cash ${this.cash})`);
        return;
      }
      if (price * q * (1 + f) > this.cash) {
        const wanted = q;
        q = this.cash / (price * (1 + f));
        if (wanted - q > wanted * 1e-12) this.note(ts, k, "reduced", `quantity ${wanted} reduced to ${q}: cash ${this.cash} pays for no more`);
      }
    }
    const fee = price * q * f;
    if (dir > 0) {
      this.cash -= price * q + fee;
      if (this.cash < 0) this.cash = 0;
    } else {
      this.cash += price * q - fee;
    }
    this.fees += fee;
    this.tradedNotional += price * q;
    this.side[k] = dir;
    this.qty[k] = q;
    this.entryPrice[k] = price;
    this.entryTs[k] = ts;
    this.entryFee[k] = fee;
    this.stop[k] = stop;
    this.target[k] = target;
  }
  /** Market exit at a reference price (an open, or the paper trader's latest price). */
  exitAtMarket(k, ts, ref, volume, reason) {
    const slip = slippageFor(this.costs, this.qty[k], volume);
    this.exit(k, ts, this.side[k] > 0 ? ref * (1 - slip) : ref * (1 + slip), reason);
  }
  /** Stop-loss and take-profit of symbol k against one bar (see the rules at the top). */
  checkBrackets(k, ts, open, high, low, volume) {
    const dir = this.side[k];
    if (dir === 0) return;
    const stop = this.stop[k];
    const target = this.target[k];
    if (dir > 0) {
      if (open <= stop) this.exitAtMarket(k, ts, open, volume, "stop_loss");
      else if (open >= target) this.exit(k, ts, open, "take_profit");
      else if (low <= stop) this.exitAtMarket(k, ts, stop, volume, "stop_loss");
      else if (high >= target) this.exit(k, ts, target, "take_profit");
    } else {
      if (open >= stop) this.exitAtMarket(k, ts, open, volume, "stop_loss");
      else if (open <= target) this.exit(k, ts, open, "take_profit");
      else if (high >= stop) this.exitAtMarket(k, ts, stop, volume, "stop_loss");
      else if (low <= target) this.exit(k, ts, target, "take_profit");
    }
  }
  /** Closes symbol k's position at a fill price (slippage already in it). */
  exit(k, ts, price, reason) {
    const dir = this.side[k];
    const q = this.qty[k];
    const fee = price * q * this.costs.feeRate;
    const gross = dir > 0 ? (price - this.entryPrice[k]) * q : (this.entryPrice[k] - price) * q;
    const pnl = gross - this.entryFee[k] - fee;
    if (dir > 0) this.cash += price * q - fee;
    else this.cash -= price * q + fee;
    if (this.cash < 0) {
      this.shortfall -= this.cash;
      this.note(ts, k, "shortfall", `covering cost ${-this.cash} more than the cash; account blown, deficit written off`);
      this.cash = 0;
    }
    this.fees += fee;
    this.realizedPnl += pnl;
    this.tradedNotional += price * q;
    this.log.push(k, dir, this.entryTs[k], this.entryPrice[k], ts, price, q, pnl, this.entryFee[k] + fee, reason);
    this.side[k] = 0;
    this.qty[k] = 0;
    this.stop[k] = Number.NaN;
    this.target[k] = Number.NaN;
  }
  /** Changes the brackets of an open position (the paper trader's manual adjustments; risk-adjusted stops). */
  setBrackets(k, stopLoss, takeProfit) {
    this.stop[k] = toNum(stopLoss);
    this.target[k] = toNum(takeProfit);
  }
  /** Unrealized P&L of symbol k, net of its entry fee (what its pnl would read closed at the mark, no exit cost). */
  unrealizedPnl(k) {
    const dir = this.side[k];
    if (dir === 0) return 0;
    return dir * (this.mark[k] - this.entryPrice[k]) * this.qty[k] - this.entryFee[k];
  }
  /** Open positions as trades marked at the latest price, exit reason `end_of_data` (not sold: no exit cost). */
  openTrades(ts) {
    const out = [];
    for (let k = 0; k < this.side.length; k++) {
      if (this.side[k] === 0) continue;
      out.push({
        symbol: this.symbols[k],
        side: this.side[k] > 0 ? "LONG" : "SHORT",
        entryTs: this.entryTs[k],
        entryPrice: this.entryPrice[k],
        exitTs: ts,
        exitPrice: this.mark[k],
        quantity: this.qty[k],
        pnl: this.unrealizedPnl(k),
        fees: this.entryFee[k],
        exitReason: "end_of_data"
      });
    }
    return out;
  }
  note(ts, k, kind, reason) {
    this.notes.push({ ts, symbol: this.symbols[k], kind, reason });
  }
  state() {
    const arr = (a) => Array.from(a);
    return {
      symbols: [...this.symbols],
      initialCash: this.initialCash,
      costs: { ...this.costs },
      cash: this.cash,
      fees: this.fees,
      realizedPnl: this.realizedPnl,
      tradedNotional: this.tradedNotional,
      shortfall: this.shortfall,
      side: arr(this.side),
      qty: arr(this.qty),
      entryPrice: arr(this.entryPrice),
      entryTs: arr(this.entryTs),
      entryFee: arr(this.entryFee),
      stop: arr(this.stop),
      target: arr(this.target),
      mark: arr(this.mark),
      pendingKind: arr(this.pendingKind),
      pendingSize: arr(this.pendingSize),
      pendingStop: arr(this.pendingStop),
      pendingTarget: arr(this.pendingTarget),
      trades: this.trades.map((t) => ({ ...t })),
      notes: this.notes.map((n) => ({ ...n }))
    };
  }
  /** Rebuilds a simulator from `state()` output (NaN may arrive as null after JSON: both mean "none"). */
  static restore(s) {
    const sim = new _ExecutionSimulator(s.symbols, s.initialCash, s.costs);
    sim.cash = s.cash;
    sim.fees = s.fees;
    sim.realizedPnl = s.realizedPnl;
    sim.tradedNotional = s.tradedNotional;
    sim.shortfall = s.shortfall;
    const put = (dst, src) => {
      for (let i = 0; i < src.length; i++) dst[i] = toNum(src[i]);
    };
    put(sim.side, s.side);
    put(sim.qty, s.qty);
    put(sim.entryPrice, s.entryPrice);
    put(sim.entryTs, s.entryTs);
    put(sim.entryFee, s.entryFee);
    put(sim.stop, s.stop);
    put(sim.target, s.target);
    put(sim.mark, s.mark);
    put(sim.pendingKind, s.pendingKind);
    put(sim.pendingSize, s.pendingSize);
    put(sim.pendingStop, s.pendingStop);
    put(sim.pendingTarget, s.pendingTarget);
    for (const t of s.trades) sim.log.pushRecord(t);
    sim.notes.push(...s.notes.map((n) => ({ ...n })));
    return sim;
  }
  /** The portfolio as the risk orchestrator sees it; peak and day-start equity are tracked by the driver. */
  snapshot(ts, peakEquity, dayStartEquity) {
    const positions = [];
    for (let k = 0; k < this.side.length; k++) {
      if (this.side[k] === 0) continue;
      positions.push({
        symbol: this.symbols[k],
        side: this.side[k] > 0 ? "LONG" : "SHORT",
        quantity: this.qty[k],
        avgPrice: this.entryPrice[k],
        entryTs: this.entryTs[k],
        ...this.brackets(k),
        marketPrice: this.mark[k]
      });
    }
    return { ts, cash: this.cash, equity: this.equity(), peakEquity, dayStartEquity, positions };
  }
  /** Brackets of symbol k as nullable numbers (for snapshots). */
  brackets(k) {
    return { stopLoss: toNullable(this.stop[k]), takeProfit: toNullable(this.target[k]) };
  }
};

// src/backtest/engine.ts
var BacktestFailure = class extends MtsError {
  constructor(message, details, cause) {
    super("give_up", "E_BACKTEST_STRATEGY", message, details, { cause });
  }
};
function firstAfter(ts, n, x, orEqual) {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (ts[mid] < x || orEqual && ts[mid] === x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function timeline(base, from, to) {
  const cols = [...base.values()];
  if (cols.length === 1) {
    const c2 = cols[0];
    const a = firstAfter(c2.ts, c2.length, from, false);
    const b = firstAfter(c2.ts, c2.length, to, true);
    return c2.ts.subarray(a, Math.max(a, b));
  }
  const all = /* @__PURE__ */ new Set();
  for (const c2 of cols) for (let i = 0; i < c2.length; i++) if (c2.ts[i] >= from && c2.ts[i] <= to) all.add(c2.ts[i]);
  return Float64Array.from(all).sort();
}
var Backtest = class {
  constructor(s) {
    this.s = s;
    this.symbols = [...s.base.keys()];
    this.cols = this.symbols.map((sym) => s.base.get(sym));
    this.colTs = this.cols.map((c2) => c2.ts);
    this.colOpen = this.cols.map((c2) => c2.open);
    this.colHigh = this.cols.map((c2) => c2.high);
    this.colLow = this.cols.map((c2) => c2.low);
    this.colClose = this.cols.map((c2) => c2.close);
    this.colVolume = this.cols.map((c2) => c2.volume);
    this.colLength = Int32Array.from(this.cols, (c2) => c2.length);
    this.sim = new ExecutionSimulator(this.symbols, s.cash, s.costs);
  }
  s;
  sim;
  symbols;
  cols;
  /** The columns of `cols` taken out once: the loop reads typed arrays, not fields of objects of varying shape. */
  colTs;
  colOpen;
  colHigh;
  colLow;
  colClose;
  colVolume;
  colLength;
  /** Per symbol: the next base bar not yet opened (so the latest bar seen is ptr − 1). */
  ptr = new Int32Array(0);
  lastSymbol = "";
  lastK = -1;
  /** The sum of the values the loop reads ahead (kept, so that the compiler cannot drop those reads). */
  readAhead = 0;
  /** The position held in a symbol, for the strategy's `ctx.position()`. */
  positionOf = (symbol) => {
    let k = this.lastK;
    if (symbol !== this.lastSymbol) {
      k = this.sim.indexOf(symbol);
      this.lastSymbol = symbol;
      this.lastK = k;
    }
    if (k < 0) return null;
    const side = this.sim.side[k];
    return side > 0 ? "LONG" : side < 0 ? "SHORT" : null;
  };
  run(decider) {
    const { sim, cols, s } = this;
    const n = cols.length;
    const times = timeline(s.base, s.from ?? Number.NEGATIVE_INFINITY, s.to ?? Number.POSITIVE_INFINITY);
    const steps = times.length;
    const writeCurve = s.curve !== false && steps > 0;
    const curveTs = new Float64Array(writeCurve ? steps + 1 : 0);
    const curveEquity = new Float64Array(writeCurve ? steps + 1 : 0);
    const out = { sim, curveTs, curveEquity, stats: new CurveStats().finish(), steps, stepsInMarket: 0, from: steps ? times[0] : Number.NaN, to: steps ? times[steps - 1] + s.baseMs : Number.NaN, signals: 0, rejections: [], unfilled: 0 };
    if (steps === 0) return out;
    const curveStats = new CurveStats();
    curveStats.add(times[0], s.cash);
    if (writeCurve) {
      curveTs[0] = times[0];
      curveEquity[0] = s.cash;
    }
    const ptr = new Int32Array(n);
    this.ptr = ptr;
    const cur = new Int32Array(n);
    for (let k = 0; k < n; k++) while (ptr[k] < cols[k].length && cols[k].ts[ptr[k]] < times[0]) ptr[k]++;
    const dSyms = decider.symbols;
    const dBars = dSyms.map((sym) => decider.bars(sym));
    const dTs = dBars.map((b) => b.ts);
    const dLength = Int32Array.from(dBars, (b) => b.length);
    const dFirst = Int32Array.from(dSyms, (sym) => decider.firstIndex(sym));
    const dActive = dSyms.map((sym) => decider.activeBars?.(sym));
    const dNext = new Int32Array(dSyms.length);
    const stratMs = decider.barMs;
    for (let d = 0; d < dSyms.length; d++) {
      while (dNext[d] < dLength[d] && dTs[d][dNext[d]] + stratMs <= times[0]) dNext[d]++;
    }
    let peak = s.cash;
    let nextDay = utcDay(times[0]) + DAY_MS;
    let dayStart = s.cash;
    let tradesSeen = 0;
    const progressEvery = Math.max(1, Math.floor(steps / 100));
    let progressLeft = progressEvery;
    const { side, qty, mark } = sim;
    const clock = s.clock;
    const onProgress = s.onProgress;
    const tradeClosed = s.risk?.tradeClosed ? (t) => s.risk?.tradeClosed?.(t) : void 0;
    const nDecided = dSyms.length;
    if (n === 1 && nDecided === 1 && dSyms[0] === this.symbols[0] && s.loop !== "general") {
      const ctl = { clock, onProgress, tradeClosed, progressEvery, stats: curveStats, curve: writeCurve };
      this.runOne(decider, times, dBars[0], dFirst[0], dNext[0], dActive[0], ctl, out);
      if (sim.pendingKind[0] !== OrderKind.None) out.unfilled++;
      out.stats = curveStats.finish();
      s.onProgress?.(steps, steps);
      return out;
    }
    for (let step = 0; step < steps; step++) {
      const t = times[step];
      const closeTime = t + s.baseMs;
      if (clock) clock.set(t);
      this.market(t, cur);
      if (clock) clock.set(closeTime);
      let equity = sim.cash;
      let held = false;
      for (let k = 0; k < n; k++) {
        const sd = side[k];
        if (sd !== 0) {
          equity += sd * qty[k] * mark[k];
          held = true;
        }
      }
      if (equity > peak) peak = equity;
      if (closeTime >= nextDay) {
        dayStart = equity;
        nextDay = utcDay(closeTime) + DAY_MS;
      }
      if (tradeClosed && sim.tradeCount > tradesSeen) {
        for (; tradesSeen < sim.tradeCount; tradesSeen++) tradeClosed(sim.trade(tradesSeen));
      }
      for (let d = 0; d < nDecided; d++) {
        const ts = dTs[d];
        const len = dLength[d];
        for (let idx = dNext[d]; idx < len && ts[idx] + stratMs <= closeTime; idx = dNext[d]) {
          dNext[d] = idx + 1;
          if (idx < dFirst[d]) continue;
          const active = dActive[d];
          if (active !== void 0 && active[idx] === 0) continue;
          let signals;
          try {
            signals = decider.onBar(dSyms[d], idx);
          } catch (err) {
            throw this.failure(err, dSyms[d], idx, ts[idx] + stratMs);
          }
          for (let j = 0; j < signals.length; j++) this.order(signals[j], closeTime, peak, dayStart, out);
        }
      }
      if (held) out.stepsInMarket++;
      curveStats.add(closeTime, equity);
      if (writeCurve) {
        curveTs[step + 1] = closeTime;
        curveEquity[step + 1] = equity;
      }
      if (onProgress && --progressLeft === 0) {
        progressLeft = progressEvery;
        onProgress(step, steps);
      }
    }
    for (let k = 0; k < n; k++) if (sim.pendingKind[k] !== OrderKind.None) out.unfilled++;
    out.stats = curveStats.finish();
    s.onProgress?.(steps, steps);
    return out;
  }
  /**
   * The loop of `run` for one symbol traded and decided on (the common case: a single-asset backtest), with the
   * same events in the same order; it skips the per-step search for which symbols have a bar (every step is the
   * next base bar) and the loops over symbols, and keeps its state in locals.
   */
  runOne(decider, times, bars, first, next, active, ctl, out) {
    const { sim, s, ptr } = this;
    const col = this.cols[0];
    const open = col.open;
    const high = col.high;
    const low = col.low;
    const close = col.close;
    const volume = col.volume;
    const { side, qty, mark, pendingKind } = sim;
    const { clock, onProgress, tradeClosed, progressEvery, stats } = ctl;
    const writeCurve = ctl.curve;
    const symbol = this.symbols[0];
    const baseMs = s.baseMs;
    const stratMs = decider.barMs;
    const dTs = bars.ts;
    const dLen = bars.length;
    const curveTs = out.curveTs;
    const curveEquity = out.curveEquity;
    const steps = times.length;
    let i = ptr[0];
    let peak = s.cash;
    let nextDay = utcDay(times[0]) + DAY_MS;
    let dayStart = s.cash;
    let tradesSeen = 0;
    let inMarket = 0;
    let progressLeft = progressEvery;
    const { pendingKind: pk, stop, target } = sim;
    const quiet = active !== void 0 && !clock && !onProgress && !s.risk && dTs === col.ts && stratMs === baseMs;
    const impact = sim.costs.impact > 0;
    const riskOn = !!s.risk;
    let at = -1;
    let openAt = 0;
    let closeAt = 0;
    for (let step = 0; step < steps; step++, i++) {
      if (quiet && next === i && pk[0] === 0) {
        const sd2 = side[0];
        if (sd2 === 0 || Number.isNaN(stop[0]) && Number.isNaN(target[0])) {
          const lim = Math.min(i + steps - step, dLen - 1);
          let j = i < first ? Math.min(first, lim) : i;
          let ahead = 0;
          if (sd2 === 0) {
            while (j + 8 <= lim && active[j] === 0 && active[j + 1] === 0 && active[j + 2] === 0 && active[j + 3] === 0 && active[j + 4] === 0 && active[j + 5] === 0 && active[j + 6] === 0 && active[j + 7] === 0) {
              ahead += dTs[j + 8] + open[j + 8] + close[j + 8];
              j += 8;
            }
          } else {
            while (j + 8 <= lim && active[j] === 0 && active[j + 1] === 0 && active[j + 2] === 0 && active[j + 3] === 0 && active[j + 4] === 0 && active[j + 5] === 0 && active[j + 6] === 0 && active[j + 7] === 0) {
              ahead += open[j + 8];
              j += 8;
            }
          }
          while (j < lim && active[j] === 0) j++;
          this.readAhead += ahead;
          const tj = dTs[j];
          openAt = open[j];
          closeAt = close[j];
          at = j;
          if (j > i && !(tj > dTs[j - 1])) j--;
          if (j > i) {
            const cash = sim.cash;
            const sq = sd2 * qty[0];
            if (sd2 === 0) stats.addConstant(dTs, i, j, baseMs, cash);
            else {
              stats.addMarked(dTs, close, i, j, baseMs, cash, sq);
              inMarket += j - i;
            }
            if (writeCurve) {
              for (let k = i, p = step + 1; k < j; k++, p++) {
                curveTs[p] = dTs[k] + baseMs;
                curveEquity[p] = sd2 === 0 ? cash : cash + sq * close[k];
              }
            }
            step += j - i;
            i = j;
            ptr[0] = i;
            next = i;
            mark[0] = close[i - 1];
            if (step === steps) break;
          }
        }
      }
      const t = times[step];
      const closeTime = t + baseMs;
      if (clock) clock.set(t);
      ptr[0] = i + 1;
      const o = at === i ? openAt : open[i];
      const c2 = at === i ? closeAt : close[i];
      if (pendingKind[0] !== 0) {
        mark[0] = o;
        sim.fillPending(0, t, o, impact ? volume[i] : Number.NaN);
      }
      if (side[0] !== 0 && !(Number.isNaN(stop[0]) && Number.isNaN(target[0]))) {
        mark[0] = o;
        sim.checkBrackets(0, t, o, high[i], low[i], impact ? volume[i] : Number.NaN);
      }
      mark[0] = c2;
      if (clock) clock.set(closeTime);
      let equity = sim.cash;
      const sd = side[0];
      if (sd !== 0) equity += sd * qty[0] * mark[0];
      if (riskOn) {
        if (equity > peak) peak = equity;
        if (closeTime >= nextDay) {
          dayStart = equity;
          nextDay = utcDay(closeTime) + DAY_MS;
        }
      }
      if (tradeClosed && sim.tradeCount > tradesSeen) {
        for (; tradesSeen < sim.tradeCount; tradesSeen++) tradeClosed(sim.trade(tradesSeen));
      }
      for (let idx = next; idx < dLen && dTs[idx] + stratMs <= closeTime; idx = next) {
        next = idx + 1;
        if (idx < first || active !== void 0 && active[idx] === 0) continue;
        let signals;
        try {
          signals = decider.onBar(symbol, idx);
        } catch (err) {
          throw this.failure(err, symbol, idx, dTs[idx] + stratMs);
        }
        for (let j = 0; j < signals.length; j++) this.order(signals[j], closeTime, peak, dayStart, out);
      }
      if (sd !== 0) inMarket++;
      stats.add(closeTime, equity);
      if (writeCurve) {
        curveTs[step + 1] = closeTime;
        curveEquity[step + 1] = equity;
      }
      if (onProgress && --progressLeft === 0) {
        progressLeft = progressEvery;
        onProgress(step, steps);
      }
    }
    out.stepsInMarket = inMarket;
  }
  failure(err, symbol, idx, when) {
    const msg = err instanceof Error ? err.message : String(err);
    return new BacktestFailure(`backtest stopped at bar ${idx} of ${symbol} (${isoTime(when)}): ${msg}`, { bar: idx, ts: when, symbol, error: msg }, err);
  }
  /** The market events of one moment: each symbol with a bar at t opens (fills), trades its range (brackets), closes. */
  market(t, cur) {
    const { sim, ptr, colTs, colOpen, colLength } = this;
    const n = colTs.length;
    const mark = sim.mark;
    for (let k = 0; k < n; k++) {
      const i = ptr[k];
      if (i < colLength[k] && colTs[k][i] === t) {
        cur[k] = i;
        ptr[k] = i + 1;
        mark[k] = colOpen[k][i];
      } else cur[k] = -1;
    }
    for (let k = 0; k < n; k++) {
      const i = cur[k];
      if (i < 0) continue;
      if (sim.pendingKind[k] !== 0) sim.fillPending(k, t, colOpen[k][i], this.colVolume[k][i]);
      if (sim.side[k] !== 0) sim.checkBrackets(k, t, colOpen[k][i], this.colHigh[k][i], this.colLow[k][i], this.colVolume[k][i]);
      mark[k] = this.colClose[k][i];
    }
  }
  /** Turns one signal into a queued order, through the risk gate for entries. */
  order(signal, now, peak, dayStart, out) {
    const { sim, s } = this;
    const override = s.sizeOverride !== void 0 && s.sizeOverride !== null && signal.side !== "CLOSE";
    const sig = override && s.risk ? { ...signal, size: s.sizeOverride } : signal;
    out.signals++;
    let k = this.lastK;
    if (sig.symbol !== this.lastSymbol) {
      k = sim.indexOf(sig.symbol);
      this.lastSymbol = sig.symbol;
      this.lastK = k;
    }
    if (k < 0) {
      throw new BacktestFailure(`strategy signalled ${sig.symbol} at ${isoTime(now)}, which has no base candles loaded (symbols: ${this.symbols.join(", ")})`, { symbol: sig.symbol, ts: now }, void 0);
    }
    if (sig.side === "CLOSE") {
      sim.submit(k, OrderKind.Close, 0, null, null);
      return;
    }
    const kind = sig.side === "LONG" ? OrderKind.Long : OrderKind.Short;
    if (sim.side[k] === kind) return;
    let size = override ? s.sizeOverride : sig.size;
    let stop = sig.stopLoss;
    let target = sig.takeProfit;
    if (s.risk) {
      const window = { candles: this.cols[k], index: this.ptr[k] - 1, baseMs: s.baseMs };
      const d = s.risk.decide(sig, sim.snapshot(now, peak, dayStart), window);
      if (!d.approved) {
        out.rejections.push({ ts: now, symbol: sig.symbol, side: sig.side, reasons: d.reasons });
        return;
      }
      size = d.size;
      stop = d.stopLoss;
      target = d.takeProfit;
    }
    sim.submit(k, kind, size, stop, target);
  }
};

// src/core/assets.ts
var DEFAULT_ASSETS = Object.freeze([
  { base: "BTC", symbol: "BTC/USDT", coingeckoId: "bitcoin", name: "Bitcoin", sector: "L1" },
  { base: "ETH", symbol: "ETH/USDT", coingeckoId: "ethereum", name: "Ethereum", sector: "L1" },
  { base: "BNB", symbol: "BNB/USDT", coingeckoId: "binancecoin", name: "BNB", sector: "exchange" },
  { base: "SOL", symbol: "SOL/USDT", coingeckoId: "solana", name: "Solana", sector: "L1" },
  { base: "XRP", symbol: "XRP/USDT", coingeckoId: "ripple", name: "XRP", sector: "payments" },
  { base: "DOGE", symbol: "DOGE/USDT", coingeckoId: "dogecoin", name: "Dogecoin", sector: "meme" },
  { base: "ADA", symbol: "ADA/USDT", coingeckoId: "cardano", name: "Cardano", sector: "L1" },
  { base: "AVAX", symbol: "AVAX/USDT", coingeckoId: "avalanche-2", name: "Avalanche", sector: "L1" },
  { base: "DOT", symbol: "DOT/USDT", coingeckoId: "polkadot", name: "Polkadot", sector: "L1" },
  { base: "LINK", symbol: "LINK/USDT", coingeckoId: "chainlink", name: "Chainlink", sector: "defi" }
].map((a) => Object.freeze(a)));
var byBase = new Map(DEFAULT_ASSETS.map((a) => [a.base, a]));
var byCoingecko = new Map(DEFAULT_ASSETS.map((a) => [a.coingeckoId, a]));

// src/risk/heat.ts
function stopDistance(side, price, stop, noStop) {
  if (stop === null || !Number.isFinite(stop) || !(price > 0)) return noStop;
  const d = side === "LONG" ? (price - stop) / price : (stop - price) / price;
  return Math.max(d, 0);
}
function positionHeat(p, noStop) {
  const value = Math.abs(p.quantity) * p.marketPrice;
  return value * stopDistance(p.side, p.marketPrice, p.stopLoss, noStop);
}

// src/risk/exposure.ts
var defaultSectorByBase = new Map(DEFAULT_ASSETS.map((a) => [a.base, a.sector]));
var sectorCache = /* @__PURE__ */ new WeakMap();
var lastRisk = null;
var lastCache = /* @__PURE__ */ new Map();
function sectorCacheFor(risk) {
  if (lastRisk !== risk) {
    lastCache = sectorCache.get(risk) ?? /* @__PURE__ */ new Map();
    sectorCache.set(risk, lastCache);
    lastRisk = risk;
  }
  return lastCache;
}
function classify(symbol, risk, cache) {
  const base = symbol.split("/")[0].toUpperCase();
  const sector = risk.sectors[symbol] ?? risk.sectors[base] ?? defaultSectorByBase.get(base) ?? base;
  cache.set(symbol, sector);
  return sector;
}
function scanBook(symbol, side, portfolio, market, risk) {
  const sectors = sectorCacheFor(risk);
  const sector = sectors.get(symbol) ?? classify(symbol, risk, sectors);
  const noStop = risk.noStopDistance;
  const correlations = market.correlations;
  let heatMoney = 0;
  let assetMoney = 0;
  let sectorMoney = 0;
  let maxCorrelation = Number.NEGATIVE_INFINITY;
  let correlatedWith = null;
  const ps = portfolio.positions;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    const sameSymbol = p.symbol === symbol;
    if (sameSymbol && p.side !== side) continue;
    const value = Math.abs(p.quantity) * p.marketPrice;
    heatMoney += value * stopDistance(p.side, p.marketPrice, p.stopLoss, noStop);
    if (sameSymbol) {
      assetMoney += value;
      sectorMoney += value;
      continue;
    }
    if ((sectors.get(p.symbol) ?? classify(p.symbol, risk, sectors)) === sector) sectorMoney += value;
    if (correlations !== void 0) {
      const c2 = correlations[p.symbol];
      if (c2 !== void 0 && Number.isFinite(c2)) {
        const adjusted = p.side === side ? c2 : -c2;
        if (adjusted > maxCorrelation) {
          maxCorrelation = adjusted;
          correlatedWith = p.symbol;
        }
      }
    }
  }
  const equity = portfolio.equity;
  return {
    heat: shareOf(heatMoney, equity),
    asset: shareOf(assetMoney, equity),
    sector,
    sectorExposure: shareOf(sectorMoney, equity),
    maxCorrelation,
    correlatedWith
  };
}
function shareOf(money, equity) {
  return money === 0 ? 0 : equity > 0 ? money / equity : Number.POSITIVE_INFINITY;
}

// src/risk/levels.ts
var SQRT_3652 = Math.sqrt(365);
function unit(x) {
  return Math.min(Math.max(x, 0), 1);
}
function riskScore(c2, risk) {
  const w = risk.levelWeights;
  const vol = Number.isFinite(c2.annualVolatility) ? c2.annualVolatility / SQRT_3652 : 0;
  return w.position * unit(c2.position) + w.heat * unit(c2.heat) + w.drawdown * unit(c2.drawdown) + w.volatility * unit(vol) + w.correlation * unit(Number.isFinite(c2.correlation) ? c2.correlation : 0);
}
function levelOf(score, risk) {
  const t = risk.levelThresholds;
  return score <= t.low ? "LOW" : score <= t.medium ? "MEDIUM" : score <= t.high ? "HIGH" : "CRITICAL";
}

// src/risk/market.ts
function marketStateAt(c2, index, w) {
  const state = { price: c2.close[index] };
  const barsPerDay = DAY_MS / timeframeMs(w.timeframe);
  const atrPeriod = w.atrPeriod ?? 14;
  if (index >= atrPeriod) {
    let sum = 0;
    for (let i = index - atrPeriod + 1; i <= index; i++) {
      const prev = c2.close[i - 1];
      sum += Math.max(c2.high[i] - c2.low[i], Math.abs(c2.high[i] - prev), Math.abs(c2.low[i] - prev));
    }
    state.atr = sum / atrPeriod;
  }
  const volBars = Math.min(index, Math.max(2, Math.round((w.volatilityDays ?? 30) * barsPerDay)));
  if (volBars >= 2) {
    let mean2 = 0;
    for (let i = index - volBars + 1; i <= index; i++) mean2 += Math.log(c2.close[i] / c2.close[i - 1]);
    mean2 /= volBars;
    let ss = 0;
    for (let i = index - volBars + 1; i <= index; i++) {
      const r = Math.log(c2.close[i] / c2.close[i - 1]) - mean2;
      ss += r * r;
    }
    state.volatility = Math.sqrt(ss / (volBars - 1)) * Math.sqrt(365 * barsPerDay);
  }
  const volumeBars = Math.min(index + 1, Math.max(1, Math.round((w.volumeDays ?? 30) * barsPerDay)));
  let traded = 0;
  for (let i = index - volumeBars + 1; i <= index; i++) traded += c2.close[i] * c2.volume[i];
  state.avgDailyVolume = traded / volumeBars * barsPerDay;
  return state;
}
var logReturnsOf = /* @__PURE__ */ new WeakMap();
function closeToClose(close) {
  let r = logReturnsOf.get(close);
  if (!r) {
    r = new Float64Array(close.length);
    r[0] = Number.NaN;
    for (let i = 1; i < close.length; i++) r[i] = Math.log(close[i] / close[i - 1]);
    logReturnsOf.set(close, r);
  }
  return r;
}
function returnCorrelation(a, ia, b, ib, bars) {
  const ra = closeToClose(a.close);
  const rb = closeToClose(b.close);
  let i = ia;
  let j = ib;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  const from = a.ts[Math.max(1, ia - bars + 1)];
  while (i > 0 && j > 0 && a.ts[i] >= from && b.ts[j] >= from) {
    if (a.ts[i] > b.ts[j]) i--;
    else if (b.ts[j] > a.ts[i]) j--;
    else {
      if (a.ts[i - 1] === b.ts[j - 1]) {
        const x = ra[i];
        const y = rb[j];
        n++;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
      }
      i--;
      j--;
    }
  }
  if (n < 3) return Number.NaN;
  const cov = sxy - sx * sy / n;
  const vx = sxx - sx * sx / n;
  const vy = syy - sy * sy / n;
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : Number.NaN;
}

// src/risk/sizing.ts
function clampConfidence(c2) {
  return Number.isNaN(c2) ? 0 : Math.min(Math.max(c2, 0), 1);
}
function kellyFraction(stats) {
  if (stats.trades <= 0 || stats.wins <= 0) return -1;
  const w = stats.wins / stats.trades;
  const losses = stats.trades - stats.wins;
  if (losses <= 0 || stats.grossLoss <= 0) return w;
  const payoff = stats.grossWin / stats.wins / (stats.grossLoss / losses);
  return w - (1 - w) / payoff;
}
function halfKelly(stats, kellyCap) {
  const half = kellyFraction(stats) / 2;
  return half <= 0 ? 0 : Math.min(half, kellyCap);
}
function liquidityCap(equity, market, risk) {
  const adv = market.avgDailyVolume;
  if (adv === void 0 || !Number.isFinite(adv) || adv < 0 || !(equity > 0)) return Number.POSITIVE_INFINITY;
  return risk.sizing.maxShareOfVolume * adv / equity;
}
function usesSignalSize(signal, risk) {
  return risk.sizing.useSignalSize && signal.size > 0 && Number.isFinite(signal.size);
}
function fixedSize(signal, risk) {
  return usesSignalSize(signal, risk) ? signal.size : risk.sizing.fixedFraction * clampConfidence(signal.confidence);
}
function desiredSize(signal, market, risk, stats) {
  const s = risk.sizing;
  const confidence = clampConfidence(signal.confidence);
  const fixedMethod = usesSignalSize(signal, risk) ? "signal" : "fixed";
  let raw = 0;
  let method = fixedMethod;
  let note = null;
  if (s.method === "half_kelly" && stats && stats.trades >= s.kellyMinTrades) {
    const k = halfKelly(stats, s.kellyCap);
    if (k === 0) note = `half-Kelly is 0 for ${signal.strategy} (${stats.wins}/${stats.trades} wins): no edge, sized at the minimum position`;
    raw = k * confidence;
    method = "half_kelly";
  } else if (s.method === "vol_target") {
    const vol = market.volatility;
    if (vol !== void 0 && vol > 0 && Number.isFinite(vol)) {
      raw = s.volTarget / vol * confidence;
      method = "vol_target";
    } else note = `no volatility for ${signal.symbol}: vol_target fell back to ${fixedMethod} sizing`;
  }
  if (method === "fixed" || method === "signal") raw = fixedSize(signal, risk);
  const size = raw < risk.minPosition ? risk.minPosition : Math.min(raw, risk.maxPosition);
  return { size, method, note };
}

// src/risk/stops.ts
var SQRT_3653 = Math.sqrt(365);
function onStopSide(side, price, level2) {
  return side === "LONG" ? level2 < price : level2 > price;
}
function volatilityStopDistance(price, market, multiple) {
  if (market.atr !== void 0 && market.atr > 0 && Number.isFinite(market.atr)) return multiple * market.atr;
  const vol = market.volatility;
  if (vol !== void 0 && vol > 0 && Number.isFinite(vol)) return multiple * price * vol / SQRT_3653;
  return Number.NaN;
}
function bracketFor(side, price, signalStop, signalTarget, market, risk) {
  let note = null;
  let stop = null;
  if (signalStop !== null && Number.isFinite(signalStop) && signalStop > 0) {
    if (onStopSide(side, price, signalStop)) stop = signalStop;
    else note = `the signal's stop ${signalStop} is on the wrong side of price ${price} for ${side}; using the volatility stop`;
  }
  if (stop === null) {
    const away = volatilityStopDistance(price, market, risk.atrStopMultiple);
    if (away > 0) stop = side === "LONG" ? Math.max(0, price - away) : price + away;
  }
  const risked = stop === null ? Number.NaN : Math.abs(price - stop);
  let target = null;
  if (signalTarget !== null && Number.isFinite(signalTarget) && signalTarget > 0) {
    if (!onStopSide(side, price, signalTarget)) target = signalTarget;
    else note = `the signal's target ${signalTarget} is on the wrong side of price ${price} for ${side}; using the minimum reward/risk`;
  }
  if (target === null && risked > 0) {
    const reward = risk.minRewardRisk * risked;
    target = side === "LONG" ? price + reward : Math.max(0, price - reward);
  }
  return {
    stopLoss: stop,
    takeProfit: target,
    distance: risked > 0 ? risked / price : null,
    rewardRisk: target !== null && risked > 0 ? Math.abs(target - price) / risked : null,
    note
  };
}

// src/risk/validator.ts
function pct(x) {
  return Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : String(x);
}
function exceeds(value, bound) {
  return value > bound + 1e-12 * Math.max(Math.abs(bound), 1);
}
function breach(out, limit, value, bound, text) {
  out.push({ limit, value, bound, message: `${limit}: ${text}` });
}
function drawdownOf(p) {
  return p.peakEquity > 0 ? Math.max(0, 1 - p.equity / p.peakEquity) : 0;
}
function dayLowOf(p) {
  return p.dayLowEquity !== void 0 && p.dayLowEquity < p.equity ? p.dayLowEquity : p.equity;
}
function dailyLossOf(p) {
  return p.dayStartEquity > 0 ? Math.max(0, 1 - dayLowOf(p) / p.dayStartEquity) : 0;
}
function haltBreaches(p, risk, out) {
  if (!(p.equity > 0)) {
    breach(out, "max_drawdown", 1, risk.maxDrawdown, `equity is ${p.equity}: nothing left to risk`);
    return;
  }
  if (p.equity < p.peakEquity * (1 - risk.maxDrawdown)) {
    breach(
      out,
      "max_drawdown",
      drawdownOf(p),
      risk.maxDrawdown,
      `drawdown ${pct(drawdownOf(p))} (equity ${p.equity.toFixed(2)}, peak ${p.peakEquity.toFixed(2)}) is beyond the ${pct(risk.maxDrawdown)} limit; no new entries until equity recovers above ${(p.peakEquity * (1 - risk.maxDrawdown)).toFixed(2)}`
    );
  }
  const low = dayLowOf(p);
  if (low < p.dayStartEquity * (1 - risk.dailyLossLimit)) {
    breach(
      out,
      "daily_loss",
      dailyLossOf(p),
      risk.dailyLossLimit,
      `today's loss reached ${pct(dailyLossOf(p))} (equity low ${low.toFixed(2)}, at 00:00 UTC ${p.dayStartEquity.toFixed(2)}), beyond the ${pct(risk.dailyLossLimit)} limit; no new entries until 00:00 UTC`
    );
  }
}
function entryBreaches(ctx, risk, out) {
  const b = ctx.book;
  if (b.correlatedWith !== null && exceeds(b.maxCorrelation, risk.maxCorrelation)) {
    breach(
      out,
      "max_correlation",
      b.maxCorrelation,
      risk.maxCorrelation,
      `${ctx.symbol} moves with the held ${b.correlatedWith} at ${b.maxCorrelation.toFixed(3)}, above the ${risk.maxCorrelation} limit`
    );
  }
  if (ctx.rewardRisk !== null && exceeds(risk.minRewardRisk, ctx.rewardRisk)) {
    breach(
      out,
      "min_reward_risk",
      ctx.rewardRisk,
      risk.minRewardRisk,
      `reward/risk ${ctx.rewardRisk.toFixed(3)} is below the ${risk.minRewardRisk} minimum`
    );
  }
}
function largestAllowedSize(ctx, risk) {
  const b = ctx.book;
  return Math.min(
    risk.maxPosition,
    risk.maxPerAsset - b.asset,
    risk.maxPerSector - b.sectorExposure,
    risk.riskPerTrade / ctx.distance,
    (risk.maxHeat - b.heat) / ctx.distance,
    ctx.liquidityCap
  );
}
function sizeBreaches(size, ctx, risk, out) {
  const b = ctx.book;
  const d = ctx.distance;
  if (exceeds(size, risk.maxPosition)) breach(out, "max_position", size, risk.maxPosition, `size ${pct(size)} is above the ${pct(risk.maxPosition)} limit`);
  if (exceeds(b.asset + size, risk.maxPerAsset)) {
    breach(
      out,
      "max_per_asset",
      b.asset + size,
      risk.maxPerAsset,
      `${ctx.symbol} would be ${pct(b.asset + size)} of equity (held ${pct(b.asset)} + ${pct(size)}), above the ${pct(risk.maxPerAsset)} limit`
    );
  }
  if (exceeds(b.sectorExposure + size, risk.maxPerSector)) {
    breach(
      out,
      "max_per_sector",
      b.sectorExposure + size,
      risk.maxPerSector,
      `sector ${b.sector} would be ${pct(b.sectorExposure + size)} of equity (held ${pct(b.sectorExposure)} + ${pct(size)}), above the ${pct(risk.maxPerSector)} limit`
    );
  }
  if (exceeds(size * d, risk.riskPerTrade)) {
    breach(
      out,
      "risk_per_trade",
      size * d,
      risk.riskPerTrade,
      `${pct(size)} with the stop ${pct(d)} away risks ${pct(size * d)} of equity, above the ${pct(risk.riskPerTrade)} limit`
    );
  }
  if (exceeds(b.heat + size * d, risk.maxHeat)) {
    breach(
      out,
      "max_heat",
      b.heat + size * d,
      risk.maxHeat,
      `portfolio heat would be ${pct(b.heat + size * d)} (open ${pct(b.heat)} + this ${pct(size * d)}), above the ${pct(risk.maxHeat)} limit`
    );
  }
  if (exceeds(size, ctx.liquidityCap)) {
    breach(
      out,
      "liquidity",
      size,
      ctx.liquidityCap,
      `${pct(size)} of equity is above ${pct(risk.sizing.maxShareOfVolume)} of the average daily volume (at most ${pct(ctx.liquidityCap)} of equity)`
    );
  }
}
function near(value, limit, risk) {
  return limit > 0 && value >= risk.warnAt * limit && !exceeds(value, limit);
}
function warningsFor(size, ctx, p, risk, out) {
  const dd = drawdownOf(p);
  const loss = dailyLossOf(p);
  if (near(dd, risk.maxDrawdown, risk)) out.push(`max_drawdown: drawdown ${pct(dd)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxDrawdown)} limit`);
  if (near(loss, risk.dailyLossLimit, risk)) out.push(`daily_loss: today's loss reached ${pct(loss)}, past ${pct(risk.warnAt)} of the ${pct(risk.dailyLossLimit)} limit`);
  if (ctx === null) return;
  const b = ctx.book;
  const r = size * ctx.distance;
  if (near(size, risk.maxPosition, risk)) out.push(`max_position: size ${pct(size)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxPosition)} limit`);
  if (near(b.asset + size, risk.maxPerAsset, risk)) out.push(`max_per_asset: ${ctx.symbol} at ${pct(b.asset + size)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxPerAsset)} limit`);
  if (near(b.sectorExposure + size, risk.maxPerSector, risk)) out.push(`max_per_sector: sector ${b.sector} at ${pct(b.sectorExposure + size)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxPerSector)} limit`);
  if (near(r, risk.riskPerTrade, risk)) out.push(`risk_per_trade: ${pct(r)} at risk is past ${pct(risk.warnAt)} of the ${pct(risk.riskPerTrade)} limit`);
  if (near(b.heat + r, risk.maxHeat, risk)) out.push(`max_heat: heat ${pct(b.heat + r)} is past ${pct(risk.warnAt)} of the ${pct(risk.maxHeat)} limit`);
  if (Number.isFinite(ctx.liquidityCap) && near(size, ctx.liquidityCap, risk)) out.push(`liquidity: ${pct(size)} is past ${pct(risk.warnAt)} of the ${pct(ctx.liquidityCap)} the volume allows`);
  if (b.correlatedWith !== null && near(b.maxCorrelation, risk.maxCorrelation, risk)) {
    out.push(`max_correlation: ${b.maxCorrelation.toFixed(3)} with ${b.correlatedWith} is past ${pct(risk.warnAt)} of the ${risk.maxCorrelation} limit`);
  }
  if (ctx.signalTarget && ctx.rewardRisk !== null && risk.minRewardRisk > 0 && risk.warnAt > 0 && ctx.rewardRisk <= risk.minRewardRisk / risk.warnAt && !exceeds(risk.minRewardRisk, ctx.rewardRisk)) {
    out.push(`min_reward_risk: ${ctx.rewardRisk.toFixed(3)} is within ${(risk.minRewardRisk / risk.warnAt).toFixed(3)} (the ${risk.minRewardRisk} minimum / ${risk.warnAt})`);
  }
}

// src/risk/orchestrator.ts
function decideClose(signal, portfolio, market, risk) {
  let quantity = 0;
  let value = 0;
  let heatLeft = 0;
  for (const p of portfolio.positions) {
    if (p.symbol !== signal.symbol) {
      heatLeft += positionHeat(p, risk.noStopDistance);
      continue;
    }
    quantity += Math.abs(p.quantity);
    value += Math.abs(p.quantity) * p.marketPrice;
  }
  const equity = portfolio.equity;
  const warnings = [];
  warningsFor(0, null, portfolio, risk, warnings);
  const score = riskScore(
    { position: 0, heat: equity > 0 ? heatLeft / equity : 1, drawdown: drawdownOf(portfolio), annualVolatility: market.volatility ?? 0, correlation: 0 },
    risk
  );
  const size = value > 0 && equity > 0 ? value / equity : 0;
  return { approved: true, size, quantity, stopLoss: null, takeProfit: null, level: levelOf(score, risk), score, reasons: [], breaches: [], warnings };
}
function invalid(message, risk) {
  const breaches = [{ limit: "invalid_input", value: Number.NaN, bound: Number.NaN, message: `invalid_input: ${message}` }];
  const score = 1;
  return { approved: false, size: 0, quantity: 0, stopLoss: null, takeProfit: null, level: levelOf(score, risk), score, reasons: [breaches[0].message], breaches, warnings: [] };
}
function decide(signal, portfolio, market, risk, stats) {
  if (signal.side === "CLOSE") return decideClose(signal, portfolio, market, risk);
  const price = market.price !== void 0 && market.price > 0 && Number.isFinite(market.price) ? market.price : signal.price;
  if (!(price > 0) || !Number.isFinite(price)) return invalid(`price ${price} for ${signal.symbol} is not a positive number`, risk);
  if (!Number.isFinite(portfolio.equity)) return invalid(`equity ${portfolio.equity} is not a number`, risk);
  if (!Number.isFinite(signal.confidence)) return invalid(`confidence ${signal.confidence} is not a number`, risk);
  const side = signal.side;
  const bracket = bracketFor(side, price, signal.stopLoss, signal.takeProfit, market, risk);
  const book = scanBook(signal.symbol, side, portfolio, market, risk);
  const ctx = {
    symbol: signal.symbol,
    book,
    distance: bracket.distance ?? risk.noStopDistance,
    rewardRisk: bracket.rewardRisk,
    signalTarget: bracket.takeProfit !== null && bracket.takeProfit === signal.takeProfit,
    liquidityCap: liquidityCap(portfolio.equity, market, risk)
  };
  const warnings = [];
  if (bracket.note !== null) warnings.push(bracket.note);
  if (bracket.stopLoss === null) warnings.push(`no stop for ${signal.symbol}: neither the signal nor ATR/volatility gives one; risk counts ${pct(risk.noStopDistance)} of the position`);
  const breaches = [];
  haltBreaches(portfolio, risk, breaches);
  entryBreaches(ctx, risk, breaches);
  const sizing = desiredSize(signal, market, risk, stats);
  if (sizing.note !== null) warnings.push(sizing.note);
  const allowed = largestAllowedSize(ctx, risk);
  let size = Math.min(sizing.size, allowed);
  if (size < risk.minPosition) {
    const before = breaches.length;
    sizeBreaches(risk.minPosition, ctx, risk, breaches);
    if (breaches.length > before) size = risk.minPosition;
  } else if (size < sizing.size && exceeds(sizing.size, size)) {
    warnings.push(`size reduced from ${pct(sizing.size)} to ${pct(size)} to stay within the limits`);
  }
  if (!(size > 0)) size = 0;
  warningsFor(size, ctx, portfolio, risk, warnings);
  const score = riskScore(
    {
      position: book.asset + size,
      heat: book.heat + size * ctx.distance,
      drawdown: drawdownOf(portfolio),
      annualVolatility: market.volatility ?? 0,
      correlation: book.correlatedWith === null ? 0 : book.maxCorrelation
    },
    risk
  );
  const approved = breaches.length === 0;
  const reasons = [];
  for (let i = 0; i < breaches.length; i++) reasons.push(breaches[i].message);
  return {
    approved,
    size: approved ? size : 0,
    quantity: approved && portfolio.equity > 0 ? size * portfolio.equity / price : 0,
    stopLoss: bracket.stopLoss,
    takeProfit: bracket.takeProfit,
    level: levelOf(score, risk),
    score,
    reasons,
    breaches,
    warnings
  };
}
function createRiskManager(risk) {
  const byStrategy = /* @__PURE__ */ new Map();
  const statsOf = (strategy) => {
    let s = byStrategy.get(strategy);
    if (!s) {
      s = { trades: 0, wins: 0, grossWin: 0, grossLoss: 0 };
      byStrategy.set(strategy, s);
    }
    return s;
  };
  return {
    config: risk,
    decide: (signal, portfolio, market) => decide(signal, portfolio, market, risk, byStrategy.get(signal.strategy)),
    recordTrade(strategy, pnl) {
      if (!Number.isFinite(pnl)) return;
      const s = statsOf(strategy);
      s.trades++;
      if (pnl > 0) {
        s.wins++;
        s.grossWin += pnl;
      } else s.grossLoss -= pnl;
    },
    stats: (strategy) => ({ ...statsOf(strategy) })
  };
}

// src/backtest/risk-gate.ts
var CORRELATION_DAYS = 30;
function lastAtOrBefore(c2, ts) {
  let lo = 0;
  let hi = c2.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = lo + hi >> 1;
    if (c2.ts[mid] <= ts) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
function backtestRiskGate(strategy, risk, base, baseTimeframe) {
  const manager = createRiskManager(risk);
  const corrBars = Math.round(CORRELATION_DAYS * 864e5 / timeframeMs(baseTimeframe));
  return {
    decide(signal, portfolio, w) {
      const market = w.index >= 0 ? marketStateAt(w.candles, w.index, { timeframe: baseTimeframe }) : {};
      const correlations = {};
      for (const p of portfolio.positions) {
        if (p.symbol === signal.symbol || w.index < 0) continue;
        const other = base.get(p.symbol);
        if (!other) continue;
        const j = lastAtOrBefore(other, w.candles.ts[w.index]);
        const rho = j > 0 ? returnCorrelation(w.candles, w.index, other, j, corrBars) : Number.NaN;
        if (Number.isFinite(rho)) correlations[p.symbol] = rho;
      }
      if (Object.keys(correlations).length > 0) market.correlations = correlations;
      return manager.decide(signal, portfolio, market);
    },
    tradeClosed(t) {
      const committed = t.entryPrice * t.quantity;
      if (committed > 0) manager.recordTrade(strategy, t.pnl / committed);
    }
  };
}

// src/backtest/run.ts
function validateRequest(r) {
  if (!(r.cash > 0)) throw new InputError("E_BACKTEST_CASH", `--cash must be a positive amount, got ${r.cash}`);
  if (r.sizeOverride !== void 0 && r.sizeOverride !== null && !(r.sizeOverride > 0 && r.sizeOverride <= 1)) {
    throw new InputError("E_BACKTEST_SIZE", `--size must be a fraction of equity in (0, 1], got ${r.sizeOverride}`);
  }
  for (const [flag, v] of [["--fee-bps", r.feeBps], ["--slippage-bps", r.slippageBps], ["--impact", r.impact ?? 0]]) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new InputError("E_BACKTEST_COSTS", `${flag} must be a number >= 0, got ${v}`);
  }
  if (r.from !== void 0 && r.to !== void 0 && r.from > r.to) throw new InputError("E_BACKTEST_RANGE", `--from is after --to`);
  if (TIMEFRAMES[r.strategy.timeframe] < TIMEFRAMES[r.baseTimeframe]) {
    throw new InputError("E_BACKTEST_TIMEFRAME", `strategy ${r.strategy.name} decides on ${r.strategy.timeframe} bars, finer than the ${r.baseTimeframe} candles given; use --timeframe ${r.strategy.timeframe} or finer`);
  }
}
function decidedSymbols(req2) {
  if (req2.symbols) return [...req2.symbols];
  const own = req2.strategy.symbols.filter((s) => req2.base.has(s));
  return own.length ? own : [...req2.base.keys()];
}
function simulate(req2, curve) {
  validateRequest(req2);
  const macro = req2.macro ?? /* @__PURE__ */ new Map();
  const baseMs = TIMEFRAMES[req2.baseTimeframe];
  const tf = req2.strategy.timeframe;
  const stratCandles = /* @__PURE__ */ new Map();
  for (const [sym, c2] of req2.base) stratCandles.set(sym, tf === req2.baseTimeframe ? c2 : resampleCandles(c2, tf, { from: req2.baseTimeframe }));
  const wanted = decidedSymbols(req2);
  for (const s of wanted) if (!req2.base.has(s)) throw new InputError("E_BACKTEST_SYMBOL", `no ${req2.baseTimeframe} candles for ${s}; import or backfill them first`);
  const bt = new Backtest({
    base: req2.base,
    baseMs,
    from: req2.from,
    to: req2.to,
    cash: req2.cash,
    costs: costModel({ feeBps: req2.feeBps, slippageBps: req2.slippageBps, impact: req2.impact ?? 0 }),
    sizeOverride: req2.sizeOverride ?? null,
    risk: req2.risk ? backtestRiskGate(req2.strategy.name, req2.risk, req2.base, req2.baseTimeframe) : null,
    clock: req2.clock,
    onProgress: req2.onProgress,
    loop: req2.loop,
    curve
  });
  const runner = new StrategyRunner(req2.strategy, req2.params, { candles: stratCandles, macro }, { symbols: wanted, position: bt.positionOf, source: req2.origin === "builtin" ? void 0 : req2.origin });
  const outcome = bt.run(runner);
  if (outcome.steps === 0) throw new InputError("E_BACKTEST_EMPTY", `no ${req2.baseTimeframe} candles of ${[...req2.base.keys()].join(", ")} in the period asked for`);
  return { outcome, symbols: runner.symbols };
}
function metricInputs(outcome) {
  return {
    fees: outcome.sim.fees,
    tradedNotional: outcome.sim.tradedNotional,
    exposure: outcome.steps > 0 ? outcome.stepsInMarket / outcome.steps : 0
  };
}
function evaluateBacktest(req2) {
  const { outcome } = simulate(req2, false);
  return computeMetrics({ ...metricInputs(outcome), curve: outcome.stats, trades: outcome.sim.tradePnls(), initialCash: req2.cash });
}

// src/strategies/contract.ts
function barsIn(days, timeframe) {
  return Math.max(1, Math.round(days * 864e5 / TIMEFRAMES[timeframe]));
}

// src/backtest/optimize-worker-bundle.ts
import path from "node:path";
import { fileURLToPath } from "node:url";
var here = path.dirname(fileURLToPath(import.meta.url));
var root = path.resolve(here, "../..");

// src/config/load.ts
import YAML from "yaml";

// src/config/schema.ts
import { z } from "zod";
var duration = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/, "a duration such as 30s, 15m, 1h, 7d")]).describe("duration (ms number or 30s/15m/1h/7d)");
var fraction = z.number().min(0).max(1);
var positive = z.number().positive();
var url = z.string().url();
var commaList = z.preprocess(
  (v) => typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v,
  z.array(z.string())
);
var urlList = z.preprocess(
  (v) => typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v,
  z.array(url)
);
var DEFAULT_SYMBOLS = DEFAULT_ASSETS.map((a) => a.symbol);
var DEFAULT_MACRO_SERIES = ["VIXCLS", "DFF", "DGS10", "DGS2", "DTWEXBGS", "DEXUSEU", "BAMLH0A0HYM2", "RRPONTSYD", "SOFR"];
var retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).default(6),
  baseDelayMs: z.number().int().min(0).default(500),
  maxDelayMs: z.number().int().min(0).default(3e4)
});
var breakerSchema = z.strictObject({
  /** Share of failed calls in the rolling window that opens the breaker. */
  errorThresholdPercentage: z.number().min(1).max(100).default(50),
  /** Calls in the window before the breaker may open. */
  volumeThreshold: z.number().int().min(1).default(5),
  resetTimeoutMs: z.number().int().min(100).default(3e4),
  rollingCountTimeoutMs: z.number().int().min(1e3).default(6e4)
});
var sourcesSchema = z.strictObject({
  timeoutMs: z.number().int().min(100).default(15e3),
  /** Length of the window the published limits are counted over (60 s for all three; shorter in tests). */
  limitWindowMs: z.number().int().min(100).default(6e4),
  /** A close more than this many robust deviations (MAD) from its neighbours is rejected as an outlier. */
  outlierMads: z.number().positive().default(12),
  /** Neighbours on each side the outlier test compares a close with. */
  outlierNeighbours: z.number().int().min(2).max(100).default(12),
  /** Smallest deviation scale of the outlier test as a share of price, so a quiet market's 1% move is not an outlier. */
  outlierFloor: z.number().min(0).max(1).default(2e-3),
  /** How many times a backfill asks again for candles missing inside a page before calling it an exchange gap. */
  gapRetries: z.number().int().min(0).max(10).default(2),
  /** Times a backfill page is tried again after its retries are spent or the breaker is open. */
  pageRetries: z.number().int().min(0).max(50).default(5),
  retry: retrySchema.prefault({}),
  breaker: breakerSchema.prefault({}),
  binance: z.strictObject({
    baseUrl: url.default("https://api.binance.com"),
    futuresBaseUrl: url.default("https://fapi.binance.com"),
    wsUrl: url.default("wss://stream.binance.com:9443"),
    futuresWsUrl: url.default("wss://fstream.binance.com"),
    /** Published request-weight limit per minute. */
    weightPerMinute: z.number().int().positive().default(6e3),
    /** Share of the published limit MTS allows itself. */
    safetyFraction: z.number().gt(0).max(1).default(0.8),
    /** Klines per request (Binance's maximum is 1000). */
    klinesPerPage: z.number().int().min(1).max(1e3).default(1e3)
  }).prefault({}),
  coingecko: z.strictObject({
    baseUrl: url.default("https://api.coingecko.com/api/v3"),
    apiKey: z.string().min(1).optional(),
    /** demo: x-cg-demo-api-key on the public host; pro: x-cg-pro-api-key on pro-api.coingecko.com. */
    plan: z.enum(["demo", "pro"]).default("demo"),
    callsPerMinute: z.number().int().positive().default(30),
    safetyFraction: z.number().gt(0).max(1).default(0.8),
    /** Days per market_chart/range request (hourly points up to 90 days). */
    chunkDays: z.number().int().min(1).max(90).default(90)
  }).prefault({}),
  fred: z.strictObject({
    baseUrl: url.default("https://api.stlouisfed.org/fred"),
    apiKey: z.string().min(1).optional(),
    callsPerMinute: z.number().int().positive().default(120),
    safetyFraction: z.number().gt(0).max(1).default(0.8),
    /** Observations per request (FRED's maximum is 100000). */
    pageSize: z.number().int().min(1).max(1e5).default(1e5)
  }).prefault({})
});
var timeframeName = z.enum(TIMEFRAME_NAMES);
var tierSchema = z.strictObject({
  interval: duration,
  symbols: z.array(z.string()).default([]),
  source: z.enum(["binance", "coingecko"]).default("binance"),
  timeframe: timeframeName.default("1h"),
  /** Coarser timeframes built locally from this tier's candles after each run (no extra API calls). */
  derive: z.array(timeframeName).default([])
});
var tiersSchema = z.strictObject({
  highFrequency: tierSchema.prefault({ interval: "15m", symbols: ["BTC/USDT", "ETH/USDT"], source: "binance", timeframe: "15m", derive: ["1h"] }),
  hourly: tierSchema.prefault({
    interval: "1h",
    symbols: ["BNB/USDT", "SOL/USDT", "XRP/USDT", "DOGE/USDT", "ADA/USDT", "AVAX/USDT", "DOT/USDT", "LINK/USDT"],
    source: "binance",
    timeframe: "1h"
  }),
  macro: z.strictObject({
    series: z.array(z.string().regex(/^[A-Z0-9]+$/, "a FRED series id in capitals")).default(DEFAULT_MACRO_SERIES),
    /** FRED publishes daily series in the afternoon US time; MTS asks after this UTC hour on business days. */
    releaseHourUtc: z.number().int().min(0).max(23).default(21),
    /** Series FRED updates once a week (the Fed's H.10 release, Mondays): asked for on the week's first business day only. */
    weekly: z.array(z.string().regex(/^[A-Z0-9]+$/, "a FRED series id in capitals")).default(["DTWEXBGS", "DEXUSEU", "DEXCHUS"])
  }).prefault({}),
  signals: z.strictObject({
    interval: duration.default("1h"),
    /** How long after the hour signals wait for the hourly collection to settle. */
    delay: duration.default("5m")
  }).prefault({}),
  /** How long after a candle closes its tier asks for it (the exchange needs a moment to close it). */
  settle: duration.default("10s"),
  /**
   * How far back an item with nothing stored starts: 10 days is one klines request at 15m (run `mts backfill` for
   * the months of history the strategies want).
   */
  initialLookback: duration.default("10d"),
  /** A failing item waits base × factor^(failures − 1), at most cap, before it runs again; it is never disabled. */
  backoff: z.strictObject({
    base: duration.default("30s"),
    factor: z.number().min(1).max(10).default(2),
    cap: duration.default("1h")
  }).prefault({}),
  /** Calls per UTC day over all sources above which `mts run` warns (the original's schedule spent about 393). */
  dailyBudget: z.number().int().positive().default(393)
});
var strategyEntry = z.strictObject({
  enabled: z.boolean().optional(),
  weight: z.number().min(0).optional(),
  params: z.record(z.string(), z.unknown()).default({})
});
var riskSchema = z.strictObject({
  maxDrawdown: fraction.default(0.2),
  dailyLossLimit: fraction.default(0.05),
  riskPerTrade: fraction.default(0.02),
  minPosition: fraction.default(5e-3),
  maxPosition: fraction.default(0.1),
  maxPerAsset: fraction.default(0.15),
  maxPerSector: fraction.default(0.3),
  maxCorrelation: z.number().min(-1).max(1).default(0.8),
  maxHeat: fraction.default(0.1),
  /** Distance to stop (share of price) assumed for an open position without a stop when summing heat; 1 = its full value. */
  noStopDistance: z.number().gt(0).max(1).default(1),
  minRewardRisk: z.number().min(0).default(1.5),
  /** Warn when a measure reaches this share of its limit. */
  warnAt: fraction.default(0.8),
  sizing: z.strictObject({
    method: z.enum(["fixed", "half_kelly", "vol_target"]).default("fixed"),
    fixedFraction: fraction.default(0.02),
    /** Fixed sizing takes the signal's own size (a fraction of equity) when it gives one, instead of fixedFraction x confidence. */
    useSignalSize: z.boolean().default(true),
    kellyCap: fraction.default(0.1),
    kellyMinTrades: z.number().int().min(1).default(30),
    /** Annualized volatility one position should carry: size = volTarget / the asset's annualized volatility. */
    volTarget: positive.default(0.2),
    /** No position above this share of the average daily volume. */
    maxShareOfVolume: fraction.default(0.01)
  }).prefault({}),
  atrStopMultiple: positive.default(2),
  levelWeights: z.strictObject({
    position: fraction.default(0.3),
    heat: fraction.default(0.25),
    drawdown: fraction.default(0.25),
    volatility: fraction.default(0.1),
    correlation: fraction.default(0.1)
  }).prefault({}).superRefine((w, ctx) => {
    const sum = w.position + w.heat + w.drawdown + w.volatility + w.correlation;
    if (Math.abs(sum - 1) >= 1e-9) ctx.addIssue({ code: "custom", message: `the five level weights must sum to 1 (they sum to ${Number(sum.toFixed(9))})` });
  }),
  levelThresholds: z.strictObject({ low: fraction.default(0.08), medium: fraction.default(0.12), high: fraction.default(0.18) }).prefault({}).refine((t) => t.low <= t.medium && t.medium <= t.high, { message: "thresholds must satisfy low <= medium <= high" }),
  sectors: z.record(z.string(), z.string()).default({})
}).refine((r) => r.minPosition <= r.maxPosition, { message: "minPosition must not exceed maxPosition", path: ["minPosition"] }).refine((r) => r.maxPosition <= r.maxPerAsset, { message: "maxPosition must not exceed maxPerAsset", path: ["maxPosition"] }).refine((r) => r.maxPerAsset <= r.maxPerSector, { message: "maxPerAsset must not exceed maxPerSector", path: ["maxPerAsset"] }).refine((r) => r.riskPerTrade <= r.maxHeat, { message: "riskPerTrade must not exceed maxHeat", path: ["riskPerTrade"] });
var configSchema = z.strictObject({
  dataDir: z.string().min(1).default("./mts-data"),
  /** `sqlite:<path>` or `postgres://…`; default `sqlite:<dataDir>/mts.db`. */
  dbUrl: z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/, "sqlite:<path> or postgres://\u2026").optional(),
  redisUrl: z.string().regex(/^rediss?:\/\//, "redis://host:port").optional(),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  alertsDir: z.string().min(1).optional(),
  assets: z.array(z.string()).min(1).default(DEFAULT_SYMBOLS),
  sources: sourcesSchema.prefault({}),
  tiers: tiersSchema.prefault({}),
  stream: z.strictObject({
    enabled: z.boolean().default(true),
    staleAfterMs: z.number().int().positive().default(6e4),
    orderBookDepth: z.number().int().min(1).max(1e3).default(20),
    orderBookEvery: duration.default("1m"),
    /** How often the latest mark price and funding rate of each perpetual are stored. */
    fundingEvery: duration.default("1m"),
    /** Reconnect backoff: first wait, growth per failed attempt, longest wait. */
    reconnectBaseMs: z.number().int().positive().default(1e3),
    reconnectFactor: z.number().min(1).default(2),
    reconnectMaxMs: z.number().int().positive().default(6e4)
  }).prefault({}),
  strategies: z.record(z.string(), strategyEntry).default({}),
  aggregation: z.strictObject({
    minConfidence: fraction.default(0.1),
    minSize: fraction.default(5e-3),
    maxSize: fraction.default(0.05),
    /** Aggregated signals at or above this confidence become alerts. */
    alertMinConfidence: fraction.default(0.5)
  }).prefault({}),
  risk: riskSchema.prefault({}),
  backtest: z.strictObject({
    cash: positive.default(1e4),
    feeBps: z.number().min(0).max(1e3).default(10),
    slippageBps: z.number().min(0).max(1e3).default(5),
    /** Coefficient of the square-root volume-impact term (0 = off). */
    impact: z.number().min(0).default(0)
  }).prefault({}),
  paper: z.strictObject({
    cash: positive.default(1e4),
    maxAge: duration.default("5m"),
    minConfidence: fraction.default(0),
    rescanInterval: duration.default("5s"),
    snapshotInterval: duration.default("1h"),
    /** The candles the risk orchestrator measures the market on, and that stops and targets are checked against. */
    timeframe: z.enum(TIMEFRAME_NAMES).default("1h")
  }).prefault({}),
  notifiers: z.strictObject({
    discordWebhookUrls: urlList.default([]),
    webhookUrls: urlList.default([]),
    webhookSecret: z.string().min(1).optional(),
    smtpUrl: z.string().regex(/^smtps?:\/\//, "smtp://user:pass@host:port").optional(),
    emailTo: commaList.default([]),
    emailFrom: z.string().default("mts@localhost"),
    cooldown: duration.default("1h"),
    maxAttempts: z.number().int().min(1).default(5)
  }).prefault({}),
  /** Scale-out on Redis (SPEC §13); used only when redisUrl is set. */
  distributed: z.strictObject({
    /** Prefix of every Redis key and BullMQ queue MTS makes (several deployments can share one Redis). */
    prefix: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . -").default("mts"),
    /** Jobs a worker runs at once per queue (collection waits on rate limits, so more than one helps). */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** How long a worker's lock on a job lasts without renewal; a dead worker's job is taken over after it. */
    lockDuration: duration.default("30s"),
    /** Attempts per job before it counts as failed, with exponential backoff from backoffBase. */
    attempts: z.number().int().min(1).default(5),
    backoffBase: duration.default("2s"),
    /** A stream entry a paper trader has held unacknowledged this long is claimed by another. */
    claimIdle: duration.default("60s"),
    /** How long cached latest prices and signals live. */
    cacheTtl: duration.default("15m")
  }).prefault({}),
  http: z.strictObject({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8080),
    apiToken: z.string().min(16, "at least 16 characters").optional(),
    /** Requests per minute each client IP may make to /api/v1 (429 above); 0 turns the limit off. */
    rateLimitPerMinute: z.number().int().min(0).default(600),
    /** Optional OIDC/OAuth 2.0 issuer whose JWT bearer tokens are accepted (roles from a claim). */
    oidc: z.strictObject({
      issuer: url,
      audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      /** Where the issuer's signing keys are; default: `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
      jwksUrl: url.optional(),
      /** The claim holding the user's groups or roles (a string or an array of strings); dots reach into objects. */
      roleClaim: z.string().min(1).default("roles"),
      /** Claim value → MTS role; the highest mapped value wins. */
      roleMap: z.record(z.string(), z.enum(["viewer", "operator", "admin"])).default({}),
      /** Role of a valid token whose claim maps to nothing; unset = such a token is refused (403). */
      defaultRole: z.enum(["viewer", "operator", "admin"]).optional(),
      /** Allowed clock skew when checking exp/nbf, in seconds. */
      clockToleranceSec: z.number().int().min(0).max(300).default(30)
    }).optional()
  }).prefault({})
});

// src/indicators/validate.ts
function checkPeriod(kernel, name, value, min = 1) {
  if (!Number.isInteger(value) || value < min) {
    throw new InputError("indicator_period", `${kernel}: ${name} must be an integer >= ${min}, got ${String(value)}`, { kernel, [name]: value });
  }
}
function checkSameLength(kernel, ...series) {
  const n = series[0].length;
  for (const s of series) {
    if (s.length !== n) {
      throw new InputError("indicator_length", `${kernel}: input series must have the same length, got ${series.map((x) => x.length).join(" and ")}`, {
        kernel
      });
    }
  }
}

// src/indicators/moments.ts
var RECOMPUTE = 1024;
var COLLAPSE = 1e-3;
function recomputeEvery(period) {
  return Math.max(RECOMPUTE, 2 * period);
}
function exactWindow(src, from, to, out) {
  const len = to - from + 1;
  let sum = 0;
  for (let j = from; j <= to; j++) sum += src[j];
  const shift = sum / len;
  let dev = 0;
  for (let j = from; j <= to; j++) dev += src[j] - shift;
  const mu = dev / len;
  let acc = 0;
  for (let j = from; j <= to; j++) {
    const d = src[j] - shift - mu;
    acc += d * d;
  }
  out[0] = shift;
  out[1] = mu;
  out[2] = acc;
}
function rollingMoments(src, period) {
  const n = src.length;
  const mean2 = new Float64Array(n);
  const m2 = new Float64Array(n);
  if (period === 1) {
    for (let i2 = 0; i2 < n; i2++) {
      const x = src[i2];
      mean2[i2] = x;
      m2[i2] = x - x;
    }
    return { mean: mean2, m2 };
  }
  let count = 0;
  let nans = 0;
  const every = recomputeEvery(period);
  let nextRecompute = 0;
  let shift = 0;
  let mu = 0;
  let s = 0;
  let peak = 0;
  let slowUntil = 0;
  const scratch = new Float64Array(3);
  let i = 0;
  while (i < n) {
    if (count === period && i >= slowUntil && i < nextRecompute) {
      const end = nextRecompute < n ? nextRecompute : n;
      const mu0 = mu;
      const s0 = s;
      let lo = Number.POSITIVE_INFINITY;
      let hi = peak;
      for (let j = i; j < end; j++) {
        const x2 = src[j] - shift;
        const out2 = src[j - period] - shift;
        const d = x2 - out2;
        const old = mu;
        mu += d / period;
        s += d * (x2 - mu + out2 - old);
        if (s < lo) lo = s;
        if (s > hi) hi = s;
        mean2[j] = shift + mu;
        m2[j] = s;
      }
      if (lo >= hi * COLLAPSE && !Number.isNaN(s)) {
        peak = hi;
        i = end;
        continue;
      }
      mu = mu0;
      s = s0;
      slowUntil = end;
    }
    const x = src[i] - shift;
    const out = i >= period ? src[i - period] - shift : Number.NaN;
    const xIn = !Number.isNaN(x);
    const outFinite = i >= period && !Number.isNaN(out);
    if (i >= period && !outFinite) nans--;
    if (xIn && outFinite) {
      const d = x - out;
      const old = mu;
      mu += d / count;
      s += d * (x - mu + out - old);
    } else {
      if (outFinite) {
        count--;
        if (count === 0) {
          mu = 0;
          s = 0;
        } else {
          const d = out - mu;
          mu -= d / count;
          s -= d * (out - mu);
        }
      }
      if (xIn) {
        count++;
        const d = x - mu;
        mu += d / count;
        s += d * (x - mu);
      } else {
        nans++;
        nextRecompute = 0;
      }
    }
    if (i + 1 >= period && nans === 0) {
      if (s > peak) peak = s;
      if (i >= nextRecompute || s < peak * COLLAPSE) {
        nextRecompute = i + every;
        exactWindow(src, i - period + 1, i, scratch);
        shift = scratch[0];
        mu = scratch[1];
        s = scratch[2];
        peak = s;
      }
      if (s < 0) s = 0;
      mean2[i] = shift + mu;
      m2[i] = s;
    } else {
      mean2[i] = Number.NaN;
      m2[i] = Number.NaN;
    }
    i++;
  }
  return { mean: mean2, m2 };
}
function rollingCoMoments(x, y, period) {
  const n = x.length;
  const meanX = new Float64Array(n);
  const meanY = new Float64Array(n);
  const m2x = new Float64Array(n);
  const m2y = new Float64Array(n);
  const cxy = new Float64Array(n);
  let count = 0;
  let nans = 0;
  let mx = 0;
  let my = 0;
  let sx = 0;
  let sy = 0;
  let c2 = 0;
  const every = recomputeEvery(period);
  let nextRecompute = 0;
  let kx = 0;
  let ky = 0;
  let peakX = 0;
  let peakY = 0;
  let slowUntil = 0;
  const scratch = new Float64Array(7);
  let i = 0;
  while (i < n) {
    if (count === period && i >= slowUntil && i < nextRecompute) {
      const end = nextRecompute < n ? nextRecompute : n;
      const mx0 = mx;
      const my0 = my;
      const sx0 = sx;
      const sy0 = sy;
      const c0 = c2;
      let loX = Number.POSITIVE_INFINITY;
      let loY = Number.POSITIVE_INFINITY;
      let hiX = peakX;
      let hiY = peakY;
      for (let j = i; j < end; j++) {
        const a2 = x[j] - kx;
        const b2 = y[j] - ky;
        const oa2 = x[j - period] - kx;
        const ob2 = y[j - period] - ky;
        const da = a2 - oa2;
        const db = b2 - ob2;
        const oldX = mx;
        const oldY = my;
        mx += da / period;
        my += db / period;
        sx += da * (a2 - mx + oa2 - oldX);
        sy += db * (b2 - my + ob2 - oldY);
        c2 += (a2 - oldX) * (b2 - my) - (oa2 - oldX) * (ob2 - my);
        if (sx < loX) loX = sx;
        if (sx > hiX) hiX = sx;
        if (sy < loY) loY = sy;
        if (sy > hiY) hiY = sy;
        meanX[j] = kx + mx;
        meanY[j] = ky + my;
        m2x[j] = sx;
        m2y[j] = sy;
        cxy[j] = c2;
      }
      if (loX >= hiX * COLLAPSE && loY >= hiY * COLLAPSE && !Number.isNaN(sx + sy)) {
        peakX = hiX;
        peakY = hiY;
        i = end;
        continue;
      }
      mx = mx0;
      my = my0;
      sx = sx0;
      sy = sy0;
      c2 = c0;
      slowUntil = end;
    }
    const a = x[i] - kx;
    const b = y[i] - ky;
    const inOk = !Number.isNaN(a) && !Number.isNaN(b);
    let oa = Number.NaN;
    let ob = Number.NaN;
    let outOk = false;
    if (i >= period) {
      oa = x[i - period] - kx;
      ob = y[i - period] - ky;
      outOk = !Number.isNaN(oa) && !Number.isNaN(ob);
      if (!outOk) nans--;
    }
    if (inOk && outOk) {
      const da = a - oa;
      const db = b - ob;
      const oldX = mx;
      const oldY = my;
      mx += da / count;
      my += db / count;
      sx += da * (a - mx + oa - oldX);
      sy += db * (b - my + ob - oldY);
      c2 += (a - oldX) * (b - my) - (oa - oldX) * (ob - my);
    } else {
      if (outOk) {
        count--;
        if (count === 0) {
          mx = my = sx = sy = c2 = 0;
        } else {
          const da = oa - mx;
          mx -= da / count;
          const db = ob - my;
          my -= db / count;
          sx -= da * (oa - mx);
          sy -= db * (ob - my);
          c2 -= da * (ob - my);
        }
      }
      if (inOk) {
        count++;
        const da = a - mx;
        mx += da / count;
        const db = b - my;
        my += db / count;
        sx += da * (a - mx);
        sy += db * (b - my);
        c2 += da * (b - my);
      } else {
        nans++;
        nextRecompute = 0;
      }
    }
    if (i + 1 >= period && nans === 0) {
      if (sx > peakX) peakX = sx;
      if (sy > peakY) peakY = sy;
      if (i >= nextRecompute || sx < peakX * COLLAPSE || sy < peakY * COLLAPSE) {
        nextRecompute = i + every;
        exactCoWindow(x, y, i - period + 1, i, scratch);
        kx = scratch[0];
        mx = scratch[1];
        sx = scratch[2];
        ky = scratch[3];
        my = scratch[4];
        sy = scratch[5];
        c2 = scratch[6];
        peakX = sx;
        peakY = sy;
      }
      if (sx < 0) sx = 0;
      if (sy < 0) sy = 0;
      meanX[i] = kx + mx;
      meanY[i] = ky + my;
      m2x[i] = sx;
      m2y[i] = sy;
      cxy[i] = c2;
    } else {
      meanX[i] = meanY[i] = m2x[i] = m2y[i] = cxy[i] = Number.NaN;
    }
    i++;
  }
  return { meanX, meanY, m2x, m2y, cxy };
}
function exactCoWindow(x, y, from, to, out) {
  exactWindow(x, from, to, out);
  const kx = out[0];
  const mx = out[1];
  const sx = out[2];
  exactWindow(y, from, to, out);
  const ky = out[0];
  const my = out[1];
  const sy = out[2];
  let qc = 0;
  for (let j = from; j <= to; j++) qc += (x[j] - kx - mx) * (y[j] - ky - my);
  out[0] = kx;
  out[1] = mx;
  out[2] = sx;
  out[3] = ky;
  out[4] = my;
  out[5] = sy;
  out[6] = qc;
}

// src/indicators/bollinger.ts
function bollinger(close, period = 20, k = 2) {
  checkPeriod("bollinger", "period", period);
  const { mean: mean2, m2 } = rollingMoments(close, period);
  const n = close.length;
  const lower = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const band = k * Math.sqrt(m2[i] / period);
    const mid = mean2[i];
    m2[i] = mid + band;
    lower[i] = mid - band;
  }
  return { middle: mean2, upper: m2, lower };
}

// src/indicators/rolling-extremes.ts
function rollingMax(src, period) {
  checkPeriod("rollingMax", "period", period);
  return extreme(src, period, true);
}
function rollingMin(src, period) {
  checkPeriod("rollingMin", "period", period);
  return extreme(src, period, false);
}
function extreme(src, period, max) {
  const n = src.length;
  const out = new Float64Array(n);
  const dq = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let lastNaN = -1;
  const sign = max ? 1 : -1;
  for (let i = 0; i < n; i++) {
    const x = src[i];
    if (tail > head && dq[head] <= i - period) head++;
    if (Number.isNaN(x)) {
      lastNaN = i;
    } else {
      const sx = sign * x;
      while (tail > head && sign * src[dq[tail - 1]] <= sx) tail--;
      dq[tail++] = i;
    }
    out[i] = i + 1 >= period && lastNaN <= i - period ? src[dq[head]] : Number.NaN;
  }
  return out;
}

// src/indicators/drawdown.ts
function drawdownFromHigh(close, period) {
  checkPeriod("drawdownFromHigh", "period", period);
  const out = rollingMax(close, period);
  for (let i = 0; i < out.length; i++) {
    const hi = out[i];
    out[i] = hi > 0 ? (hi - close[i]) / hi : Number.NaN;
  }
  return out;
}

// src/indicators/ema.ts
function emaInto(src, period, out) {
  const n = src.length;
  const alpha = 2 / (period + 1);
  let seen = 0;
  let value = 0;
  let i = 0;
  for (; i < n && seen < period; i++) {
    const x = src[i];
    out[i] = Number.NaN;
    if (Number.isNaN(x)) continue;
    value += x;
    seen++;
    if (seen === period) {
      value /= period;
      out[i] = value;
    }
  }
  for (; i < n; i++) {
    const x = src[i];
    if (Number.isNaN(x)) {
      out[i] = Number.NaN;
    } else {
      value += alpha * (x - value);
      out[i] = value;
    }
  }
}

// src/indicators/macd.ts
function macd(close, fast = 12, slow = 26, signal = 9) {
  checkPeriod("macd", "fast", fast);
  checkPeriod("macd", "slow", slow);
  checkPeriod("macd", "signal", signal);
  const n = close.length;
  const fastLine = new Float64Array(n);
  const line = new Float64Array(n);
  emaInto(close, fast, fastLine);
  emaInto(close, slow, line);
  for (let i = 0; i < n; i++) line[i] = fastLine[i] - line[i];
  const sig = new Float64Array(n);
  emaInto(line, signal, sig);
  const histogram = fastLine;
  for (let i = 0; i < n; i++) histogram[i] = line[i] - sig[i];
  return { macd: line, signal: sig, histogram };
}

// src/indicators/ols-beta.ts
function olsBeta(y, x, period) {
  checkPeriod("olsBeta", "period", period, 2);
  checkSameLength("olsBeta", y, x);
  const { meanX, meanY, m2x, cxy } = rollingCoMoments(x, y, period);
  const beta = cxy;
  const alpha = meanY;
  const residual = meanX;
  for (let i = 0; i < beta.length; i++) {
    const b = m2x[i] > 0 ? cxy[i] / m2x[i] : Number.NaN;
    const a = meanY[i] - b * meanX[i];
    beta[i] = b;
    alpha[i] = a;
    residual[i] = y[i] - a - b * x[i];
  }
  return { alpha, beta, residual };
}

// src/indicators/percentile-rank.ts
function percentileRank(src, period) {
  checkPeriod("percentileRank", "period", period);
  const n = src.length;
  const out = new Float64Array(n);
  const sorted = new Float64Array(period);
  let size = 0;
  let lastNaN = -1;
  for (let i = 0; i < n; i++) {
    if (i >= period) {
      const old = src[i - period];
      if (!Number.isNaN(old)) {
        const at = lowerBound(sorted, size, old);
        sorted.copyWithin(at, at + 1, size);
        size--;
      }
    }
    const x = src[i];
    out[i] = Number.NaN;
    if (Number.isNaN(x)) {
      lastNaN = i;
    } else {
      const at = upperBound(sorted, size, x);
      sorted.copyWithin(at + 1, at, size);
      sorted[at] = x;
      size++;
      if (i + 1 >= period && lastNaN <= i - period) out[i] = upperBound(sorted, size, x) / period * 100;
    }
  }
  return out;
}
function lowerBound(a, size, x) {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function upperBound(a, size, x) {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = lo + hi >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// src/indicators/returns.ts
function logReturns(close) {
  const n = close.length;
  const out = new Float64Array(n);
  if (n > 0) out[0] = Number.NaN;
  for (let i = 1; i < n; i++) {
    const a = close[i - 1];
    const b = close[i];
    out[i] = a > 0 && b > 0 ? Math.log(b / a) : Number.NaN;
  }
  return out;
}
function pctChange(src, lag = 1) {
  checkPeriod("pctChange", "lag", lag);
  const n = src.length;
  const out = new Float64Array(n);
  out.fill(Number.NaN, 0, Math.min(lag, n));
  let acc = 0;
  for (let i = lag; i < n; i++) {
    const r = src[i] / src[i - lag] - 1;
    out[i] = r;
    acc += r;
  }
  if (!Number.isFinite(acc)) {
    for (let i = lag; i < n; i++) if (!Number.isFinite(out[i])) out[i] = Number.NaN;
  }
  return out;
}

// src/indicators/rolling-correlation.ts
function rollingCorrelation(a, b, period) {
  checkPeriod("rollingCorrelation", "period", period, 2);
  checkSameLength("rollingCorrelation", a, b);
  const { m2x, m2y, cxy } = rollingCoMoments(a, b, period);
  const out = cxy;
  for (let i = 0; i < out.length; i++) {
    const den = Math.sqrt(m2x[i] * m2y[i]);
    let r = den > 0 ? cxy[i] / den : Number.NaN;
    if (r > 1) r = 1;
    else if (r < -1) r = -1;
    out[i] = r;
  }
  return out;
}

// src/indicators/rolling-std.ts
function rollingStd(src, period, ddof = 0) {
  checkPeriod("rollingStd", "period", period, ddof + 1);
  const { m2 } = rollingMoments(src, period);
  const div = period - ddof;
  for (let i = 0; i < m2.length; i++) m2[i] = Math.sqrt(m2[i] / div);
  return m2;
}

// src/indicators/rsi.ts
function rsi(close, period = 14) {
  checkPeriod("rsi", "period", period);
  const n = close.length;
  const out = new Float64Array(n);
  let prev = Number.NaN;
  let changes = 0;
  let gain = 0;
  let loss = 0;
  const keep = (period - 1) / period;
  let i = 0;
  for (; i < n && changes < period; i++) {
    const c2 = close[i];
    const d = c2 - prev;
    out[i] = Number.NaN;
    if (Number.isNaN(d)) {
      if (!Number.isNaN(c2)) prev = c2;
      continue;
    }
    prev = c2;
    gain += Math.max(d, 0);
    loss += Math.max(-d, 0);
    changes++;
    if (changes === period) {
      gain /= period;
      loss /= period;
      out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
    }
  }
  for (; i < n; i++) {
    const c2 = close[i];
    const d = c2 - prev;
    if (Number.isNaN(d)) {
      out[i] = Number.NaN;
      if (!Number.isNaN(c2)) prev = c2;
      continue;
    }
    prev = c2;
    gain = gain * keep + Math.max(d, 0) / period;
    loss = loss * keep + Math.max(-d, 0) / period;
    out[i] = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
  }
  return out;
}

// src/indicators/sma.ts
function sma(src, period) {
  checkPeriod("sma", "period", period);
  const n = src.length;
  const out = new Float64Array(n);
  let sum = 0;
  let nans = 0;
  let i = 0;
  for (; i < n && i < period; i++) {
    const x = src[i];
    if (Number.isNaN(x)) nans++;
    else sum += x;
    out[i] = i === period - 1 && nans === 0 ? sum / period : Number.NaN;
  }
  let slowUntil = 0;
  while (i < n) {
    if (nans === 0 && i >= slowUntil && (i & RECOMPUTE - 1) !== 0) {
      const next = (i | RECOMPUTE - 1) + 1;
      const end = next < n ? next : n;
      const sum0 = sum;
      for (let j = i; j < end; j++) {
        sum += src[j];
        sum -= src[j - period];
        out[j] = sum / period;
      }
      if (!Number.isNaN(sum)) {
        i = end;
        continue;
      }
      sum = sum0;
      slowUntil = end;
    }
    const x = src[i];
    const old = src[i - period];
    if (Number.isNaN(x)) nans++;
    else sum += x;
    if (Number.isNaN(old)) nans--;
    else sum -= old;
    if (nans === 0) {
      if ((i & RECOMPUTE - 1) === 0) {
        sum = 0;
        for (let j = i - period + 1; j <= i; j++) sum += src[j];
      }
      out[i] = sum / period;
    } else {
      out[i] = Number.NaN;
    }
    i++;
  }
  return out;
}

// src/indicators/sma-crossings.ts
var MASK = RECOMPUTE - 1;
function crossing(f, s, f1, s1) {
  if (f > s) return f1 <= s1 ? 1 : 0;
  if (f < s) return f1 >= s1 ? -1 : 0;
  return 0;
}
function smaCrossings(src, fastPeriod, slowPeriod) {
  checkPeriod("smaCrossings", "fast", fastPeriod);
  checkPeriod("smaCrossings", "slow", slowPeriod);
  const n = src.length;
  const out = new Float64Array(n);
  const pf = fastPeriod;
  const ps = slowPeriod;
  const warm = pf > ps ? pf : ps;
  let sf = 0;
  let ss = 0;
  let nanF = 0;
  let nanS = 0;
  let f1 = Number.NaN;
  let s1 = Number.NaN;
  let slowUntil = 0;
  let i = 0;
  while (i < n) {
    if (i >= warm && nanF === 0 && nanS === 0 && i >= slowUntil && (i & MASK) !== 0) {
      const next = (i | MASK) + 1;
      const end = next < n ? next : n;
      const sf0 = sf;
      const ss0 = ss;
      const f10 = f1;
      const s10 = s1;
      for (let j = i; j < end; j++) {
        const x2 = src[j];
        sf += x2;
        sf -= src[j - pf];
        ss += x2;
        ss -= src[j - ps];
        const f2 = sf / pf;
        const s2 = ss / ps;
        out[j] = f2 > s2 ? f1 <= s1 ? 1 : 0 : f2 < s2 ? f1 >= s1 ? -1 : 0 : 0;
        f1 = f2;
        s1 = s2;
      }
      if (!Number.isNaN(sf) && !Number.isNaN(ss)) {
        i = end;
        continue;
      }
      sf = sf0;
      ss = ss0;
      f1 = f10;
      s1 = s10;
      slowUntil = end;
    }
    const x = src[i];
    const nanX = Number.isNaN(x);
    let f;
    if (nanX) nanF++;
    else sf += x;
    if (i < pf) {
      f = i === pf - 1 && nanF === 0 ? sf / pf : Number.NaN;
    } else {
      const old = src[i - pf];
      if (Number.isNaN(old)) nanF--;
      else sf -= old;
      if (nanF === 0) {
        if ((i & MASK) === 0) {
          sf = 0;
          for (let j = i - pf + 1; j <= i; j++) sf += src[j];
        }
        f = sf / pf;
      } else f = Number.NaN;
    }
    let s;
    if (nanX) nanS++;
    else ss += x;
    if (i < ps) {
      s = i === ps - 1 && nanS === 0 ? ss / ps : Number.NaN;
    } else {
      const old = src[i - ps];
      if (Number.isNaN(old)) nanS--;
      else ss -= old;
      if (nanS === 0) {
        if ((i & MASK) === 0) {
          ss = 0;
          for (let j = i - ps + 1; j <= i; j++) ss += src[j];
        }
        s = ss / ps;
      } else s = Number.NaN;
    }
    out[i] = crossing(f, s, f1, s1);
    f1 = f;
    s1 = s;
    i++;
  }
  return out;
}

// src/indicators/zscore.ts
function zscore(src, period) {
  checkPeriod("zscore", "period", period);
  const { mean: mean2, m2 } = rollingMoments(src, period);
  const out = m2;
  for (let i = 0; i < out.length; i++) {
    const mu = mean2[i];
    const variance = m2[i] / period;
    if (Number.isNaN(variance)) out[i] = Number.NaN;
    else out[i] = variance > 1e-24 * mu * mu ? (src[i] - mu) / Math.sqrt(variance) : 0;
  }
  return out;
}

// src/strategies/define.ts
var NAME_RE = /^[a-z][a-z0-9_]*$/;
function fail(strategy, message) {
  throw new InputError("E_STRATEGY", `strategy ${strategy}: ${message}`, { strategy });
}
function checkSpec(strategy, key, spec) {
  if (typeof spec !== "object" || spec === null || !("default" in spec)) fail(strategy, `parameter "${key}" needs a default`);
  const d = spec.default;
  if (typeof d === "number") {
    if (!Number.isFinite(d)) fail(strategy, `parameter "${key}": default must be a finite number`);
    if (spec.min !== void 0 && d < spec.min) fail(strategy, `parameter "${key}": default ${d} is below min ${spec.min}`);
    if (spec.max !== void 0 && d > spec.max) fail(strategy, `parameter "${key}": default ${d} is above max ${spec.max}`);
    if (spec.integer && !Number.isInteger(d)) fail(strategy, `parameter "${key}": default ${d} is not a whole number`);
  } else if (typeof d === "string") {
    if (spec.options && !spec.options.includes(d)) fail(strategy, `parameter "${key}": default "${d}" is not one of ${spec.options.join(", ")}`);
  } else if (typeof d !== "boolean") {
    fail(strategy, `parameter "${key}": default must be a number, boolean or string`);
  }
}
function coerce(strategy, key, spec, value) {
  const d = spec.default;
  if (typeof d === "number") {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n)) fail(strategy, `parameter "${key}" must be a number, got ${JSON.stringify(value)}`);
    if (spec.integer && !Number.isInteger(n)) fail(strategy, `parameter "${key}" must be a whole number, got ${n}`);
    if (spec.min !== void 0 && n < spec.min) fail(strategy, `parameter "${key}" = ${n} is below the minimum ${spec.min}`);
    if (spec.max !== void 0 && n > spec.max) fail(strategy, `parameter "${key}" = ${n} is above the maximum ${spec.max}`);
    return n;
  }
  if (typeof d === "boolean") {
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
    fail(strategy, `parameter "${key}" must be true or false, got ${JSON.stringify(value)}`);
  }
  if (typeof value !== "string") fail(strategy, `parameter "${key}" must be a string, got ${JSON.stringify(value)}`);
  if (spec.options && !spec.options.includes(value)) fail(strategy, `parameter "${key}" = "${value}" is not one of ${spec.options.join(", ")}`);
  return value;
}
function defineStrategy(def) {
  if (typeof def !== "object" || def === null) throw new InputError("E_STRATEGY", "defineStrategy: expected a definition object");
  const name = def.name;
  if (typeof name !== "string" || !NAME_RE.test(name)) {
    throw new InputError("E_STRATEGY", `defineStrategy: name ${JSON.stringify(name)} must be lower_snake_case (it is the registry and config key)`);
  }
  if (typeof def.onBar !== "function") fail(name, "onBar must be a function");
  if (typeof def.warmupBars !== "function") fail(name, "warmupBars must be a function of the params");
  if (def.precompute !== void 0 && typeof def.precompute !== "function") fail(name, "precompute must be a function");
  if (def.when !== void 0 && (typeof def.when !== "string" || def.when === "" || def.precompute === void 0)) {
    fail(name, `when must name one of its precomputed series, got ${JSON.stringify(def.when)}${def.precompute === void 0 ? " (it has no precompute)" : ""}`);
  }
  const timeframe = def.timeframe ?? "1h";
  if (!isTimeframe(timeframe)) fail(name, `unknown timeframe "${timeframe}"; allowed: ${TIMEFRAME_NAMES.join(", ")}`);
  const params = def.params ?? {};
  for (const [key, spec] of Object.entries(params)) checkSpec(name, key, spec);
  const resolveParams = (overrides = {}) => {
    const out = {};
    for (const key of Object.keys(overrides)) {
      if (!Object.hasOwn(params, key)) {
        const known = Object.keys(params);
        fail(name, `unknown parameter "${key}"; known: ${known.length ? known.join(", ") : "(none)"}`);
      }
    }
    for (const [key, spec] of Object.entries(params)) {
      out[key] = overrides[key] === void 0 ? spec.default : coerce(name, key, spec, overrides[key]);
    }
    return Object.freeze(out);
  };
  const warm = resolveParams();
  const bars = def.warmupBars(warm, timeframe);
  if (!Number.isInteger(bars) || bars < 0) fail(name, `warmupBars must return a whole number >= 0, got ${bars}`);
  return Object.freeze({
    ...def,
    kind: "mts.strategy",
    description: def.description ?? "",
    timeframe,
    symbols: Object.freeze([...def.symbols ?? []]),
    macro: Object.freeze([...def.macro ?? []]),
    params,
    resolveParams
  });
}

// src/strategies/builtin/common.ts
function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}
function strengthOf(confidence, strong, moderate) {
  return confidence > strong ? "STRONG" : confidence > moderate ? "MODERATE" : "WEAK";
}
function barsPerYear(barMs) {
  return 365 * 864e5 / barMs;
}
function shifted(x, lag) {
  const out = new Float64Array(x.length).fill(Number.NaN);
  for (let i = lag; i < x.length; i++) out[i] = x[i - lag];
  return out;
}
function upBars(close) {
  const out = new Float64Array(close.length);
  out[0] = Number.NaN;
  for (let i = 1; i < close.length; i++) {
    const a = close[i - 1];
    const b = close[i];
    out[i] = Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : b > a ? 1 : 0;
  }
  return out;
}

// src/strategies/builtin/mean_reversion.ts
var meanReversion = defineStrategy({
  name: "mean_reversion",
  description: "Long-only dip buying when VIX is high and the asset is well below its recent high",
  timeframe: "1d",
  symbols: ["BTC/USDT", "ETH/USDT", "BNB/USDT", "SOL/USDT", "DOGE/USDT", "LINK/USDT"],
  macro: ["VIXCLS"],
  params: {
    vixThreshold: { default: 20, min: 0, description: "VIX must be above this" },
    drawdownThreshold: { default: 0.07, min: 0, max: 1, description: "drawdown from the lookback high must exceed this" },
    lookbackDays: { default: 14, min: 1, description: "the high is taken over this many days" },
    rsiDays: { default: 14, min: 2, description: "RSI period, days" },
    vixPercentileDays: { default: 180, min: 2, description: "history the VIX percentile is taken over, days" },
    baseSize: { default: 0.025, min: 0, max: 1, description: "base position size, fraction of equity" },
    maxSize: { default: 0.05, min: 0, max: 1, description: "size cap" }
  },
  warmupBars: (p, tf) => Math.max(barsIn(p.lookbackDays, tf), barsIn(p.rsiDays, tf) + 1, barsIn(p.vixPercentileDays, tf)),
  precompute: ({ candles, params: p, timeframe, macro }) => {
    const vix = macro("VIXCLS");
    return {
      vix,
      vixPercentile: percentileRank(vix, barsIn(p.vixPercentileDays, timeframe)),
      drawdown: drawdownFromHigh(candles.close, barsIn(p.lookbackDays, timeframe)),
      rsi: rsi(candles.close, barsIn(p.rsiDays, timeframe))
    };
  },
  onBar: ({ bar, params: p, position }) => {
    const vix = bar.value("vix");
    const dd = bar.value("drawdown");
    if (!(vix > p.vixThreshold && dd > p.drawdownThreshold) || position() === "LONG") return null;
    const pct2 = bar.value("vixPercentile");
    const r = bar.value("rsi");
    const parts = [
      Math.min((vix - p.vixThreshold) / 10, 1),
      Math.min((dd - p.drawdownThreshold) / 0.1, 1),
      Number.isFinite(pct2) ? pct2 / 100 : 0.5,
      Number.isFinite(r) ? Math.max((30 - r) / 30, 0.1) : 0.1
    ];
    const confidence = clamp((parts[0] + parts[1] + parts[2] + parts[3]) / 4, 0, 1);
    const price = bar.close();
    return {
      side: "LONG",
      confidence,
      strength: strengthOf(confidence, 0.7, 0.5),
      size: Math.min(p.maxSize, p.baseSize * clamp(25 / Math.max(vix, 15), 0.5, 1) * (0.5 + 0.5 * confidence)),
      stopLoss: price * (1 - (0.03 + 0.5 * dd)),
      takeProfit: price * (1 + 0.6 * dd),
      meta: { vix, drawdown: dd, vix_percentile: pct2, rsi: r }
    };
  }
});

// src/strategies/builtin/regime.ts
function averagePairwise(returns, period, n) {
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  for (let a = 0; a < returns.length; a++) {
    for (let b = a + 1; b < returns.length; b++) {
      const c2 = rollingCorrelation(returns[a], returns[b], period);
      for (let i = 0; i < n; i++) {
        if (Number.isFinite(c2[i])) {
          sum[i] += c2[i];
          count[i]++;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) sum[i] = count[i] > 0 ? sum[i] / count[i] : Number.NaN;
  return sum;
}
function regimeSeries(closes, bars, p) {
  const n = closes[0]?.length ?? 0;
  const returns = closes.map((c2) => logReturns(c2));
  const windows = [7, 14, 30, 60].map((d) => averagePairwise(returns, bars(d), n));
  const avg = new Float64Array(n);
  const leverage = new Float64Array(n);
  const riskOff = new Float64Array(n);
  const decayPerBar = 1 / bars(p.riskOffDays);
  let level2 = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    let k = 0;
    for (const w of windows) {
      if (Number.isFinite(w[i])) {
        s += w[i];
        k++;
      }
    }
    avg[i] = k > 0 ? s / k : Number.NaN;
    const x = avg[i];
    const t = (x - p.lowCorr) / (p.highCorr - p.lowCorr || 1);
    leverage[i] = Number.isNaN(x) ? Number.NaN : x <= p.lowCorr ? 1 : x >= p.highCorr ? p.minLeverage : 1 - t * (1 - p.minLeverage);
    const c7 = windows[0][i];
    const c30 = windows[2][i];
    level2 = Math.max(0, level2 - decayPerBar);
    if (c7 - c30 > p.riskOffJump && c7 > p.riskOffLevel) level2 = 1;
    riskOff[i] = 1 - p.riskOffCut * level2;
  }
  return { avgCorr: avg, leverage, riskOffFactor: riskOff };
}

// src/strategies/builtin/multi_bucket.ts
var multiBucket = defineStrategy({
  name: "multi_bucket",
  description: "Cross-sectional momentum, BTC-residual, mean-reversion and ETH\u2013BNB pair buckets with a correlation regime",
  timeframe: "1d",
  symbols: ["BTC/USDT", "ETH/USDT", "BNB/USDT", "SOL/USDT", "XRP/USDT", "DOGE/USDT", "ADA/USDT", "AVAX/USDT", "DOT/USDT", "LINK/USDT"],
  params: {
    factor: { default: "BTC/USDT", description: "the factor the residual bucket regresses on" },
    zHistoryDays: { default: 180, min: 10, description: "history each momentum is z-scored against, days" },
    momentumThreshold: { default: 0.75, description: "composite momentum z needed for LONG" },
    minMomentum7: { default: 0.04, description: "7-day momentum needed for LONG" },
    momentumBaseSize: { default: 0.02, min: 0, max: 1, description: "momentum size before the confidence band and the leverage factor" },
    maxSize: { default: 0.2, min: 0, max: 1, description: "size cap" },
    betaDays: { default: 60, min: 5, description: "OLS window of returns on the factor, days" },
    residualZDays: { default: 20, min: 3, description: "z-score window of the residual, days" },
    residualZ: { default: 1, min: 0, description: "|residual z| needed for a residual signal" },
    residualLongSize: { default: 8e-3, min: 0, max: 1, description: "residual LONG size (\xD71.25 above z 1.5)" },
    residualShortSize: { default: 6e-3, min: 0, max: 1, description: "residual SHORT size" },
    meanReversionZ: { default: 2, min: 0, description: "|7-day momentum z| needed for a mean-reversion signal" },
    meanReversionMaxCorr: { default: 0.15, min: -1, max: 1, description: "the bucket is active only below this average correlation" },
    meanReversionSize: { default: 0.01, min: 0, max: 1, description: "mean-reversion size" },
    pairA: { default: "ETH/USDT", description: "first leg of the pair" },
    pairB: { default: "BNB/USDT", description: "second leg of the pair" },
    pairDays: { default: 60, min: 5, description: "spread z-score window, days" },
    pairZ: { default: 2, min: 0, description: "|spread z| needed to trade the pair" },
    pairMinCorr: { default: 0.65, min: -1, max: 1, description: "30-day correlation of the legs must exceed this" },
    pairCorrDrop: { default: 0.05, min: 0, max: 2, description: "the 7-day correlation must be this far below the 30-day" },
    pairSize: { default: 0.01, min: 0, max: 1, description: "size of each leg" },
    lowCorr: { default: 0.15, min: -1, max: 1, description: "full size at or below this average correlation" },
    highCorr: { default: 0.5, min: -1, max: 1, description: "minimum size factor at or above this" },
    minLeverage: { default: 0.4, min: 0, max: 1, description: "size factor at high correlation" },
    riskOffJump: { default: 0.1, min: 0, description: "a rise of the 7-day over the 30-day average correlation by this..." },
    riskOffLevel: { default: 0.25, min: -1, max: 1, description: "...to above this level is risk-off" },
    riskOffCut: { default: 0.5, min: 0, max: 1, description: "size cut at the start of risk-off" },
    riskOffDays: { default: 5, min: 1, description: "days over which risk-off decays away" },
    stopPct: { default: 0.05, min: 0, max: 1, description: "stop distance" },
    targetPct: { default: 0.1, min: 0, max: 1, description: "target distance" }
  },
  warmupBars: (p, tf) => barsIn(Math.max(p.zHistoryDays + 30, p.betaDays + p.residualZDays, p.pairDays, 61), tf),
  precompute: ({ candles, params: p, timeframe, symbol, symbols, assetClose }) => {
    const bars = (d) => barsIn(d, timeframe);
    const close = candles.close;
    const m7 = pctChange(close, bars(7));
    const m14 = pctChange(close, bars(14));
    const m30 = pctChange(close, bars(30));
    const up = sma(upBars(close), bars(14));
    const out = {
      m7,
      m14,
      m30,
      z7: zscore(m7, bars(p.zHistoryDays)),
      z14: zscore(m14, bars(p.zHistoryDays)),
      z30: zscore(m30, bars(p.zHistoryDays)),
      ms: up.map((x) => x - 0.5),
      ...regimeSeries(symbols.map((s) => s === symbol ? close : assetClose(s)), bars, p)
    };
    const none = new Float64Array(close.length).fill(Number.NaN);
    Object.assign(out, { residualZ: none, pairZ: none, pairCorr30: none, pairCorr7: none });
    const ret = logReturns(close);
    const factor = symbol === p.factor ? void 0 : assetClose(p.factor);
    if (factor) out.residualZ = zscore(olsBeta(ret, logReturns(factor), bars(p.betaDays)).residual, bars(p.residualZDays));
    const other = symbol === p.pairA ? assetClose(p.pairB) : symbol === p.pairB ? assetClose(p.pairA) : void 0;
    if (other) {
      const a = symbol === p.pairA ? close : other;
      const b = symbol === p.pairA ? other : close;
      const spread = a.map((x, i) => Math.log(x) - Math.log(b[i]));
      const ra = logReturns(a);
      const rb = logReturns(b);
      out.pairZ = zscore(spread, bars(p.pairDays));
      out.pairCorr30 = rollingCorrelation(ra, rb, bars(30));
      out.pairCorr7 = rollingCorrelation(ra, rb, bars(7));
    }
    return out;
  },
  onBar: ({ bar, params: p, symbol, position }) => {
    const scale = bar.value("leverage") * bar.value("riskOffFactor");
    if (!(scale > 0)) return null;
    const price = bar.close();
    const held = position();
    const emit = (side, confidence, size, bucket, meta) => {
      if (held === side) return null;
      const c2 = clamp(confidence, 0, 1);
      const dir = side === "LONG" ? 1 : -1;
      return {
        side,
        confidence: c2,
        strength: strengthOf(c2, 0.75, 0.5),
        size: Math.min(p.maxSize, size * scale),
        stopLoss: price * (1 - dir * p.stopPct),
        takeProfit: price * (1 + dir * p.targetPct),
        meta: { bucket, leverage_factor: bar.value("leverage"), risk_off_factor: bar.value("riskOffFactor"), average_correlation: bar.value("avgCorr"), ...meta }
      };
    };
    if (symbol === p.pairA || symbol === p.pairB) {
      const z2 = bar.value("pairZ");
      const c30 = bar.value("pairCorr30");
      if (Math.abs(z2) > p.pairZ && c30 > p.pairMinCorr && c30 - bar.value("pairCorr7") >= p.pairCorrDrop) {
        const side = z2 > 0 === (symbol === p.pairA) ? "SHORT" : "LONG";
        return emit(side, Math.min(Math.abs(z2) / 3, 1), p.pairSize, "pair", { pair: `${p.pairA}~${p.pairB}`, spread_z: z2 });
      }
    }
    const [m7, m14, m30, z7, z30] = [bar.value("m7"), bar.value("m14"), bar.value("m30"), bar.value("z7"), bar.value("z30")];
    const cm = 0.5 * z7 + 0.3 * bar.value("z14") + 0.2 * z30;
    const ms = bar.value("ms");
    if (cm > p.momentumThreshold && m7 > p.minMomentum7 && m7 > 0 && m14 > 0 && m30 > 0 && (m7 - m14 > 0 || z30 > 1.5) && ms > 0) {
      const c2 = Math.min(cm / 2, 1);
      const band = c2 > 0.8 ? 1 : c2 > 0.6 ? 0.85 : 0.7;
      return emit("LONG", c2, p.momentumBaseSize * band, "momentum", { composite_momentum: cm, momentum_strength: ms });
    }
    const rz = bar.value("residualZ");
    if (rz > p.residualZ) return emit("LONG", Math.min(rz / 3, 1), p.residualLongSize * (rz > 1.5 ? 1.25 : 1), "residual", { residual_z: rz });
    if (rz < -p.residualZ) return emit("SHORT", Math.min(-rz / 3, 1), p.residualShortSize, "residual", { residual_z: rz });
    if (bar.value("avgCorr") < p.meanReversionMaxCorr) {
      if (z7 > p.meanReversionZ && ms < 0) return emit("SHORT", Math.min(z7 / 3, 1), p.meanReversionSize, "mean_reversion", { z7 });
      if (z7 < -p.meanReversionZ && ms > 0) return emit("LONG", Math.min(-z7 / 3, 1), p.meanReversionSize, "mean_reversion", { z7 });
    }
    return null;
  }
});

// src/strategies/builtin/ripple.ts
var ripple = defineStrategy({
  name: "ripple",
  description: "XRP buy/sell scores from RSI, MACD, Bollinger, volume, VIX, the dollar index and decoupling from BTC",
  timeframe: "1h",
  symbols: ["XRP/USDT"],
  macro: ["VIXCLS", "DTWEXBGS"],
  params: {
    benchmark: { default: "BTC/USDT", description: "the asset decoupling is measured against" },
    rsiPeriod: { default: 14, min: 2, integer: true, description: "bars" },
    macdFast: { default: 12, min: 1, integer: true, description: "MACD fast EMA, bars" },
    macdSlow: { default: 26, min: 2, integer: true, description: "MACD slow EMA, bars" },
    macdSignal: { default: 9, min: 1, integer: true, description: "MACD signal EMA, bars" },
    bollingerPeriod: { default: 20, min: 2, integer: true, description: "Bollinger period, bars" },
    bollingerK: { default: 2, min: 0, description: "Bollinger width, \u03C3" },
    volumeAvgHours: { default: 24, min: 1, description: "average volume window, hours" },
    decouplingDays: { default: 30, min: 2, description: "window of the correlation with the benchmark, days" },
    decouplingMax: { default: 0.7, min: 0, max: 1, description: "|correlation with the benchmark| below this counts as decoupled" },
    dollarAvgDays: { default: 30, min: 2, description: "the dollar index is weak below its mean of these days" },
    vixLow: { default: 15, min: 0, description: "VIX below this adds to the buy score" },
    vixHigh: { default: 25, min: 0, description: "VIX above this adds to the sell score" },
    volRegimeDays: { default: 30, min: 2, description: "history for the high/low volatility size adjustment" },
    buyThreshold: { default: 0.4, min: 0, max: 2, description: "LONG when the buy score reaches this" },
    sellThreshold: { default: 0.36, min: 0, max: 2, description: "SHORT when the sell score reaches this" },
    baseSize: { default: 0.03, min: 0, max: 1, description: "size = baseSize\xB7(1 + 2\xB7(confidence \u2212 0.5)), \xD70.8 in high and \xD71.3 in low volatility" },
    maxSize: { default: 0.08, min: 0, max: 1, description: "size cap" },
    stopPct: { default: 0.03, min: 0, max: 1, description: "stop distance" },
    targetPct: { default: 0.06, min: 0, max: 1, description: "target distance" }
  },
  warmupBars: (p, tf) => Math.max(p.macdSlow + p.macdSignal, p.bollingerPeriod, p.rsiPeriod + 1, barsIn(p.decouplingDays, tf) + 1, barsIn(p.volRegimeDays, tf) + 24),
  precompute: ({ candles, params: p, timeframe, macro, assetClose }) => {
    const bars = (d) => barsIn(d, timeframe);
    const m = macd(candles.close, p.macdFast, p.macdSlow, p.macdSignal);
    const bb = bollinger(candles.close, p.bollingerPeriod, p.bollingerK);
    const ret = logReturns(candles.close);
    const bench = assetClose(p.benchmark);
    const dollar = macro("DTWEXBGS");
    const vol = rollingStd(ret, bars(1), 1);
    return {
      rsi: rsi(candles.close, p.rsiPeriod),
      macd: m.macd,
      macdSignal: m.signal,
      upper: bb.upper,
      lower: bb.lower,
      volumeAvg: sma(candles.volume, bars(p.volumeAvgHours / 24)),
      decoupling: bench ? rollingCorrelation(ret, logReturns(bench), bars(p.decouplingDays)) : new Float64Array(candles.length).fill(Number.NaN),
      vix: macro("VIXCLS"),
      dollar,
      dollarAvg: sma(dollar, bars(p.dollarAvgDays)),
      volRank: percentileRank(vol, bars(p.volRegimeDays))
    };
  },
  onBar: ({ bar, params: p, now, position }) => {
    const price = bar.close();
    const r = bar.value("rsi");
    const crossUp = bar.value("macd") > bar.value("macdSignal") && bar.value("macd", 1) <= bar.value("macdSignal", 1);
    const crossDown = bar.value("macd") < bar.value("macdSignal") && bar.value("macd", 1) >= bar.value("macdSignal", 1);
    const surge = bar.volume() / bar.value("volumeAvg");
    const volumeScore = surge >= 2 ? 0.25 : surge >= 1.5 ? 0.15 : 0;
    const vix = bar.value("vix");
    const dollar = bar.value("dollar");
    const dollarAvg = bar.value("dollarAvg");
    const corr = bar.value("decoupling");
    let buy = (r < 30 ? 0.25 : r < 40 ? 0.15 : 0) + (crossUp ? 0.2 : 0) + (price < bar.value("lower") ? 0.15 : 0) + volumeScore;
    buy += (vix < p.vixLow ? 0.15 : 0) + (dollar < dollarAvg ? 0.15 : 0) + (Math.abs(corr) < p.decouplingMax ? 0.15 : 0);
    let sell = (r > 70 ? 0.3 : r > 60 ? 0.2 : 0) + (crossDown ? 0.25 : 0) + (price > bar.value("upper") ? 0.2 : 0) + volumeScore;
    sell += (vix > p.vixHigh ? 0.15 : 0) + (dollar > dollarAvg ? 0.15 : 0);
    const hour = new Date(now).getUTCHours();
    const session = hour >= 22 || hour < 6 ? 1.2 : hour >= 13 && hour < 21 ? 1.1 : 1;
    buy *= session;
    sell *= session;
    let side = null;
    if (buy >= p.buyThreshold && (sell < p.sellThreshold || buy >= sell)) side = "LONG";
    else if (sell >= p.sellThreshold) side = "SHORT";
    if (!side || position() === side) return null;
    const confidence = Math.min(1, side === "LONG" ? buy : sell);
    const volRank = bar.value("volRank");
    const regime = volRank > 80 ? 0.8 : volRank < 20 ? 1.3 : 1;
    const dir = side === "LONG" ? 1 : -1;
    return {
      side,
      confidence,
      strength: strengthOf(confidence, 0.75, 0.5),
      size: Math.min(p.maxSize, p.baseSize * (1 + (confidence - 0.5) * 2) * regime),
      stopLoss: price * (1 - dir * p.stopPct),
      takeProfit: price * (1 + dir * p.targetPct),
      meta: { buy_score: buy, sell_score: sell, rsi: r, volume_surge: surge, vix, dollar_index: dollar, dollar_average: dollarAvg, btc_correlation: corr }
    };
  }
});

// src/strategies/builtin/sma_cross.ts
var LONG = Object.freeze({ side: "LONG", confidence: 1, size: 1 });
var CLOSE = Object.freeze({ side: "CLOSE", confidence: 1, size: 1 });
var smaCross = defineStrategy({
  name: "sma_cross",
  description: "Reference: long on a fast-over-slow SMA cross while flat, close on the opposite cross",
  timeframe: "1h",
  params: {
    fast: { default: 10, min: 1, integer: true, description: "fast SMA period, bars" },
    slow: { default: 30, min: 2, integer: true, description: "slow SMA period, bars" }
  },
  warmupBars: (p) => Math.max(p.fast, p.slow),
  precompute: ({ candles, params }) => ({ cross: smaCrossings(candles.close, params.fast, params.slow) }),
  when: "cross",
  onBar: ({ bar, position }) => {
    const cross = bar.value("cross");
    if (cross === 0) return null;
    const held = position();
    if (held === null && cross > 0) return LONG;
    if (held === "LONG" && cross < 0) return CLOSE;
    return null;
  }
});

// src/strategies/builtin/volatility.ts
var volatility = defineStrategy({
  name: "volatility",
  description: "Realized-volatility regime: LONG on a breakout above the 75th percentile, SHORT above the 95th",
  timeframe: "1h",
  params: {
    windowHours: { default: 24, min: 2, description: "realized-volatility window, hours" },
    historyDays: { default: 30, min: 2, description: "history the volatility is ranked against, days" },
    thresholdPercentile: { default: 75, min: 0, max: 100, description: "breakout percentile (LONG above it)" },
    extremePercentile: { default: 95, min: 0, max: 100, description: "extreme percentile (SHORT above it)" },
    exitPercentile: { default: 50, min: 0, max: 100, description: "close the position when volatility ranks below this" },
    minConfidence: { default: 0.6, min: 0, max: 1, description: "drop signals below this confidence" },
    baseSize: { default: 0.02, min: 0, max: 1, description: "size = baseSize \xD7 strength \xD7 confidence" },
    maxSize: { default: 0.05, min: 0, max: 1, description: "size cap" },
    stopPct: { default: 0.02, min: 0, max: 1, description: "stop distance before the volatility multiplier" },
    targetPct: { default: 0.04, min: 0, max: 1, description: "target distance before the volatility multiplier" }
  },
  warmupBars: (p, tf) => barsIn(p.windowHours / 24, tf) + barsIn(p.historyDays, tf),
  precompute: ({ candles, params, timeframe }) => {
    const barMs = TIMEFRAMES[timeframe];
    const window = Math.max(2, barsIn(params.windowHours / 24, timeframe));
    const history = barsIn(params.historyDays, timeframe);
    const perBar = rollingStd(logReturns(candles.close), window, 1);
    const annual = new Float64Array(perBar.length);
    const daily = new Float64Array(perBar.length);
    const toYear = Math.sqrt(barsPerYear(barMs));
    const toDay = Math.sqrt(864e5 / barMs);
    for (let i = 0; i < perBar.length; i++) {
      annual[i] = perBar[i] * toYear;
      daily[i] = perBar[i] * toDay;
    }
    return { vol: annual, dailyVol: daily, rank: percentileRank(annual, history), mean: sma(annual, history) };
  },
  onBar: ({ bar, params: p, position }) => {
    const vol = bar.value("vol");
    const rank2 = bar.value("rank");
    const mean2 = bar.value("mean");
    if (!(vol > 0 && rank2 >= 0 && mean2 > 0)) return null;
    const held = position();
    if (rank2 < p.exitPercentile) return held ? { side: "CLOSE", confidence: 0.6, meta: { vol, rank: rank2 } } : null;
    const ratio = vol / mean2;
    let side;
    let strength;
    let confidence;
    if (rank2 > p.extremePercentile) {
      side = "SHORT";
      strength = Math.min(1, ratio / 3);
      confidence = Math.min(0.8, 0.5 + 0.3 * strength);
    } else if (rank2 > p.thresholdPercentile) {
      side = "LONG";
      strength = Math.min(1, ratio / 2);
      confidence = Math.min(0.9, 0.6 + 0.3 * strength);
    } else return null;
    if (confidence < p.minConfidence || held === side) return null;
    const price = bar.close();
    const m = clamp(bar.value("dailyVol") * 100, 1, 3);
    const dir = side === "LONG" ? 1 : -1;
    return {
      side,
      confidence,
      strength: strengthOf(confidence, 0.75, 0.5),
      size: Math.min(p.maxSize, p.baseSize * strength * confidence),
      stopLoss: price * (1 - dir * p.stopPct * m),
      takeProfit: price * (1 + dir * p.targetPct * m),
      meta: { volatility: vol, percentile: rank2, threshold_percentile: p.thresholdPercentile, ratio }
    };
  }
});

// src/strategies/builtin/vix_correlation.ts
var WINDOW_KEYS = ["window1Days", "window2Days", "window3Days"];
var vixCorrelation = defineStrategy({
  name: "vix_correlation",
  description: "Crypto vs VIX: VIX spikes, then rolling correlation over windows and lags, with VIX/RSI/drawdown filters",
  timeframe: "1d",
  symbols: ["BTC/USDT", "ETH/USDT"],
  macro: ["VIXCLS"],
  params: {
    lookbackDays: { default: 180, min: 10, description: "VIX percentile history, days" },
    baseSize: { default: 0.02, min: 0, max: 1, description: "base position size, fraction of equity" },
    corrThreshold: { default: 0.4, min: 0, max: 1, description: "|correlation| needed for a correlation signal" },
    window1Days: { default: 14, min: 3, description: "first correlation window, days" },
    window2Days: { default: 21, min: 3, description: "second correlation window, days" },
    window3Days: { default: 30, min: 3, description: "third correlation window, days" },
    maxLagDays: { default: 3, min: 0, max: 10, integer: true, description: "lags \u2212max..max days between crypto returns and VIX changes" },
    minAgreement: { default: 2, min: 1, integer: true, description: "(window, lag) pairs that must agree" },
    spikeMeanDays: { default: 10, min: 2, description: "VIX spike bands: mean and \u03C3 over these days" },
    spikeSigma: { default: 1.5, min: 0, description: "VIX beyond mean \xB1 this many \u03C3 is a spike" },
    spikeChangeDays: { default: 3, min: 1, description: "days of the VIX change that counts as a spike" },
    spikeChange: { default: 0.1, min: 0, description: "VIX change over spikeChangeDays that counts as a spike" },
    usePercentile: { default: false, description: "also trade the VIX percentile regime" },
    percentileHigh: { default: 60, min: 0, max: 100, description: "VIX percentile at or above which the regime says LONG" },
    percentileLow: { default: 40, min: 0, max: 100, description: "VIX percentile at or below which the regime says SHORT" },
    vixMinLong: { default: 18, min: 0, description: "LONG only with VIX at or above this" },
    vixMinShort: { default: 20, min: 0, description: "SHORT only with VIX at or above this" },
    rsiDays: { default: 14, min: 2, description: "RSI period, days" },
    rsiMaxLong: { default: 55, min: 0, max: 100, description: "LONG only with RSI at or below this" },
    rsiMinShort: { default: 45, min: 0, max: 100, description: "SHORT only with RSI at or above this" },
    moveDays: { default: 14, min: 1, description: "window of the high/low the drawdown/rise filters use" },
    minDrawdownLong: { default: 0.03, min: 0, max: 1, description: "LONG needs this drop from the moveDays high" },
    minRiseShort: { default: 0.03, min: 0, max: 1, description: "SHORT needs this rise from the moveDays low" }
  },
  warmupBars: (p, tf) => barsIn(Math.max(p.lookbackDays, p.window1Days, p.window2Days, p.window3Days) + p.maxLagDays + 1, tf),
  precompute: ({ candles, params: p, timeframe, macro }) => {
    const bars = (d) => barsIn(d, timeframe);
    const vix = macro("VIXCLS");
    const ret = pctChange(candles.close, 1);
    const vixChange = pctChange(vix, 1);
    const out = {
      vix,
      vixMean: sma(vix, bars(p.spikeMeanDays)),
      vixStd: rollingStd(vix, bars(p.spikeMeanDays), 1),
      vixRoc: pctChange(vix, bars(p.spikeChangeDays)),
      vixPercentile: percentileRank(vix, bars(p.lookbackDays)),
      rsi: rsi(candles.close, bars(p.rsiDays)),
      moveHigh: rollingMax(candles.close, bars(p.moveDays)),
      moveLow: rollingMin(candles.close, bars(p.moveDays)),
      vol14: rollingStd(ret, bars(14), 1)
    };
    for (const wk of WINDOW_KEYS) {
      for (let lag = -p.maxLagDays; lag <= p.maxLagDays; lag++) {
        const l = bars(Math.abs(lag)) * (lag === 0 ? 0 : 1);
        const x = lag < 0 ? shifted(ret, l) : ret;
        const y = lag > 0 ? shifted(vixChange, l) : vixChange;
        out[`corr_${p[wk]}_${lag}`] = rollingCorrelation(x, y, bars(p[wk]));
      }
    }
    return out;
  },
  onBar: ({ bar, params: p, position }) => {
    const vix = bar.value("vix");
    if (!(vix > 0)) return null;
    const mean2 = bar.value("vixMean");
    const sd = bar.value("vixStd");
    const z2 = sd > 0 ? (vix - mean2) / sd : 0;
    const roc = bar.value("vixRoc");
    let side = null;
    let reason = "";
    if (z2 > p.spikeSigma || roc >= p.spikeChange) [side, reason] = ["LONG", "vix_spike_up"];
    else if (z2 < -p.spikeSigma || roc <= -p.spikeChange) [side, reason] = ["SHORT", "vix_spike_down"];
    let best2 = 0;
    let agree = 0;
    if (!side) {
      for (const wk of WINDOW_KEYS) {
        for (let lag = -p.maxLagDays; lag <= p.maxLagDays; lag++) {
          const c2 = bar.value(`corr_${p[wk]}_${lag}`);
          if (Math.abs(c2) > Math.abs(best2)) best2 = c2;
        }
      }
      for (const wk of WINDOW_KEYS) {
        for (let lag = -p.maxLagDays; lag <= p.maxLagDays; lag++) {
          const c2 = bar.value(`corr_${p[wk]}_${lag}`);
          if (Math.abs(c2) >= p.corrThreshold && Math.sign(c2) === Math.sign(best2)) agree++;
        }
      }
      if (agree >= p.minAgreement && best2 <= -p.corrThreshold) [side, reason] = ["LONG", "negative_correlation"];
      else if (agree >= p.minAgreement && best2 >= p.corrThreshold) [side, reason] = ["SHORT", "positive_correlation"];
    }
    const pct2 = bar.value("vixPercentile");
    if (!side && p.usePercentile) {
      if (pct2 >= p.percentileHigh) [side, reason] = ["LONG", "vix_percentile_high"];
      else if (pct2 <= p.percentileLow) [side, reason] = ["SHORT", "vix_percentile_low"];
    }
    if (!side || position() === side) return null;
    const price = bar.close();
    const r = bar.value("rsi");
    if (side === "LONG") {
      const dd = (bar.value("moveHigh") - price) / bar.value("moveHigh");
      if (!(vix >= p.vixMinLong && r <= p.rsiMaxLong && dd >= p.minDrawdownLong)) return null;
    } else {
      const rise = (price - bar.value("moveLow")) / bar.value("moveLow");
      if (!(vix >= p.vixMinShort && r >= p.rsiMinShort && rise >= p.minRiseShort)) return null;
    }
    const calm = clamp(25 / Math.max(vix, 10), 0.6, 1);
    const rocPart = Number.isFinite(roc) ? Math.min(1, Math.abs(roc / p.spikeChange || 0)) : 0;
    const confidence = clamp(0.5 * (Math.min(Math.abs(z2) / p.spikeSigma || 0, 1) + rocPart), 0.5, 1) * calm;
    const vol14 = bar.value("vol14");
    const volScale = vol14 > 0 ? clamp(0.02 / vol14, 0.5, 1) : 0.5;
    const ru = clamp(3 * (vol14 > 0 ? vol14 : 0.04), 0.03, 0.12);
    const dir = side === "LONG" ? 1 : -1;
    return {
      side,
      confidence,
      strength: strengthOf(confidence, 0.75, 0.5),
      size: p.baseSize * clamp(25 / Math.max(vix, 10), 0.5, 1) * volScale,
      stopLoss: price * (1 - dir * ru),
      takeProfit: price * (1 + dir * 2 * ru),
      meta: { reason, vix, vix_z: z2, vix_change: roc, best_correlation: best2, agreeing_pairs: agree, vix_percentile: pct2, rsi: r }
    };
  }
});

// src/strategies/builtin/index.ts
var BUILTIN_STRATEGIES = Object.freeze([vixCorrelation, meanReversion, volatility, multiBucket, ripple, smaCross]);

// bench/backtest.bench.ts
var H = 36e5;
var T0 = Date.UTC(2020, 0, 1);
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function randomWalk(n, seed, start = 100) {
  const r = rng(seed);
  const c2 = { length: n, ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let p = start;
  for (let i = 0; i < n; i++) {
    const o = p;
    p = o * Math.exp((r() - 0.5) * 0.02);
    c2.ts[i] = T0 + i * H;
    c2.open[i] = o;
    c2.close[i] = p;
    c2.high[i] = Math.max(o, p) * (1 + r() * 4e-3);
    c2.low[i] = Math.min(o, p) * (1 - r() * 4e-3);
    c2.volume[i] = 100 + r() * 1e3;
  }
  return c2;
}

// ../../tmp/prof/prof.mts
var c = randomWalk(1e6, 1);
var req = { strategy: smaCross, base: /* @__PURE__ */ new Map([["BTC/USDT", c]]), baseTimeframe: "1h", cash: 1e4, feeBps: 10, slippageBps: 5, sizeOverride: 1, risk: null };
for (let k = 0; k < 5; k++) evaluateBacktest(req);
var N = Number(process.env.N ?? 30);
var best = Infinity;
var tot = 0;
for (let k = 0; k < N; k++) {
  const t = process.cpuUsage();
  const m = evaluateBacktest(req);
  const d = process.cpuUsage(t);
  const ms = (d.user + d.system) / 1e3;
  tot += ms;
  best = Math.min(best, ms);
  if (k === 0) console.log("trades", m.trades);
}
console.log("best ms", best.toFixed(1), "avg", (tot / N).toFixed(1));

/* The MTS dashboard: polls the server's own API every few seconds and draws with lightweight-charts (served locally). */
(() => {
  const REFRESH_MS = 5000;
  const LC = window.LightweightCharts;
  const $ = (id) => document.getElementById(id);
  const state = { symbol: null, timeframe: null, series: [], priceChart: null, candles: null, markers: null, equityChart: null, equity: null, token: sessionStorage.getItem('mts.token') };

  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const pct = (x, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`);
  const fixed = (x, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
  const price = (x) => {
    if (x === null || x === undefined || !Number.isFinite(x)) return '—';
    const digits = x >= 1000 ? 2 : x >= 1 ? 4 : 6;
    return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: digits });
  };
  const when = (ts) => {
    const d = new Date(ts);
    const p = (n) => String(n).padStart(2, '0');
    return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
  };
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  // USDT pairs show as their base asset (BTC), other quotes in full; the cell's title keeps the full symbol.
  const base = (symbol) => (symbol.endsWith('/USDT') ? symbol.slice(0, -5) : symbol);
  const symbolCell = (r) => `<span title="${esc(r.symbol)}">${esc(base(r.symbol))}</span>`;
  const ALERT_TYPE = { trading_signal: 'signal', volatility_spike: 'vol. spike' };
  const signClass = (x) => (x > 0 ? 'pos' : x < 0 ? 'neg' : '');

  async function api(path) {
    const headers = state.token ? { authorization: `Bearer ${state.token}` } : {};
    const res = await fetch(path, { headers });
    if (res.status === 401 || res.status === 403) {
      $('auth').hidden = false;
      throw new Error('unauthorized');
    }
    if (!res.ok && res.status !== 503) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  function table(el, columns, rows, emptyText) {
    const head = `<thead><tr>${columns.map((c) => `<th class="${c.num ? 'num' : ''}">${esc(c.label)}</th>`).join('')}</tr></thead>`;
    const body = rows.length
      ? rows.map((r) => `<tr>${columns.map((c) => `<td class="${c.num ? 'num ' : ''}${c.cls ? c.cls(r) : ''}">${c.html ? c.html(r) : esc(c.value(r))}</td>`).join('')}</tr>`).join('')
      : `<tr><td class="empty-cell" colspan="${columns.length}">${emptyText}</td></tr>`;
    el.innerHTML = `${head}<tbody>${body}</tbody>`;
  }

  const chartOptions = (height) => ({
    autoSize: true,
    height,
    layout: { background: { type: LC.ColorType.Solid, color: 'transparent' }, textColor: '#8b95a7', fontSize: 11, fontFamily: 'system-ui, sans-serif' },
    grid: { vertLines: { color: 'rgba(34,43,61,0.6)' }, horzLines: { color: 'rgba(34,43,61,0.6)' } },
    rightPriceScale: { borderColor: '#222b3d' },
    timeScale: { borderColor: '#222b3d', timeVisible: true, secondsVisible: false },
    crosshair: { mode: LC.CrosshairMode.Normal },
    localization: { priceFormatter: (x) => x.toLocaleString('en-US', { maximumFractionDigits: x >= 1000 ? 0 : x >= 1 ? 2 : 5 }) },
  });

  function ensureCharts() {
    if (!state.priceChart) {
      state.priceChart = LC.createChart($('price-chart'), chartOptions(300));
      state.candles = state.priceChart.addSeries(LC.CandlestickSeries, {
        upColor: '#22c55e', downColor: '#ef4444', borderVisible: false, wickUpColor: '#22c55e', wickDownColor: '#ef4444',
      });
      state.markers = LC.createSeriesMarkers(state.candles, []);
    }
    if (!state.equityChart) {
      state.equityChart = LC.createChart($('equity-chart'), { ...chartOptions(150), layout: { ...chartOptions(150).layout, attributionLogo: false }, rightPriceScale: { borderColor: '#222b3d', scaleMargins: { top: 0.15, bottom: 0.05 } } });
      state.equity = state.equityChart.addSeries(LC.AreaSeries, {
        lineColor: '#6aa6ff', topColor: 'rgba(106,166,255,0.35)', bottomColor: 'rgba(106,166,255,0.02)', lineWidth: 2, priceLineVisible: false,
      });
    }
  }

  const HEALTH_NAMES = [
    ['database', 'Database'], ['scheduler', 'Scheduler'], ['binance', 'Binance'], ['coingecko', 'CoinGecko'], ['fred', 'FRED'], ['paper', 'Paper trader'], ['notifiers', 'Notifiers'],
  ];

  const STATUS_LABEL = { not_configured: 'off' };

  function renderHealth(h) {
    const c = h.components;
    const parts = { database: c.database, scheduler: c.scheduler, ...c.sources, paper: c.paper, notifiers: c.notifiers };
    $('health').innerHTML = HEALTH_NAMES.map(([key, label]) => {
      const p = parts[key] || { status: 'unknown', reason: '' };
      return `<div class="hcard s-${esc(p.status)}" data-component="${key}" title="${esc(p.reason)}"><div class="name">${label}<span class="status">${esc(STATUS_LABEL[p.status] || p.status)}</span></div><div class="reason">${esc(p.reason)}</div></div>`;
    }).join('');
    const overall = $('overall');
    overall.className = `pill pill-${h.status}`;
    overall.textContent = h.status;
  }

  function renderSymbols(sources) {
    const series = sources.series.filter((s) => s.count > 0);
    // One tab per symbol, on its finest stored timeframe that is at least 15m (readable bars).
    const order = ['15m', '1h', '4h', '1d', '5m', '1m'];
    const bySymbol = new Map();
    for (const s of series) {
      const cur = bySymbol.get(s.symbol);
      if (!cur || order.indexOf(s.timeframe) < order.indexOf(cur.timeframe)) bySymbol.set(s.symbol, s);
    }
    state.series = [...bySymbol.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
    if (!state.symbol || !bySymbol.has(state.symbol)) {
      const first = state.series[0];
      state.symbol = first ? first.symbol : null;
    }
    state.timeframe = state.symbol ? bySymbol.get(state.symbol).timeframe : null;
    $('symbols').innerHTML = state.series
      .map((s) => `<button class="tab" role="tab" data-symbol="${esc(s.symbol)}" aria-selected="${s.symbol === state.symbol}">${esc(s.symbol.split('/')[0])}</button>`)
      .join('');
  }

  async function renderMarket() {
    const empty = !state.symbol;
    $('price-empty').hidden = !empty;
    $('price-chart').style.visibility = empty ? 'hidden' : 'visible';
    if (empty) {
      state.candles.setData([]);
      state.markers.setMarkers([]);
      $('market-meta').textContent = '';
      return;
    }
    const q = `symbol=${encodeURIComponent(state.symbol)}&timeframe=${state.timeframe}`;
    // The latest 300 bars: newest first from the API, drawn oldest first.
    const candles = await api(`/api/v1/candles?${q}&limit=300`);
    candles.items.reverse();
    const bars = candles.items.map((k) => ({ time: k.ts / 1000, open: k.open, high: k.high, low: k.low, close: k.close }));
    state.candles.setData(bars);
    const markers = [];
    if (bars.length) {
      const from = candles.items[0].ts;
      const sig = await api(`/api/v1/signals?symbol=${encodeURIComponent(state.symbol)}&from=${from}&limit=200`);
      const times = bars.map((b) => b.time);
      for (const s of sig.items.slice().reverse()) {
        // A signal is stamped at a bar's close; mark the last bar that opened at or before it.
        const t = s.ts / 1000;
        let i = times.length - 1;
        while (i > 0 && times[i] > t) i--;
        const long = s.side === 'LONG';
        markers.push({
          time: times[i],
          position: long ? 'belowBar' : 'aboveBar',
          color: long ? '#22c55e' : s.side === 'SHORT' ? '#ef4444' : '#8b95a7',
          shape: long ? 'arrowUp' : s.side === 'SHORT' ? 'arrowDown' : 'circle',
          text: s.side.toLowerCase(),
        });
      }
      markers.sort((a, b) => a.time - b.time);
    }
    state.markers.setMarkers(markers);
    const last = candles.items[candles.items.length - 1];
    $('market-meta').textContent = last ? `${state.symbol} · ${state.timeframe} · last ${price(last.close)} · ${markers.length} signals` : '';
  }

  function renderPortfolio(p, positions) {
    $('pf-equity').textContent = p.active ? money.format(p.equity) : '—';
    $('pf-equity').dataset.value = p.active ? String(p.equity) : '';
    $('pf-return').textContent = p.active ? pct(p.total_return) : '—';
    $('pf-return').className = `value ${signClass(p.total_return)}`;
    $('pf-cash').textContent = p.active ? money.format(p.cash) : '—';
    $('pf-unrealized').textContent = p.active ? money.format(p.unrealized_pnl) : '—';
    $('pf-unrealized').className = `value ${signClass(p.unrealized_pnl)}`;
    $('pf-meta').textContent = p.active ? `${p.positions} open · ${p.trades} closed trades` : '';
    const curve = p.equity_curve.map((e) => ({ time: e.ts / 1000, value: e.equity }));
    state.equity.setData(curve);
    $('equity-empty').hidden = curve.length > 0;
    $('equity-chart').style.visibility = curve.length ? 'visible' : 'hidden';
    table($('positions'), [
      { label: 'Symbol', value: (r) => r.symbol },
      { label: 'Side', html: (r) => `<span class="side side-${esc(r.side)}">${esc(r.side)}</span>` },
      { label: 'Qty', num: true, value: (r) => fixed(r.quantity, 4) },
      { label: 'Avg', num: true, value: (r) => price(r.avg_price) },
      { label: 'Mark', num: true, value: (r) => price(r.market_price) },
      { label: 'uPnL', num: true, value: (r) => (r.unrealized_pnl === null ? '—' : money.format(r.unrealized_pnl)), cls: (r) => signClass(r.unrealized_pnl) },
    ], positions.items, 'No open positions.');
  }

  const confidence = (c) => `${Math.round(c * 100)}%`;

  function renderSignals(s) {
    $('signals-meta').textContent = `${s.total} stored`;
    table($('signals'), [
      { label: 'Time (UTC)', value: (r) => when(r.ts) },
      { label: 'Asset', html: symbolCell },
      { label: 'Strategy', value: (r) => r.strategy },
      { label: 'Side', html: (r) => `<span class="side side-${esc(r.side)}">${esc(r.side)}</span>` },
      { label: 'Conf.', num: true, value: (r) => confidence(r.confidence) },
      { label: 'Price', num: true, value: (r) => price(r.price) },
    ], s.items, 'No signals yet. Run <code>mts signals</code> or <code>mts run</code>.');
  }

  function renderAlerts(a) {
    $('alerts-meta').textContent = `${a.total} stored`;
    table($('alerts'), [
      { label: 'Time (UTC)', value: (r) => when(r.ts) },
      { label: 'Asset', html: symbolCell },
      { label: 'Type', value: (r) => ALERT_TYPE[r.alert_type] || r.alert_type },
      { label: 'Side', html: (r) => `<span class="side side-${esc(r.signal_type)}">${esc(r.signal_type)}</span>` },
      { label: 'Conf.', num: true, value: (r) => confidence(r.confidence) },
    ], a.items, 'No alerts yet. Alerts appear when aggregated signals pass the confidence bar.');
  }

  function renderBacktests(b) {
    $('backtests-meta').textContent = `${b.total} runs`;
    const m = (r, k) => (r.metrics ? r.metrics[k] : null);
    table($('backtests'), [
      { label: 'Strategy', value: (r) => r.strategy },
      { label: 'Market', value: (r) => `${r.symbols.map((s) => s.split('/')[0]).join(',')} ${r.timeframe}` },
      { label: 'Return', num: true, value: (r) => pct(m(r, 'total_return'), 1), cls: (r) => signClass(m(r, 'total_return')) },
      { label: 'Sharpe', num: true, value: (r) => fixed(m(r, 'sharpe')) },
      { label: 'Max DD', num: true, value: (r) => pct(m(r, 'max_drawdown') === null ? null : -m(r, 'max_drawdown'), 1) },
      { label: 'Trades', num: true, value: (r) => (m(r, 'trades') ?? '—') },
    ], b.items, 'No backtests yet. Try <code>mts backtest --strategy sma_cross</code>.');
  }

  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      ensureCharts();
      const [health, sources, signals, alerts, portfolio, positions, backtests] = await Promise.all([
        api('/health'),
        api('/api/v1/sources'),
        api('/api/v1/signals?limit=25'),
        api('/api/v1/alerts?limit=25'),
        api('/api/v1/portfolio?points=1000'),
        api('/api/v1/positions?limit=50'),
        api('/api/v1/backtests?limit=10'),
      ]);
      renderHealth(health);
      renderSymbols(sources);
      renderSignals(signals);
      renderAlerts(alerts);
      renderPortfolio(portfolio, positions);
      renderBacktests(backtests);
      await renderMarket();
      $('updated').textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC`;
      document.body.dataset.loaded = 'true';
    } catch (err) {
      $('updated').textContent = `refresh failed: ${err.message}`;
    } finally {
      busy = false;
    }
  }

  $('symbols').addEventListener('click', (e) => {
    const btn = e.target.closest('[data-symbol]');
    if (!btn) return;
    state.symbol = btn.dataset.symbol;
    for (const b of document.querySelectorAll('#symbols .tab')) b.setAttribute('aria-selected', String(b.dataset.symbol === state.symbol));
    state.timeframe = state.series.find((s) => s.symbol === state.symbol).timeframe;
    renderMarket().then(() => state.priceChart.timeScale().fitContent());
  });

  $('auth-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.token = $('auth-token').value.trim();
    sessionStorage.setItem('mts.token', state.token);
    $('auth').hidden = true;
    refresh();
  });

  refresh();
  setInterval(refresh, REFRESH_MS);
})();

// The metadb dashboard: every figure comes from the server's own JSON API (the reports and
// `query`), fetched for one window ending at one "now", so what a chart shows is what
// `metadb REPORT --json` prints. Plain JS; charts by uPlot (served from its WebJar).
// window.metadb exposes each chart's points and source for the browser tests.
(() => {
  'use strict';
  const WINDOWS = [['1h', 3600e3], ['6h', 6 * 3600e3], ['24h', 24 * 3600e3], ['7d', 7 * 86400e3], ['30d', 30 * 86400e3]];
  const LINKS = { agent: 'agent', dispatcher: 'agent', task_id: 'tasks', channel: 'delivery', day: 'audit' };
  const started = performance.now();
  // The token: handed over once in the address's fragment (#token=…, which a browser sends to
  // no server), then kept in this tab's sessionStorage (this server's origin only: its port
  // included) and sent to this server only, as an Authorization header. Never a cookie: a
  // browser sends a cookie of 127.0.0.1 to every port of 127.0.0.1.
  const TOKEN_KEY = 'metadb.token';
  const handed = /^#token=([0-9a-f]+)$/.exec(location.hash);
  if (handed) {
    sessionStorage.setItem(TOKEN_KEY, handed[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  const NO_TOKEN = 'This page needs the address `metadb serve` printed (it ends in #token=…); ' +
    '`metadb --db DB serve --status` prints it again.';
  const authorized = { Authorization: 'Bearer ' + token };
  const url = new URLSearchParams(location.search);
  const state = {
    window: WINDOWS.some(w => w[0] === url.get('window')) ? url.get('window') : '24h',
    now: url.get('now'),
    report: url.get('report') || 'summary',
    options: {},
  };
  for (const [k, v] of url) {
    if (k.startsWith('r.')) state.options[k.slice(2)] = v;
  }
  const metadb = window.metadb = { charts: {}, requests: [], ready: false, readyMs: null, loads: 0 };
  const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
  const $ = id => document.getElementById(id);
  let reports = [];
  let plots = [];

  function saveState() {
    const p = new URLSearchParams();
    p.set('window', state.window);
    if (state.now) p.set('now', state.now);
    p.set('report', state.report);
    for (const [k, v] of Object.entries(state.options)) {
      if (v !== '' && v != null) p.set('r.' + k, v);
    }
    history.replaceState(null, '', '?' + p);
  }

  /** One load's window: its end ("now") and start, as stored timestamps. */
  function windowOf() {
    const nowMs = state.now ? Date.parse(state.now) : Date.now();
    const ms = WINDOWS.find(w => w[0] === state.window)[1];
    return { now: new Date(nowMs).toISOString(), since: new Date(nowMs - ms).toISOString(), ms, answers: new Map() };
  }

  /** One answer of the API; a load asks each question once (the summary cards and the summary table share one). */
  function api(name, options, win) {
    const p = new URLSearchParams(options);
    p.set('_now', win.now);
    const source = `/${name}.json?${p}`;
    if (!win.answers.has(source)) {
      metadb.requests.push(source);
      win.answers.set(source, fetch(source, { headers: authorized, credentials: 'omit', cache: 'no-store' }).then(async r => {
        const text = await r.text();
        if (r.status === 401) throw new Error(NO_TOKEN);
        if (!r.ok) throw new Error(text.trim() || String(r.status));
        return { source, rows: JSON.parse(text) };
      }));
    }
    return win.answers.get(source);
  }

  const query = (sql, win) => api('query', { sql }, win);

  function show(el, text, cls) {
    const p = document.createElement('p');
    p.className = cls || 'empty';
    p.textContent = text;
    el.append(p);
  }

  function clearFigure(id) {
    const el = $(id);
    [...el.children].forEach(c => { if (c.tagName !== 'FIGCAPTION') c.remove(); });
    return el;
  }

  function color(i, alpha) {
    const hue = (i * 67 + 210) % 360;
    return alpha ? `hsla(${hue}, 65%, 50%, ${alpha})` : `hsl(${hue}, 65%, 50%)`;
  }

  /**
   * A chart's points [x, series, y] from the API's rows, as its spec says: {x, series, y} (a
   * series per value of a column), {x, ys} (a series per column) or {x, name, y} (one series),
   * of the first {limit} rows. The browser tests derive the same points from the same answer.
   */
  function pointsOf(spec, rows) {
    const out = [];
    for (const r of spec.limit ? rows.slice(0, spec.limit) : rows) {
      if (spec.ys) spec.ys.forEach(y => out.push([r[spec.x], y, r[y]]));
      else out.push([r[spec.x], spec.series ? r[spec.series] : spec.name, r[spec.y]]);
    }
    return out;
  }

  /** What a time chart drew, as points again (from uPlot's own data): for the browser tests. */
  metadb.plotted = id => {
    const c = metadb.charts[id];
    if (!c.plot) return [];
    const out = [];
    const d = c.plot.data;
    for (let i = 1; i < d.length; i++) {
      for (let j = 0; j < d[0].length; j++) {
        const below = c.stacked && i > 1 ? d[i - 1][j] : 0;
        if (c.raw[i - 1][j] != null) out.push([new Date(d[0][j] * 1000).toISOString(), c.plot.series[i].label, d[i][j] - below]);
      }
    }
    return out;
  };

  /**
   * A time chart of points [x (stored timestamp), series, y]: one line (or stacked area, or
   * bars) per series, x in UTC. metadb.charts[id].points are the points as the API gave them.
   */
  function timeChart(id, source, spec, rows, { stacked = false, bars = false } = {}) {
    const el = clearFigure(id);
    const points = pointsOf(spec, rows);
    metadb.charts[id] = { source, spec, points, stacked };
    if (points.length === 0) {
      show(el, 'no rows in this window');
      return;
    }
    const xs = [...new Set(points.map(p => p[0]))].sort();
    const names = [...new Set(points.map(p => p[1]))].sort();
    const index = new Map(xs.map((x, i) => [x, i]));
    const raw = names.map(() => xs.map(() => null));
    for (const [x, s, y] of points) raw[names.indexOf(s)][index.get(x)] = y;
    let shown = raw;
    if (stacked) {
      const sum = xs.map(() => 0);
      shown = raw.map(values => values.map((v, i) => (sum[i] += v || 0)));
    }
    const fg = getComputedStyle(document.body).color;
    const plot = new uPlot({
      width: Math.max(300, el.clientWidth - 16), height: 220,
      tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      scales: { x: { time: true } },
      axes: [{ stroke: fg, label: 'UTC' }, { stroke: fg, values: (u, vals) => vals.map(v => nf.format(v)), size: 70 }],
      series: [{ label: 'UTC' }, ...names.map((n, i) => ({
        label: n, stroke: color(i), width: 1.5,
        fill: stacked || bars ? color(i, 0.3) : undefined,
        paths: bars ? uPlot.paths.bars({ size: [0.6, 60] }) : undefined,
        value: (u, v, si, di) => (di == null || raw[si - 1][di] == null ? '–' : nf.format(raw[si - 1][di])),
      }))],
    }, [xs.map(x => Date.parse(x) / 1000), ...shown], el);
    plots.push(plot);
    metadb.charts[id].plot = plot;
    metadb.charts[id].names = names;
    metadb.charts[id].xs = xs;
    metadb.charts[id].raw = raw;
  }

  /** A bar per item [label, series, value]; a label links to its report where one answers it. */
  function barChart(id, source, spec, rows, link) {
    const el = clearFigure(id);
    const points = pointsOf(spec, rows);
    metadb.charts[id] = { source, spec, points };
    if (points.length === 0) {
      show(el, 'no rows');
      return;
    }
    const max = Math.max(...points.map(p => p[2]), 1);
    const box = document.createElement('div');
    box.className = 'bars';
    for (const [label, series, value] of points) {
      const row = document.createElement('div');
      const name = document.createElement('span');
      const text = points.some(p => p[1] !== points[0][1]) ? `${label} · ${series}` : label;
      if (link) {
        const a = document.createElement('a');
        a.href = link(label);
        a.textContent = text;
        name.append(a);
      } else {
        name.textContent = text;
      }
      name.title = text;
      const bar = document.createElement('i');
      bar.style.width = `${(100 * value) / max}%`;
      if (/fail|crash|pending/.test(series)) bar.className = 'bad';
      const figure = document.createElement('em');
      figure.textContent = nf.format(value);
      row.append(name, bar, figure);
      box.append(row);
    }
    el.append(box);
  }

  function reportHref(name, options) {
    const p = new URLSearchParams();
    p.set('window', state.window);
    if (state.now) p.set('now', state.now);
    p.set('report', name);
    for (const [k, v] of Object.entries(options || {})) p.set('r.' + k, v);
    return '?' + p + '#reports';
  }

  async function loadCharts(win) {
    const hourly = win.ms <= 7 * 86400e3;
    const bucket = hourly ? "substr(ts, 1, 13) || ':00:00.000Z'" : "substr(ts, 1, 10) || 'T00:00:00.000Z'";
    const within = `ts BETWEEN '${win.since}' AND '${win.now}'`;
    const jobs = [
      api('summary', { since: state.window }, win).then(r => {
        const el = $('summary');
        el.replaceChildren();
        for (const { metric, value } of r.rows) {
          const card = document.createElement('div');
          card.className = 'card';
          card.innerHTML = '<b></b><span></span>';
          card.firstChild.textContent = value == null ? '∅' : nf.format(value);
          card.lastChild.textContent = metric;
          el.append(card);
        }
        if (r.rows.length === 0) show(el, 'nothing in this database yet');
        metadb.charts.summary = { source: r.source, spec: { x: 'metric', name: 'value', y: 'value' },
          points: pointsOf({ x: 'metric', name: 'value', y: 'value' }, r.rows) };
      }),
      api('timeline', { since: state.window, bucket: '1h' }, win).then(r =>
        timeChart('chart-timeline', r.source, { x: 'bucket_start', series: 'table_name', y: 'rows' }, r.rows)),
      query(`SELECT substr(ts, 1, 10) || 'T00:00:00.000Z' AS day, model, round(sum(cost_usd), 6) AS cost_usd`
        + ` FROM token_usage WHERE ${within} GROUP BY day, model ORDER BY day, model`, win).then(r =>
        timeChart('chart-cost', r.source, { x: 'day', series: 'model', y: 'cost_usd' }, r.rows, { stacked: true })),
      query(`SELECT substr(ts, 1, 13) || ':00:00.000Z' AS hour, count(*) AS calls, sum(exit_code <> 0) AS failures`
        + ` FROM cli_invocations WHERE ${within} GROUP BY hour ORDER BY hour`, win).then(r =>
        timeChart('chart-cli', r.source, { x: 'hour', ys: ['calls', 'failures'] }, r.rows)),
      api('cli', { since: state.window }, win).then(r =>
        barChart('chart-p95', r.source, { x: 'command', name: 'p95_ms', y: 'p95_ms', limit: 8 }, r.rows)),
      query(`SELECT ${bucket} AS bucket_start, check_name, count(*) AS red FROM watchdog_events`
        + ` WHERE level = 'red' AND ${within} GROUP BY bucket_start, check_name ORDER BY bucket_start, check_name`, win)
        .then(r => timeChart('chart-watchdog', r.source, { x: 'bucket_start', series: 'check_name', y: 'red' }, r.rows,
          { bars: true })),
      query(`SELECT source AS channel, count(*) AS pending FROM events WHERE status = 'pending' AND ${within}`
        + ' GROUP BY source ORDER BY pending DESC, channel', win).then(r =>
        barChart('chart-backlog', r.source, { x: 'channel', name: 'pending', y: 'pending' }, r.rows,
          channel => reportHref('delivery', { channel }))),
      api('clones', { since: state.window }, win).then(r =>
        barChart('chart-clones', r.source, { x: 'clone', ys: ['spawns', 'crashes'] }, r.rows)),
    ];
    const results = await Promise.allSettled(jobs);
    results.forEach((r, i) => {
      if (r.status === 'rejected') console.warn('metadb: a chart failed: ' + r.reason.message, i);
    });
  }

  function cellText(v) {
    if (v == null) return '∅';
    return typeof v === 'number' ? nf.format(v) : String(v);
  }

  function renderTable(columns, rows) {
    const box = $('report-table');
    box.replaceChildren();
    if (rows.length === 0) {
      show(box, 'no rows');
      return;
    }
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    const body = table.createTBody();
    let sort = { column: null, ascending: true };
    const fill = () => {
      body.replaceChildren();
      const sorted = sort.column == null ? rows : rows.slice().sort((a, b) => {
        const x = a[sort.column];
        const y = b[sort.column];
        const c = x == null ? -1 : y == null ? 1 : typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return sort.ascending ? c : -c;
      });
      for (const row of sorted) {
        const tr = body.insertRow();
        for (const c of columns) {
          const td = tr.insertCell();
          const v = row[c];
          const target = LINKS[c] || (c === 'value' && LINKS[row.metric]);
          if (target && v != null && v !== '') {
            const a = document.createElement('a');
            const option = { agent: 'name', tasks: 'status', delivery: 'channel', audit: 'day' }[target];
            a.href = reportHref(target, target === 'tasks' ? {} : { [option]: target === 'audit' ? String(v).slice(0, 10) : v });
            a.textContent = cellText(v);
            a.dataset.report = target;
            td.append(a);
          } else {
            td.textContent = cellText(v);
          }
          if (typeof v === 'number') td.className = 'num';
          td.title = v == null ? '' : String(v);
        }
      }
    };
    columns.forEach(c => {
      const th = document.createElement('th');
      th.textContent = c;
      th.addEventListener('click', () => {
        sort = { column: c, ascending: sort.column === c ? !sort.ascending : true };
        head.querySelectorAll('th').forEach(h => h.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', sort.ascending ? 'ascending' : 'descending');
        fill();
      });
      head.append(th);
    });
    fill();
    box.append(table);
  }

  function renderForm() {
    const select = $('report-name');
    if (select.options.length === 0) {
      for (const r of reports) select.add(new Option(r.name, r.name));
    }
    select.value = state.report;
    const report = reports.find(r => r.name === state.report) || reports[0];
    $('report-description').textContent = report.description;
    const box = $('report-params');
    box.replaceChildren();
    for (const p of report.params) {
      const label = document.createElement('label');
      label.textContent = ` ${p.name} `;
      let input;
      if (p.choices.length > 0) {
        input = document.createElement('select');
        if (!p.default) input.add(new Option('(any)', ''));
        p.choices.forEach(c => input.add(new Option(c, c)));
      } else {
        input = document.createElement('input');
        input.placeholder = p.label;
        input.size = 14;
      }
      input.name = p.name;
      input.title = p.description;
      input.value = state.options[p.name] ?? (p.name === 'since' ? state.window : p.default || '');
      label.append(input);
      box.append(label);
    }
  }

  async function runReport(win) {
    const report = reports.find(r => r.name === state.report) || reports[0];
    state.report = report.name;
    const options = {};
    for (const p of report.params) {
      const v = state.options[p.name] ?? (p.name === 'since' ? state.window : '');
      if (v !== '') options[p.name] = v;
    }
    try {
      if (report.params.some(p => p.required && !options[p.name])) {
        renderTable([], []);
        show($('report-table'), `${report.name} needs ${report.params.filter(p => p.required).map(p => p.name).join(', ')}`);
        return;
      }
      const r = await api(report.name, options, win);
      metadb.report = { name: report.name, source: r.source, rows: r.rows };
      const columns = r.rows.length > 0 ? Object.keys(r.rows[0]) : [];
      renderTable(columns, r.rows);
    } catch (e) {
      $('report-table').replaceChildren();
      show($('report-table'), e.message, 'error');
    }
  }

  async function load(registry) {
    const win = windowOf();
    metadb.ready = false;
    plots.forEach(p => p.destroy());
    plots = [];
    $('asof').textContent = `window ${state.window} ending ${win.now.replace('T', ' ').replace('Z', '')} UTC`;
    document.querySelectorAll('#windows button').forEach(b => b.setAttribute('aria-pressed', String(b.value === state.window)));
    saveState();
    const charts = loadCharts(win);
    await registry;
    renderForm();
    await Promise.all([charts, runReport(win)]);
    metadb.loads++;
    metadb.window = state.window;
    metadb.ready = true;
    if (metadb.readyMs == null) {
      metadb.readyMs = Math.round(performance.now() - started);
      if (location.hash === '#reports') $('reports').scrollIntoView(); // a link to a report: show it
    }
  }

  async function start() {
    if (!token) throw new Error(NO_TOKEN);
    for (const [w] of WINDOWS) {
      const b = document.createElement('button');
      b.type = 'button';
      b.value = w;
      b.textContent = w;
      b.addEventListener('click', () => {
        state.window = w;
        delete state.options.since;
        load();
      });
      $('windows').append(b);
    }
    $('refresh').addEventListener('click', () => load());
    $('report-name').addEventListener('change', e => {
      state.report = e.target.value;
      state.options = {};
      renderForm();
      load();
    });
    $('report-form').addEventListener('submit', e => {
      e.preventDefault();
      state.options = {};
      for (const input of $('report-params').querySelectorAll('input, select')) state.options[input.name] = input.value;
      load();
    });
    // The report forms need the registry; the charts do not wait for it.
    const meta = fetch('/-/reports.json', { headers: authorized, credentials: 'omit' }).then(r => {
      if (r.status === 401) throw new Error(NO_TOKEN);
      return r.json();
    }).then(m => {
      reports = m.reports;
      $('db').textContent = m.db;
      document.title = `metadb · ${m.db}`;
    });
    await load(meta);
  }

  start().catch(e => {
    document.body.prepend(Object.assign(document.createElement('p'), { className: 'error', textContent: e.message }));
    throw e;
  });
})();

/**
 * The dashboard page's script (vanilla JavaScript, inlined by page.ts). It polls the JSON endpoints every
 * REFRESH_MS, renders with textContent only (no HTML from data: a topic or body cannot inject markup), derives each
 * topic's rate from the growth of its max offsets between two polls, and draws the total rate as an SVG line of the
 * last CHART_POINTS polls. The forms call the POST endpoints and show the answer or the server's error text.
 * Written without backquotes or dollar-brace so that it sits in a TypeScript template string unchanged.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';
var REFRESH_MS = 3000;
var CHART_POINTS = 60;
var prev = null;          // {at, sums: {topic: maxOffsetSum}}
var rates = {};           // topic -> msg/s
var series = [];          // total msg/s per refresh
var busy = false;

function $(id) { return document.getElementById(id); }
function el(tag, text, cls) {
  var e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function row(cells, attrs) {
  var tr = document.createElement('tr');
  for (var k in attrs || {}) tr.setAttribute(k, attrs[k]);
  cells.forEach(function (c) { tr.appendChild(c); });
  return tr;
}
function num(v, cls) { return el('td', v, 'num' + (cls ? ' ' + cls : '')); }
function showSystem() { return $('show-system').checked; }
function fill(tbodyParent, rows) {
  var tb = tbodyParent.querySelector('tbody');
  tb.replaceChildren.apply(tb, rows);
}
async function getJson(path) {
  var r = await fetch(path, { headers: { accept: 'application/json' } });
  var j = await r.json();
  if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
  return j;
}
async function postJson(path, body) {
  var r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  var j = await r.json();
  if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
  return j;
}

function renderCluster(c) {
  fill($('brokers'), c.brokers.map(function (b) {
    return row([el('td', b.cluster), el('td', b.brokerName), num(b.brokerId), el('td', b.addr),
      el('td', b.error ? 'no answer: ' + b.error : b.version, b.error ? 'err' : ''), num(b.putTps.toFixed(2)), num(b.getTps.toFixed(2))],
      { 'data-broker': b.addr });
  }));
}

function renderTopics(t) {
  var now = performance.now();
  var sums = {};
  var total = 0;
  t.topics.forEach(function (x) { sums[x.topic] = x.maxOffsetSum; });
  if (prev) {
    var dt = (now - prev.at) / 1000;
    t.topics.forEach(function (x) {
      var before = prev.sums[x.topic];
      rates[x.topic] = before === undefined || dt <= 0 ? 0 : Math.max(0, (x.maxOffsetSum - before) / dt);
      if (!x.system) total += rates[x.topic];
    });
    series.push(total);
    if (series.length > CHART_POINTS) series.shift();
    drawChart();
  }
  prev = { at: now, sums: sums };
  var list = t.topics.filter(function (x) { return showSystem() || !x.system; });
  fill($('topics'), list.map(function (x) {
    var r = rates[x.topic];
    return row([el('td', x.topic, 'name'), num(x.queues, 'queues'), num(x.messages, 'messages'),
      num(r === undefined ? '–' : r.toFixed(1), 'rate')], { 'data-topic': x.topic, 'class': x.system ? 'system' : '' });
  }));
  $('topics-note').textContent = t.truncated ? 'only the first topics are shown' : '';
}

async function showQueues(topic) {
  $('queues-title').textContent = 'Queues of ' + topic;
  try {
    var r = await getJson('/api/topic?topic=' + encodeURIComponent(topic));
    fill($('queues'), r.queues.map(function (q) {
      return row([el('td', q.brokerName), num(q.queueId), num(q.minOffset, 'min'), num(q.maxOffset, 'max')], { 'data-broker': q.brokerName, 'data-queue': String(q.queueId) });
    }));
  } catch (e) {
    fill($('queues'), [row([el('td', e.message, 'err')])]);
  }
}

function drawChart() {
  var max = Math.max.apply(null, series.concat([1]));
  var pts = series.map(function (v, i) {
    var x = series.length === 1 ? 0 : (i * 600) / (CHART_POINTS - 1);
    return x.toFixed(1) + ',' + (118 - (v / max) * 100).toFixed(1);
  });
  $('rate-chart').querySelector('polyline').setAttribute('points', pts.join(' '));
  $('rate-max').textContent = 'max ' + max.toFixed(1) + ' msg/s, now ' + series[series.length - 1].toFixed(1);
}

function renderGroups(g) {
  var rows = [];
  var conns = [];
  g.groups.filter(function (x) { return showSystem() || !x.system; }).forEach(function (x) {
    if (x.queues.length === 0) rows.push(row([el('td', x.group), el('td', '(no offsets)'), el('td'), el('td'), el('td'), el('td'), el('td')], { 'data-group': x.group }));
    x.queues.forEach(function (q) {
      rows.push(row([el('td', x.group), el('td', q.topic), el('td', q.brokerName), num(q.queueId), num(q.brokerOffset, 'broker-offset'),
        num(q.consumerOffset, 'consumer-offset'), num(q.lag, 'lag' + (q.lag > 0 ? ' lagging' : ''))],
        { 'data-group': x.group, 'data-topic': q.topic, 'data-broker': q.brokerName, 'data-queue': String(q.queueId) }));
    });
    x.connections.forEach(function (c) {
      conns.push(row([el('td', x.group), el('td', c.clientId), el('td', c.clientAddr), el('td', c.language), num(c.version)], { 'data-client': c.clientId, 'data-group': x.group }));
    });
  });
  fill($('groups'), rows);
  fill($('connections'), conns);
}

async function refresh() {
  if (busy) return;
  busy = true;
  try {
    var c = await getJson('/api/cluster');
    renderCluster(c);
    renderTopics(await getJson('/api/topics'));
    renderGroups(await getJson('/api/groups'));
    $('status').textContent = 'updated ' + new Date().toLocaleTimeString();
    $('status').className = '';
    document.body.setAttribute('data-refreshes', String(Number(document.body.getAttribute('data-refreshes') || '0') + 1));
  } catch (e) {
    $('status').textContent = 'refresh failed: ' + e.message;
    $('status').className = 'err';
  } finally {
    busy = false;
  }
}

function renderMessage(m) {
  var d = el('div', null, 'msg');
  d.setAttribute('data-msgid', m.msgId);
  var meta = 'msgId ' + m.msgId + '  offsetMsgId ' + m.offsetMsgId + '  topic ' + m.topic + '  tags [' + m.tags + ']  keys [' + m.keys + ']  queue ' +
    m.queueId + ' @ ' + m.queueOffset + '  stored ' + new Date(m.storeTimestamp).toISOString() + ' on ' + m.storeHost + '  ' + m.bodyBytes + ' bytes';
  d.appendChild(el('div', meta, 'meta'));
  d.appendChild(el('pre', m.body, 'body'));
  return d;
}

async function lookup(ev) {
  if (ev) ev.preventDefault();
  var out = $('message-results');
  var p = new URLSearchParams();
  ['topic', 'key', 'id', 'charset'].forEach(function (k) { var v = $('lookup-' + k).value.trim(); if (v) p.set(k, v); });
  out.replaceChildren(el('div', 'looking up…'));
  try {
    var r = await getJson('/api/message?' + p.toString());
    out.replaceChildren.apply(out, r.messages.length === 0 ? [el('div', 'no message found', 'err')] : r.messages.map(renderMessage));
    out.setAttribute('data-charset', r.charset);
  } catch (e) {
    out.replaceChildren(el('div', e.message, 'err'));
  }
}

async function sendTest(ev) {
  ev.preventDefault();
  var out = $('send-result');
  out.className = '';
  out.textContent = 'sending…';
  try {
    var r = await postJson('/api/send', { topic: $('send-topic').value, tags: $('send-tags').value, keys: $('send-keys').value, body: $('send-body').value });
    out.textContent = r.status + ' msgId ' + r.msgId + ' to ' + r.brokerName + ' queue ' + r.queueId + ' offset ' + r.queueOffset;
    out.setAttribute('data-msgid', r.msgId);
    out.className = 'ok';
    refresh();
  } catch (e) {
    out.textContent = e.message;
    out.className = 'err';
  }
}

async function resetOffset(ev) {
  ev.preventDefault();
  var out = $('reset-result');
  out.className = '';
  out.textContent = 'resetting…';
  try {
    var r = await postJson('/api/reset-offset', { group: $('reset-group').value, topic: $('reset-topic').value, timestamp: $('reset-timestamp').value.trim() });
    out.textContent = 'reset ' + r.queues.length + ' queues: ' + r.queues.map(function (q) { return q.brokerName + '#' + q.queueId + '=' + q.offset; }).join(', ');
    out.className = 'ok';
    refresh();
  } catch (e) {
    out.textContent = e.message;
    out.className = 'err';
  }
}

async function showProducers(ev) {
  ev.preventDefault();
  var out = $('producers-result');
  out.textContent = '';
  try {
    var r = await getJson('/api/producers?group=' + encodeURIComponent($('producers-group').value.trim()));
    fill($('producers'), r.connections.map(function (c) {
      return row([el('td', c.clientId), el('td', c.clientAddr), el('td', c.language), num(c.version)], { 'data-client': c.clientId });
    }));
    if (r.connections.length === 0) { out.textContent = 'no producer of this group is connected'; out.className = 'err'; }
  } catch (e) {
    out.textContent = e.message;
    out.className = 'err';
  }
}

$('topics').addEventListener('click', function (ev) {
  var tr = ev.target.closest('tr[data-topic]');
  if (tr) showQueues(tr.getAttribute('data-topic'));
});
$('lookup-form').addEventListener('submit', lookup);
$('producers-form').addEventListener('submit', showProducers);
$('send-form').addEventListener('submit', sendTest);
$('reset-form').addEventListener('submit', resetOffset);
$('show-system').addEventListener('change', function () { prev = null; refresh(); });
// A link may pre-fill the lookup (?topic=T&key=K&charset=GBK) and run it; actions are never run from a URL.
(function () {
  var p = new URLSearchParams(location.search);
  var any = false;
  ['topic', 'key', 'id', 'charset'].forEach(function (k) { if (p.get(k)) { $('lookup-' + k).value = p.get(k); any = true; } });
  if (any) lookup();
})();
refresh();
setInterval(refresh, REFRESH_MS);
`;

import { PAGE_SCRIPT } from './page-script';

/**
 * The dashboard page: one static HTML document with its CSS and vanilla JavaScript inline (no framework, no build
 * step, nothing fetched from elsewhere). Elements the tests read carry ids and data-* attributes:
 *   #brokers tr[data-broker]                      one row per broker address
 *   #topics tr[data-topic] > .messages / .rate    message count and rate (msg/s, derived between two refreshes)
 *   #groups tr[data-group][data-topic][data-queue] > .lag   lag per queue; #connections tr[data-client]
 *   #queues tr[data-broker][data-queue] > .min / .max   the queues of the topic clicked (topicStatus)
 *   #producers tr[data-client]                    producer connections of the group asked for
 *   #message-results .msg > .body                 a looked-up message's body in the chosen charset
 *   #send-result, #reset-result                   the outcome of the two actions (class ok or err)
 *   #rate-chart                                   SVG line of messages/s over the last refreshes
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Apogee dashboard</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #f6f7f9; }
  header { background: #1d3557; color: #fff; padding: 10px 20px; display: flex; gap: 20px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  header #status { font-size: 12px; opacity: .8; }
  header label { color: #dde; }
  main { padding: 10px 20px; display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
  section { background: #fff; border: 1px solid #dde; border-radius: 6px; padding: 10px 14px; overflow: auto; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; white-space: nowrap; }
  #topics td.name { cursor: pointer; text-decoration: underline dotted; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.system { color: #888; }
  .lagging { color: #b00020; font-weight: 600; }
  form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 6px; }
  input, select, button { font: inherit; padding: 3px 6px; }
  .ok { color: #11661d; } .err { color: #b00020; white-space: pre-wrap; }
  pre.body { background: #f1f1f4; padding: 6px; white-space: pre-wrap; word-break: break-all; margin: 4px 0; }
  .msg { border-top: 1px solid #ddd; padding: 6px 0; }
  svg { width: 100%; height: 120px; background: #fbfbfd; border: 1px solid #eee; }
  label { font-size: 12px; color: #555; }
</style>
</head>
<body>
<header><h1>Apogee</h1><span id="status">loading…</span>
  <label><input type="checkbox" id="show-system"> show system topics and groups</label></header>
<main>
  <section class="wide"><h2>Cluster</h2>
    <table id="brokers"><thead><tr><th>Cluster</th><th>Broker</th><th class="num">BID</th><th>Address</th><th>Version</th>
      <th class="num">In TPS</th><th class="num">Out TPS</th></tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Messages per second (all topics)</h2>
    <svg id="rate-chart" viewBox="0 0 600 120" preserveAspectRatio="none"><polyline fill="none" stroke="#1d3557" stroke-width="2" vector-effect="non-scaling-stroke" points=""/></svg>
    <label id="rate-max"></label></section>
  <section><h2>Topics</h2>
    <table id="topics"><thead><tr><th>Topic</th><th class="num">Queues</th><th class="num">Messages</th><th class="num">msg/s</th></tr></thead><tbody></tbody></table>
    <p id="topics-note"></p>
    <h2 id="queues-title">Queues (click a topic)</h2>
    <table id="queues"><thead><tr><th>Broker</th><th class="num">Queue</th><th class="num">Min offset</th><th class="num">Max offset</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Consumer groups</h2>
    <table id="groups"><thead><tr><th>Group</th><th>Topic</th><th>Broker</th><th class="num">Queue</th><th class="num">Broker offset</th>
      <th class="num">Consumer offset</th><th class="num">Lag</th></tr></thead><tbody></tbody></table>
    <h2 style="margin-top:10px">Connections</h2>
    <table id="connections"><thead><tr><th>Group</th><th>Client id</th><th>Address</th><th>Language</th><th class="num">Version</th></tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Producer connections</h2>
    <form id="producers-form"><input name="group" id="producers-group" placeholder="producer group" required>
      <button type="submit" id="producers-button">Show</button></form>
    <table id="producers"><thead><tr><th>Client id</th><th>Address</th><th>Language</th><th class="num">Version</th></tr></thead><tbody></tbody></table>
    <div id="producers-result"></div></section>
  <section class="wide"><h2>Message lookup</h2>
    <form id="lookup-form">
      <input name="topic" id="lookup-topic" placeholder="topic">
      <input name="key" id="lookup-key" placeholder="key">
      <input name="id" id="lookup-id" placeholder="or message id" size="34">
      <input name="charset" id="lookup-charset" list="charsets" value="UTF-8" size="10" title="charset of the body (WHATWG label)">
      <datalist id="charsets"><option>UTF-8</option><option>GBK</option><option>GB18030</option><option>Big5</option><option>Shift_JIS</option>
        <option>EUC-KR</option><option>ISO-8859-1</option><option>UTF-16LE</option></datalist>
      <button type="submit" id="lookup-button">Look up</button></form>
    <div id="message-results"></div></section>
  <section><h2>Send a test message</h2>
    <form id="send-form">
      <input name="topic" id="send-topic" placeholder="topic" required>
      <input name="tags" id="send-tags" placeholder="tags">
      <input name="keys" id="send-keys" placeholder="keys">
      <input name="body" id="send-body" placeholder="body (UTF-8)" size="30">
      <button type="submit" id="send-button">Send</button></form>
    <div id="send-result"></div></section>
  <section><h2>Reset consumer offset</h2>
    <form id="reset-form">
      <input name="group" id="reset-group" placeholder="consumer group" required>
      <input name="topic" id="reset-topic" placeholder="topic" required>
      <input name="timestamp" id="reset-timestamp" placeholder="epoch ms; empty = newest" size="22">
      <button type="submit" id="reset-button">Reset</button></form>
    <div id="reset-result"></div></section>
</main>
<script>
${PAGE_SCRIPT}
</script>
</body>
</html>
`;

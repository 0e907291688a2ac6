// The dashboard page's script (bundled into dashboard.js by page.ts): connects to the broker over
// MQTT over WebSockets with the mqtt.js browser bundle the page loads first, and redraws the benches
// as messages come. Plain JavaScript: the harness's TypeScript is checked without the DOM's types.
import mqtt from 'mqtt';
import { DashboardState } from './state.ts';
import { renderBenches } from './view.ts';

const config = JSON.parse(document.getElementById('config').textContent);
const state = new DashboardState(config.prefix);
const benches = document.getElementById('benches');
const connection = document.getElementById('connection');
let drawing;

function draw() {
  drawing ??= setTimeout(() => {
    drawing = undefined;
    benches.innerHTML = renderBenches(state);
  }, 20);
}

function said(text, kind) {
  connection.textContent = text;
  connection.dataset.state = kind;
}

const client = mqtt.connect(config.wsUrl, {
  clientId: `hil-dashboard-${Math.random().toString(16).slice(2, 10)}`,
  protocolVersion: 4,
  reconnectPeriod: 2000,
});
client.on('connect', () => {
  said(`connected to ${config.wsUrl}`, 'connected');
  client.subscribe(config.filters, { qos: 1 });
});
client.on('close', () => said(`not connected to ${config.wsUrl}; retrying`, 'disconnected'));
client.on('message', (topic, payload) => {
  if (state.message(topic, new TextDecoder().decode(payload))) draw();
});
draw();

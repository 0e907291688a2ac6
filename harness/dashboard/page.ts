// The dashboard's files: index.html (inline styles, the page's settings), dashboard.js (client.js
// bundled with the schemas it checks every message against) and mqtt.min.js (the browser bundle mqtt
// ships), and the last matrix.html where one is given. Nothing is loaded from anywhere else.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { agentFilter } from '../lab/presence.ts';
import { watchFilters } from '../results/topics.ts';

export interface DashboardSettings {
  /** The broker's MQTT-over-WebSocket listener, as the browser reaches it. */
  wsUrl: string;
  prefix: string;
  /** One lab, or every lab (undefined). */
  lab?: string;
  /** The page shows matrix.html beside it. */
  matrix: boolean;
}

export interface DashboardFile {
  name: string;
  type: string;
  content: string | Buffer;
}

const STYLE = `
body { font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #263238; margin: 24px; background: #f4f6f7; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; }
.small, #connection { color: #607d8b; font-size: 12.5px; }
#connection[data-state="disconnected"] { color: #c62828; }
#benches { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; }
.bench { background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.12); padding: 10px 14px; border-left: 5px solid #b0bec5; }
.bench[data-state="idle"] { border-color: #2e7d32; } .bench[data-state="busy"] { border-color: #1565c0; }
.bench[data-state="unhealthy"] { border-color: #ef6c00; } .bench[data-state="offline"] { border-color: #78909c; opacity: .75; }
.bench h3 { margin: 0 0 4px; font-size: 15px; display: flex; justify-content: space-between; }
.state, .verdict { border-radius: 999px; padding: 0 8px; color: #fff; font-size: 12px; font-weight: 600; background: #78909c; }
.state.idle, .verdict.passed { background: #2e7d32; } .state.busy, .verdict.running { background: #1565c0; }
.state.unhealthy { background: #ef6c00; } .verdict.failed { background: #c62828; }
.run { margin-top: 8px; } .step { font-weight: 600; margin-top: 2px; } .error, .problems { color: #c62828; }
.figures { margin: 4px 0 0; padding-left: 16px; font-variant-numeric: tabular-nums; font-size: 12.5px; }
.t-fail { color: #c62828; } .t-marginal { color: #b26a00; }
iframe { width: 100%; height: 70vh; border: 1px solid #e0e6e8; background: #fff; }
`;

/** The page's own import of mqtt is the global the browser bundle sets. */
const mqttGlobal: Plugin = {
  name: 'mqtt-global',
  setup(b) {
    b.onResolve({ filter: /^mqtt$/ }, () => ({ path: 'mqtt', namespace: 'mqtt-global' }));
    b.onLoad({ filter: /.*/, namespace: 'mqtt-global' }, () => ({ contents: 'export default globalThis.mqtt;', loader: 'js' }));
  },
};

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./client.js', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
    plugins: [mqttGlobal],
  });
  return result.outputFiles[0]!.text;
}

function indexHtml(settings: DashboardSettings): string {
  const config = { wsUrl: settings.wsUrl, prefix: settings.prefix, filters: [...watchFilters(settings.prefix, settings.lab), agentFilter(settings.prefix, settings.lab)] };
  // Inside a script element only `</` could end it early.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const matrix = settings.matrix ? '<h2>Last matrix</h2><iframe id="matrix" src="matrix.html" title="qualification matrix"></iframe>' : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sim-ota-hil lab</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Lab</h1>
<p id="connection" data-state="connecting">connecting</p>
<h2>Benches</h2>
<section id="benches"></section>
${matrix}
<script type="application/json" id="config">${json}</script>
<script src="mqtt.min.js"></script>
<script src="dashboard.js"></script>
</body>
</html>
`;
}

const require = createRequire(import.meta.url);

/** Every file of the page; matrix.html (read from `matrixDir`) is read again on each call. */
export async function dashboardFiles(settings: DashboardSettings): Promise<DashboardFile[]> {
  const mqttBundle = require.resolve('mqtt/dist/mqtt.min');
  return [
    { name: 'index.html', type: 'text/html; charset=utf-8', content: indexHtml(settings) },
    { name: 'dashboard.js', type: 'text/javascript; charset=utf-8', content: await bundle() },
    { name: 'mqtt.min.js', type: 'text/javascript; charset=utf-8', content: await readFile(mqttBundle) },
  ];
}

// The dashboard served on loopback: the page's files, and matrix.html and matrix.json read afresh
// from the matrix folder on each request, so a reload shows the last matrix written there.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { DashboardFile } from './page.ts';

export const DASHBOARD_HOST = '127.0.0.1';

const MATRIX_FILES: Record<string, string> = { 'matrix.html': 'text/html; charset=utf-8', 'matrix.json': 'application/json' };

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

async function matrixFile(dir: string, name: string): Promise<Buffer | undefined> {
  return readFile(join(dir, name)).catch(() => undefined);
}

export async function serveDashboard(files: DashboardFile[], port: number, matrixDir?: string): Promise<DashboardServer> {
  const byPath = new Map(files.map((f) => [`/${f.name}`, f]));
  byPath.set('/', files.find((f) => f.name === 'index.html')!);
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://host').pathname;
    const file = byPath.get(path);
    const name = path.slice(1);
    const matrix = matrixDir && MATRIX_FILES[name] ? await matrixFile(matrixDir, name) : undefined;
    if (request.method !== 'GET' || (!file && !matrix)) {
      response.writeHead(request.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' }).end(matrixDir && MATRIX_FILES[name] ? `no ${name} in ${matrixDir} yet: hil matrix --out ${matrixDir} writes it` : 'not found');
      return;
    }
    response.writeHead(200, { 'content-type': file ? file.type : MATRIX_FILES[name]!, 'cache-control': 'no-store' }).end(file ? file.content : matrix);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, DASHBOARD_HOST, () => resolve());
  });
  const { port: bound } = server.address() as { port: number };
  return {
    url: `http://${DASHBOARD_HOST}:${bound}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

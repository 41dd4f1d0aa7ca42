/**
 * The Prometheus endpoint (Java: metricsExporterType=PROM; OpenTelemetry's PrometheusHttpServer on
 * metricsPromExporterHost:metricsPromExporterPort, default port 5557, host brokerIP1 when empty). Any GET path
 * answers the exposition, as Java's server does for / and /metrics; other methods get 405. A scrape renders the
 * registry once; concurrent scrapes share one rendering.
 */
import * as http from 'node:http';
import type { Logger } from '../common';
import { EXPOSITION_CONTENT_TYPE, type MetricsRegistry } from './registry';

export class PrometheusServer {
  private readonly server: http.Server;
  private rendering: Promise<string> | undefined;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly logger: Logger,
  ) {
    this.server = http.createServer((req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      this.render().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': EXPOSITION_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (e: unknown) => {
          this.logger.error({ err: e }, 'metrics rendering failed');
          res.writeHead(500).end();
        },
      );
    });
  }

  private render(): Promise<string> {
    if (this.rendering === undefined) {
      this.rendering = this.registry.render((name, e) => this.logger.warn({ err: e, metric: name }, 'metric collection failed; left out of this scrape'));
      const done = (): void => {
        this.rendering = undefined;
      };
      this.rendering.then(done, done);
    }
    return this.rendering;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

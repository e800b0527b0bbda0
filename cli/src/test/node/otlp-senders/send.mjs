// Sends log records through OpenTelemetry JS's own OTLP/HTTP log exporters, set up as the
// agents built on them set them up: Claude Code from the OTEL_* environment (endpoint,
// headers, protocol, resource attributes, all read by the SDK itself), Gemini CLI with the
// URL it builds from its otlpEndpoint setting. Usage: node send.mjs SPEC.json, where SPEC is
// {"url"?: the exporter's URL, "resource": {...}, "records": [{"scope", "body",
// "eventName"?, "timeMs", "attributes"}]}; attribute values keep their JSON types, as the
// senders' own (strings where they send strings). Prints one JSON line: how many exports were
// made and how many failed; exits 1 if any failed or none was made.
import { readFileSync } from 'node:fs';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const options = spec.url ? { url: spec.url } : {};
const protocol = process.env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
const inner = protocol === 'http/json' ? new JsonExporter(options) : new ProtobufExporter(options);
const results = [];
const exporter = {
  export(logs, done) {
    inner.export(logs, (result) => {
      results.push(result);
      done(result);
    });
  },
  forceFlush: () => inner.forceFlush(),
  shutdown: () => inner.shutdown(),
};
const resource = resourceFromAttributes(spec.resource ?? {}).merge(detectResources({ detectors: [envDetector] }));
const provider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter })] });
for (const r of spec.records) {
  provider.getLogger(r.scope).emit({ body: r.body, eventName: r.eventName, timestamp: r.timeMs, attributes: r.attributes });
}
await provider.forceFlush();
await provider.shutdown();
const failed = results.filter((r) => r.code !== 0);
console.log(JSON.stringify({ protocol, exports: results.length, failed: failed.length, error: failed[0]?.error?.message ?? null }));
process.exit(failed.length > 0 || results.length === 0 ? 1 : 0);

/**
 * OpenTelemetry: when an OTLP endpoint is configured, a NodeSDK exports the loop's spans
 * (loomcycle.run → iteration → provider.call / tool.call) over OTLP/HTTP (protobuf). Without
 * one, the API stays a no-op and the SDK is never loaded.
 */
export interface Tracing {
  shutdown(): Promise<void>;
}

/** Starts span export to `<endpoint>/v1/traces`, or returns a no-op when endpoint is null. */
export async function startTracing(options: { endpoint: string | null; serviceName: string }): Promise<Tracing> {
  if (options.endpoint === null) return { shutdown: () => Promise.resolve() };
  const [{ NodeSDK }, { OTLPTraceExporter }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/exporter-trace-otlp-proto"),
  ]);
  const url = `${options.endpoint.replace(/\/+$/, "")}/v1/traces`;
  const sdk = new NodeSDK({ serviceName: options.serviceName, traceExporter: new OTLPTraceExporter({ url }), instrumentations: [] });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

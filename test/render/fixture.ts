// A realistic plan for the snapshot tests: every action kind, a contents diff,
// matcher, enabled, config type and metadata changes, and findings. Made with
// planSync so the snapshots show what users will see. No credentials anywhere.
import type { PipelineSpec, RemotePipeline } from "../../src/pipelines/index.js";
import { planSync } from "../../src/plan/index.js";

const scope = { type: "git", namespace: "platform-pipelines" } as const;
const git = { type: "git", namespace: "platform-pipelines" } as const;

const nodeBefore = `prometheus.exporter.unix "default" {
  include_exporter_metrics = false
  disable_collectors       = ["mdadm"]
}

prometheus.scrape "node" {
  targets         = prometheus.exporter.unix.default.targets
  forward_to      = [prometheus.remote_write.default.receiver]
  scrape_interval = "60s"
}
`;
const nodeAfter = nodeBefore
  .replace("include_exporter_metrics = false", "include_exporter_metrics = true")
  .replace('scrape_interval = "60s"', 'scrape_interval = "30s"');

function remote(
  id: string,
  name: string,
  contents: string,
  extra: Partial<RemotePipeline["spec"]> = {},
  source: RemotePipeline["source"] | null = git,
): RemotePipeline {
  const r: RemotePipeline = {
    id,
    spec: { name, contents, matchers: [], enabled: true, configType: "alloy", ...extra },
  };
  if (source !== null) r.source = source;
  return r;
}

export const desired: PipelineSpec[] = [
  {
    name: "node_metrics",
    contents: nodeAfter,
    matchers: ['collector.os="linux"', 'env=~"prod|staging"'],
    file: "pipelines/node_metrics.yaml",
    contentsFile: "pipelines/node_metrics.alloy",
  },
  {
    name: "kafka_logs",
    contents: 'loki.source.kafka "default" {\n  brokers = ["kafka:9092"]\n  topics  = ["logs"]\n  forward_to = []\n}\n',
    matchers: ['team="data"'],
    file: "pipelines/kafka_logs.yaml",
  },
  {
    name: "otel_traces",
    contents: "receivers:\n  otlp:\n    protocols:\n      grpc: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: []\n",
    configType: "otel",
    enabled: false,
    metadata: { owner: "tracing", tier: 2 },
    file: "pipelines/otel_traces.yaml",
  },
  {
    name: "self_monitoring",
    contents: 'prometheus.exporter.self "alloy" { }\n',
    matchers: ["collector.os=~\".+\""],
    file: "pipelines/self_monitoring.yaml",
  },
  {
    name: "windows_events",
    contents: 'loki.source.windowsevent "app" {\n  eventlog_name = "Application"\n  forward_to = []\n}\n',
    matchers: ['collector.os="windows"'],
    file: "pipelines/windows_events.yaml",
  },
];

export const remotes: RemotePipeline[] = [
  remote("101", "node_metrics", nodeBefore, { matchers: ['collector.os="linux"', 'env="prod"'] }),
  remote("102", "otel_traces", "receivers:\n  otlp:\n    protocols:\n      grpc: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: []\n", {
    configType: "alloy",
    metadata: { owner: "tracing", tier: 1 },
  }),
  remote("103", "self_monitoring", 'prometheus.exporter.self "alloy" { }', { matchers: ["collector.os =~ .+"] }),
  remote("104", "legacy_syslog", 'loki.source.syslog "default" { }\n'),
  remote("105", "windows_events", 'loki.source.windowsevent "app" {\n  eventlog_name = "Application"\n  forward_to = []\n}\n', {
    matchers: ['collector.os="windows"'],
  }, { type: "grafana", namespace: "" }),
  remote("106", "terraform_owned", "// managed by terraform\n", {}, { type: "terraform", namespace: "infra" }),
];

/** A plan with every action kind; the takeover is not allowed, so it is blocked. */
export function samplePlan(allowTakeover: string[] = []) {
  return planSync({ desired, remote: remotes, scope, limit: 8, policy: { allowTakeover } });
}

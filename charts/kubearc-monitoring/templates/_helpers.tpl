{{/* fullname names every object of the release. */}}
{{- define "monitoring.fullname" -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "monitoring.labels" -}}
app.kubernetes.io/name: kubearc-monitoring
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "monitoring.selector" -}}
app.kubernetes.io/name: kubearc-monitoring
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* otlpEndpoint is the workspace's OTLP/HTTP URL; the chart refuses to render without it. */}}
{{- define "monitoring.otlpEndpoint" -}}
{{- $ws := .Values.workspace -}}
{{- if not $ws.otlpEndpoint -}}
{{- if .Values.logAnalyticsWorkspaceResourceID -}}
{{- fail (printf "workspace.otlpEndpoint is empty: the hub did not resolve logAnalyticsWorkspaceResourceID %q into a workspace; check that the workspace exists on the hub" .Values.logAnalyticsWorkspaceResourceID) -}}
{{- end -}}
{{- fail "workspace.otlpEndpoint is required: set it to the workspace's OTLP/HTTP URL, or set logAnalyticsWorkspaceResourceID to a workspace held by the hub" -}}
{{- end -}}
{{- $ws.otlpEndpoint -}}
{{- end -}}

{{/* namespaceList turns a comma-separated setting into a list of trimmed, non-empty names. */}}
{{- define "monitoring.namespaceList" -}}
{{- $out := list -}}
{{- range splitList "," . -}}
{{- if trim . -}}{{- $out = append $out (trim .) -}}{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* hasToken is "true" when a bearer token is given: the auth extension and the Secret exist. */}}
{{- define "monitoring.hasToken" -}}
{{- if .Values.workspace.bearerToken }}true{{ end -}}
{{- end -}}

{{/* extensions is the collector's extensions section, shared by both collectors. */}}
{{- define "monitoring.extensions" -}}
extensions:
  health_check:
    endpoint: ${env:K8S_POD_IP}:{{ .Values.healthCheck.port }}
  {{- if include "monitoring.hasToken" . }}
  bearertokenauth/workspace:
    filename: {{ .Values.workspace.credentialsDir }}/bearerToken
  {{- end }}
{{- end -}}

{{- define "monitoring.extensionNames" -}}
[health_check{{ if include "monitoring.hasToken" . }}, bearertokenauth/workspace{{ end }}]
{{- end -}}

{{/* memoryLimiter is the memory_limiter processor, first in every pipeline. */}}
{{- define "monitoring.memoryLimiter" -}}
memory_limiter:
  check_interval: 1s
  limit_mib: {{ .Values.memoryLimiter.limitMiB }}
  spike_limit_mib: {{ .Values.memoryLimiter.spikeLimitMiB }}
{{- end -}}

{{/* exporters sends to the workspace: OTLP/HTTP always, Prometheus remote write when set. */}}
{{- define "monitoring.exporters" -}}
{{- $auth := include "monitoring.hasToken" . -}}
exporters:
  otlphttp/workspace:
    endpoint: {{ include "monitoring.otlpEndpoint" . | quote }}
    compression: gzip
    {{- if $auth }}
    auth:
      authenticator: bearertokenauth/workspace
    {{- end }}
  {{- with .Values.workspace.prometheusRemoteWriteUrl }}
  prometheusremotewrite/workspace:
    endpoint: {{ . | quote }}
    resource_to_telemetry_conversion:
      enabled: true
    {{- if $auth }}
    auth:
      authenticator: bearertokenauth/workspace
    {{- end }}
  {{- end }}
{{- end -}}

{{/* telemetry keeps the collector's own metrics off: no port to collide, nothing to scrape. */}}
{{- define "monitoring.telemetry" -}}
telemetry:
  metrics:
    level: none
{{- end -}}

{{/* env gives the collector its node's name and IP and its pod's IP, and a Go memory limit. */}}
{{- define "monitoring.env" -}}
- name: K8S_NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: K8S_NODE_IP
  valueFrom:
    fieldRef:
      fieldPath: status.hostIP
- name: K8S_POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: GOMEMLIMIT
  value: {{ printf "%dMiB" (int .Values.memoryLimiter.limitMiB) | quote }}
{{- end -}}

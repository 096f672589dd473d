{{/*
kubearc-agent.name is the name of every namespaced object of the agent. It is fixed, not
derived from the release: the hub, arcctl and the agent itself find the agent by it.
*/}}
{{- define "kubearc-agent.name" -}}
kubearc-agent
{{- end }}

{{/* kubearc-agent.chart is the chart's name and version, for the helm.sh/chart label. */}}
{{- define "kubearc-agent.chart" -}}
{{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* kubearc-agent.selectorLabels select the agent's pods; they never change on upgrade. */}}
{{- define "kubearc-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kubearc-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* kubearc-agent.labels go on every object of the chart. */}}
{{- define "kubearc-agent.labels" -}}
helm.sh/chart: {{ include "kubearc-agent.chart" . }}
{{ include "kubearc-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: agent
app.kubernetes.io/part-of: kubearc
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* kubearc-agent.image is the agent image; an empty tag means the chart's appVersion. */}}
{{- define "kubearc-agent.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* kubearc-agent.hubCASecret is the Secret holding the hub's CA bundle. */}}
{{- define "kubearc-agent.hubCASecret" -}}
kubearc-hub-ca
{{- end }}

{{/* kubearc-agent.proxyCASecret is the Secret holding the TLS-intercepting proxy's CA bundle. */}}
{{- define "kubearc-agent.proxyCASecret" -}}
kubearc-proxy-ca
{{- end }}

{{/* kubearc-agent.keySecret is the Secret the agent keeps its private key in; the agent creates it. */}}
{{- define "kubearc-agent.keySecret" -}}
kubearc-agent-key
{{- end }}

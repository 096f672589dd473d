{{/*
pod is the pod template both collectors share. Call with (dict "root" $ "config" NAME
"configTemplate" FILE "serviceAccount" NAME "component" NAME "hostLogs" BOOL).
The pods restart when their config changes, or when the hub says the workspace's credentials
did (workspace.credentialsRevision, which says nothing of them): the collector 0.148 does not
follow a Secret volume's update, and a hash of the Secret would let whoever may read pods test
guesses of the token.
*/}}
{{- define "monitoring.pod" -}}
{{- $ := .root -}}
metadata:
  labels:
    {{- include "monitoring.selector" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
  annotations:
    checksum/config: {{ include (print $.Template.BasePath "/" .configTemplate) $ | sha256sum }}
    {{- with $.Values.workspace.credentialsRevision }}
    kubearc.io/workspace-credentials-revision: {{ . | quote }}
    {{- end }}
spec:
  serviceAccountName: {{ .serviceAccount }}
  {{- with $.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $.Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with $.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    {{- if .hostLogs }}
    # The kubelet writes pod logs as root:root 0640: the root group may read them.
    supplementalGroups: [0]
    {{- end }}
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: otel-collector
      image: {{ printf "%s:%s" $.Values.image.repository $.Values.image.tag | quote }}
      imagePullPolicy: {{ $.Values.image.pullPolicy }}
      args: ["--config=/conf/config.yaml"]
      env:
        {{- include "monitoring.env" $ | nindent 8 }}
      ports:
        - name: health
          containerPort: {{ $.Values.healthCheck.port }}
      livenessProbe:
        httpGet:
          path: /
          port: health
      readinessProbe:
        httpGet:
          path: /
          port: health
      resources:
        {{- toYaml $.Values.resources | nindent 8 }}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
      volumeMounts:
        - name: config
          mountPath: /conf
          readOnly: true
        {{- if include "monitoring.hasToken" $ }}
        - name: workspace
          mountPath: {{ $.Values.workspace.credentialsDir }}
          readOnly: true
        {{- end }}
        {{- if .hostLogs }}
        - name: pod-logs
          mountPath: {{ $.Values.logs.podLogsPath }}
          readOnly: true
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ .config }}
    {{- if include "monitoring.hasToken" $ }}
    - name: workspace
      secret:
        secretName: {{ include "monitoring.fullname" $ }}-workspace
    {{- end }}
    {{- if .hostLogs }}
    - name: pod-logs
      hostPath:
        path: {{ $.Values.logs.podLogsPath }}
        type: Directory
    {{- end }}
{{- end -}}

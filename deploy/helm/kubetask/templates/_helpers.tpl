{{/* The prefix of every object's name: the release name, with "kubetask" appended unless it has it. */}}
{{- define "kubetask.fullname" -}}
{{- if contains "kubetask" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-kubetask" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kubetask.labels" -}}
app.kubernetes.io/name: kubetask
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "kubetask.selector" -}}
app.kubernetes.io/name: kubetask
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "kubetask.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/*
A Deployment of the KubeTask image. Arguments: root (the chart's context), component (operator,
worker or all-in-one: also the process's mode), serviceAccount, settings (.Values.operator, ...),
leaderElection (bool).
*/}}
{{- define "kubetask.deployment" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "kubetask.fullname" $root }}-{{ .component }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "kubetask.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  replicas: {{ .settings.replicas }}
  selector:
    matchLabels:
      {{- include "kubetask.selector" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "kubetask.labels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ .component }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/config.yaml") $root | sha256sum }}
        {{- if $v.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $v.metrics.port | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with .settings.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ .serviceAccount }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ .component }}
          image: {{ include "kubetask.image" $root }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          args: [{{ .component }}]
          envFrom:
            - configMapRef:
                name: {{ include "kubetask.fullname" $root }}
          env:
            - name: KUBETASK_HTTP_ADDRESS
              value: ":{{ $v.metrics.port }}"
            {{- if .leaderElection }}
            - name: KUBETASK_LEADER_ELECTION
              value: "true"
            - name: KUBETASK_LEADER_ELECTION_LEASE
              value: {{ include "kubetask.fullname" $root }}-operator
            - name: KUBETASK_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            {{- end }}
            {{- with $v.temporal.apiKey.existingSecret }}
            - name: TEMPORAL_API_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ . }}
                  key: {{ $v.temporal.apiKey.key }}
            {{- end }}
            {{- if $v.temporal.tls.clientCertSecret }}
            - name: TEMPORAL_TLS_CLIENT_CERT_PATH
              value: /etc/kubetask/temporal-client/tls.crt
            - name: TEMPORAL_TLS_CLIENT_KEY_PATH
              value: /etc/kubetask/temporal-client/tls.key
            {{- end }}
            {{- if $v.temporal.tls.caSecret }}
            - name: TEMPORAL_TLS_SERVER_CA_CERT_PATH
              value: /etc/kubetask/temporal-ca/ca.crt
            {{- end }}
          ports:
            - name: http
              containerPort: {{ $v.metrics.port }}
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 20
            timeoutSeconds: 5
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: 10
            timeoutSeconds: 5
          resources:
            {{- toYaml .settings.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $v.temporal.tls.clientCertSecret }}
            - name: temporal-client
              mountPath: /etc/kubetask/temporal-client
              readOnly: true
            {{- end }}
            {{- if $v.temporal.tls.caSecret }}
            - name: temporal-ca
              mountPath: /etc/kubetask/temporal-ca
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- with $v.temporal.tls.clientCertSecret }}
        - name: temporal-client
          secret:
            secretName: {{ . }}
        {{- end }}
        {{- with $v.temporal.tls.caSecret }}
        - name: temporal-ca
          secret:
            secretName: {{ . }}
        {{- end }}
      {{- with .settings.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .settings.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .settings.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "kubetask.fullname" $root }}-{{ .component }}-metrics
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "kubetask.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  selector:
    {{- include "kubetask.selector" . | nindent 4 }}
  ports:
    - name: metrics
      port: {{ $v.metrics.port }}
      targetPort: http
{{- end -}}

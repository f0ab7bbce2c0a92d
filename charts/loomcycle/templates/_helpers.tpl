{{/*
Names. The injector's objects have fixed names (docs/KUBERNETES.md): the controller is told them
through its environment, so they stay consistent, but there is one injector per cluster.
*/}}
{{- define "loomcycle.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "loomcycle.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "loomcycle.webhookServiceName" -}}loomcycle-webhook{{- end }}
{{- define "loomcycle.webhookConfigName" -}}loomcycle-sidecar-injector{{- end }}
{{- define "loomcycle.webhookCertSecret" -}}loomcycle-webhook-cert{{- end }}
{{- define "loomcycle.leaseName" -}}loomcycle-controller{{- end }}
{{- define "loomcycle.webhookCertDir" -}}/tmp/k8s-webhook-server/serving-certs{{- end }}

{{- define "loomcycle.controllerServiceAccount" -}}
{{- default (printf "%s-controller" (include "loomcycle.fullname" .)) .Values.controller.serviceAccount.name }}
{{- end }}

{{- define "loomcycle.runtimeServiceAccount" -}}
{{- default (printf "%s-runtime" (include "loomcycle.fullname" .)) .Values.runtime.serviceAccount.name }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "loomcycle.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "loomcycle.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: loomcycle
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels; call with (dict "root" $ "component" "runtime"). */}}
{{- define "loomcycle.selectorLabels" -}}
app.kubernetes.io/name: {{ include "loomcycle.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* An image reference; call with (dict "image" .Values.runtime.image "root" $). */}}
{{- define "loomcycle.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/* The Deployment the queue-depth scaler targets: worker (split) or runtime (combined). */}}
{{- define "loomcycle.scaledDeployment" -}}
{{- if eq .Values.runtime.mode "split" }}{{ include "loomcycle.fullname" . }}-worker{{ else }}{{ include "loomcycle.fullname" . }}-runtime{{ end }}
{{- end }}

{{/* The runtime roles to render: a list of dicts {name, role, values}. */}}
{{- define "loomcycle.runtimeRoles" -}}
{{- if eq .Values.runtime.mode "split" }}
- { name: api, role: api, key: api }
- { name: worker, role: worker, key: worker }
{{- else }}
- { name: runtime, role: all, key: combined }
{{- end }}
{{- end }}

{{/* Environment shared by every runtime container. */}}
{{- define "loomcycle.runtimeEnv" -}}
- name: LOOMCYCLE_LISTEN_ADDR
  value: "0.0.0.0:8787"
- name: LOOMCYCLE_DATA_DIR
  value: /var/lib/loomcycle
- name: HOME
  value: /tmp
- name: LOOMCYCLE_LOG_LEVEL
  value: {{ .Values.runtime.logLevel | quote }}
- name: LOOMCYCLE_DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ .Values.postgres.existingSecret | quote }}, key: {{ .Values.postgres.key | quote }} }
{{- if .Values.redis.existingSecret }}
- name: LOOMCYCLE_REDIS_URL
  valueFrom:
    secretKeyRef: { name: {{ .Values.redis.existingSecret | quote }}, key: {{ .Values.redis.key | quote }} }
{{- end }}
{{- if .Values.redis.prefix }}
- name: LOOMCYCLE_REDIS_PREFIX
  value: {{ .Values.redis.prefix | quote }}
{{- end }}
- name: LOOMCYCLE_AUTH_TOKEN
  valueFrom:
    secretKeyRef: { name: {{ .Values.auth.existingSecret | quote }}, key: {{ .Values.auth.tokenKey | quote }} }
{{- if .Values.auth.secretKeyKey }}
- name: LOOMCYCLE_SECRET_KEY
  valueFrom:
    secretKeyRef: { name: {{ .Values.auth.existingSecret | quote }}, key: {{ .Values.auth.secretKeyKey | quote }} }
{{- end }}
{{- if .Values.auth.pepperKey }}
- name: LOOMCYCLE_OPERATOR_TOKEN_PEPPER
  valueFrom:
    secretKeyRef: { name: {{ .Values.auth.existingSecret | quote }}, key: {{ .Values.auth.pepperKey | quote }} }
{{- end }}
{{- with .Values.runtime.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Refuses combinations the schema cannot express with a message naming the values. */}}
{{- define "loomcycle.validate" -}}
{{- if and .Values.runtime.enabled (eq .Values.runtime.mode "split") (not .Values.redis.existingSecret) }}
{{- fail "redis.existingSecret: runtime.mode=split needs Redis (the api and worker roles share the BullMQ queue); name the Secret or set runtime.mode=combined" }}
{{- end }}
{{- if and .Values.injector.enabled (not .Values.controller.enabled) }}
{{- fail "injector.enabled: the sidecar injector is served by the controller; set controller.enabled=true or injector.enabled=false" }}
{{- end }}
{{- if and .Values.keda.enabled (not .Values.runtime.enabled) }}
{{- fail "keda.enabled: the ScaledObject scales the runtime; set runtime.enabled=true or keda.enabled=false" }}
{{- end }}
{{- $le := .Values.controller.leaderElection }}
{{- if not (lt (int $le.renewDeadlineMs) (int $le.leaseDurationMs)) }}
{{- fail (printf "controller.leaderElection.renewDeadlineMs: must be less than leaseDurationMs (%v), got %v" $le.leaseDurationMs $le.renewDeadlineMs) }}
{{- end }}
{{- if not (lt (int $le.retryMs) (int $le.renewDeadlineMs)) }}
{{- fail (printf "controller.leaderElection.retryMs: must be less than renewDeadlineMs (%v), got %v" $le.renewDeadlineMs $le.retryMs) }}
{{- end }}
{{- if and (gt (int .Values.controller.replicas) 1) (not .Values.controller.leaderElection.enabled) }}
{{- fail "controller.leaderElection.enabled: more than one controller replica needs leader election (controller.replicas > 1)" }}
{{- end }}
{{- end }}

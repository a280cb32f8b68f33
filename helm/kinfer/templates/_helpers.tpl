{{/* Names are cut to 63 characters: the limit of a label value and of a Service's DNS name. */}}
{{- define "kinfer.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: (list $ "result-sink"). */}}
{{- define "kinfer.componentName" -}}
{{- printf "%s-%s" (include "kinfer.fullname" (index . 0)) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select one component's pods: (list $ "result-sink"). */}}
{{- define "kinfer.selectorLabels" -}}
app.kubernetes.io/name: {{ (index . 0).Chart.Name }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "kinfer.labels" -}}
{{ include "kinfer.selectorLabels" . }}
app.kubernetes.io/version: {{ (index . 0).Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ (index . 0).Release.Service }}
helm.sh/chart: {{ printf "%s-%s" (index . 0).Chart.Name (index . 0).Chart.Version }}
{{- end -}}

{{/* A worker's selector labels: (list $ worker); one Deployment per model, so the model is part of them. */}}
{{- define "kinfer.workerSelectorLabels" -}}
{{ include "kinfer.selectorLabels" (list (index . 0) "inference-worker") }}
kinfer.dev/model: {{ (index . 1).model }}
{{- end -}}

{{- define "kinfer.workerLabels" -}}
{{ include "kinfer.labels" (list (index . 0) "inference-worker") }}
kinfer.dev/model: {{ (index . 1).model }}
{{- end -}}

{{- define "kinfer.workerName" -}}
{{- include "kinfer.componentName" (list (index . 0) (printf "worker-%s" (index . 1).model)) -}}
{{- end -}}

{{/* An image reference from a component's image values: (list $ .Values.resultSink.image). */}}
{{- define "kinfer.image" -}}
{{- $root := index . 0 -}}
{{- $image := index . 1 -}}
{{- $tag := $image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion -}}
{{- $repository := $image.repository -}}
{{- if $root.Values.image.registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $root.Values.image.registry) $repository -}}
{{- end -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}

{{/*
One worker's values: workerDefaults overridden key by key by the entry (autoscaling one level deeper), as YAML
to read back with fromYaml. The chart's rules that JSON Schema cannot state are checked here, once per worker.
*/}}
{{- define "kinfer.worker" -}}
{{- $root := index . 0 -}}
{{- $entry := index . 1 -}}
{{- $worker := deepCopy $root.Values.workerDefaults -}}
{{- range $key, $value := $entry -}}
{{- $_ := set $worker $key $value -}}
{{- end -}}
{{- $autoscaling := deepCopy $root.Values.workerDefaults.autoscaling -}}
{{- range $key, $value := ($entry.autoscaling | default dict) -}}
{{- $_ := set $autoscaling $key $value -}}
{{- end -}}
{{- $_ := set $worker "autoscaling" $autoscaling -}}
{{- $model := $worker.model -}}
{{- $partitions := int $worker.partitions -}}
{{- if $autoscaling.enabled -}}
{{- if gt (int $autoscaling.maxReplicas) $partitions -}}
{{- fail (printf "workers[%s]: autoscaling.maxReplicas (%d) is more than partitions (%d): a consumer group shares a topic's partitions among its members, so workers past the partition count would sit idle. Raise partitions or lower maxReplicas." $model (int $autoscaling.maxReplicas) $partitions) -}}
{{- end -}}
{{- if gt (int $autoscaling.minReplicas) (int $autoscaling.maxReplicas) -}}
{{- fail (printf "workers[%s]: autoscaling.minReplicas (%d) is more than maxReplicas (%d)." $model (int $autoscaling.minReplicas) (int $autoscaling.maxReplicas)) -}}
{{- end -}}
{{- if and (not $root.Values.keda.enabled) (eq (int $autoscaling.minReplicas) 0) -}}
{{- fail (printf "workers[%s]: autoscaling.minReplicas 0 (scale to zero) needs keda.enabled=true; a HorizontalPodAutoscaler keeps at least one replica." $model) -}}
{{- end -}}
{{- else if gt (int $worker.replicas) $partitions -}}
{{- fail (printf "workers[%s]: replicas (%d) is more than partitions (%d): workers past the partition count would sit idle." $model (int $worker.replicas) $partitions) -}}
{{- end -}}
{{- toYaml $worker -}}
{{- end -}}

{{/* How to reach Kafka: the bootstrap servers and the passed-through client properties. */}}
{{- define "kinfer.kafkaEnv" -}}
- name: KINFER_BOOTSTRAP_SERVERS
  value: {{ .Values.kafka.bootstrapServers | quote }}
{{- range $property, $value := .Values.kafka.properties }}
- name: {{ include "kinfer.kafkaVariable" $property }}
  value: {{ $value | quote }}
{{- end }}
{{- range $property, $key := .Values.kafka.secretProperties }}
- name: {{ include "kinfer.kafkaVariable" $property }}
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.existingSecret is required with kafka.secretProperties" $.Values.kafka.existingSecret }}
      key: {{ $key }}
{{- end }}
{{- end -}}

{{/* The settings every service reads: Kafka, the schema registry, the object store. */}}
{{- define "kinfer.commonEnv" -}}
{{ include "kinfer.kafkaEnv" . }}
- name: KINFER_REGISTRY_URL
  value: {{ .Values.registry.url | quote }}
{{- with .Values.registry.username }}
- name: KINFER_REGISTRY_USERNAME
  value: {{ . | quote }}
{{- end }}
{{- include "kinfer.secretEnv" (list "KINFER_REGISTRY_PASSWORD" .Values.registry.existingSecret .Values.registry.passwordKey "registry") }}
{{- include "kinfer.secretEnv" (list "KINFER_REGISTRY_TOKEN" .Values.registry.existingSecret .Values.registry.tokenKey "registry") }}
{{- with .Values.registry.truststore }}
- name: KINFER_REGISTRY_TRUSTSTORE
  value: {{ . | quote }}
{{- end }}
{{- include "kinfer.secretEnv" (list "KINFER_REGISTRY_TRUSTSTORE_PASSWORD" .Values.registry.existingSecret .Values.registry.truststorePasswordKey "registry") }}
- name: KINFER_S3_ENDPOINT
  value: {{ .Values.s3.endpoint | quote }}
- name: KINFER_S3_BUCKET
  value: {{ .Values.s3.bucket | quote }}
- name: KINFER_S3_REGION
  value: {{ .Values.s3.region | quote }}
{{- include "kinfer.secretEnv" (list "KINFER_S3_ACCESS_KEY" .Values.s3.existingSecret .Values.s3.accessKeyKey "s3") }}
{{- include "kinfer.secretEnv" (list "KINFER_S3_SECRET_KEY" .Values.s3.existingSecret .Values.s3.secretKeyKey "s3") }}
{{- end -}}

{{/* security.protocol -> KINFER_KAFKA_SECURITY_PROTOCOL, as kinfer reads it back. */}}
{{- define "kinfer.kafkaVariable" -}}
{{- printf "KINFER_KAFKA_%s" (. | upper | replace "." "_") -}}
{{- end -}}

{{/* A variable read from a Secret, when a key is given: (list VARIABLE secretName key valuesSection). */}}
{{- define "kinfer.secretEnv" -}}
{{- $key := index . 2 -}}
{{- if $key }}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "%s.existingSecret is required for %s" (index . 3) (index . 0)) (index . 1) }}
      key: {{ $key }}
{{- end }}
{{- end -}}

{{/* A component's own settings and its env map: (list component-values SERVICE-NAME). */}}
{{- define "kinfer.componentEnv" -}}
{{- $values := index . 0 -}}
- name: KINFER_SERVICE
  value: {{ index . 1 }}
- name: JDK_JAVA_OPTIONS
  value: {{ $values.javaOptions | quote }}
{{- range $name, $value := $values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* Probes on /health/live and /health/ready of a named port; startup may take a while (topics, state, models). */}}
{{- define "kinfer.probes" -}}
startupProbe:
  httpGet: {path: /health/live, port: {{ . }}}
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /health/live, port: {{ . }}}
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /health/ready, port: {{ . }}}
  periodSeconds: 5
  timeoutSeconds: 5
  failureThreshold: 2
{{- end -}}

{{/* Pod-level settings shared by every kinfer pod. */}}
{{- define "kinfer.podSpec" -}}
automountServiceAccountToken: false
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* /tmp and the secretFiles, mounted. */}}
{{- define "kinfer.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- range $i, $file := .Values.secretFiles }}
- name: secret-file-{{ $i }}
  mountPath: {{ $file.mountPath }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* The volumes of kinfer.volumeMounts: (list $ tmpSizeLimit). */}}
{{- define "kinfer.volumes" -}}
{{- $root := index . 0 -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ index . 1 }}
{{- range $i, $file := $root.Values.secretFiles }}
- name: secret-file-{{ $i }}
  secret:
    secretName: {{ $file.secretName }}
{{- end }}
{{- end -}}

{{/* A component's scheduling constraints, those it has; empty when none (call it with "with"). */}}
{{- define "kinfer.scheduling" -}}
{{- $constraints := dict -}}
{{- range $field := list "nodeSelector" "tolerations" "affinity" -}}
{{- with index $ $field -}}
{{- $_ := set $constraints $field . -}}
{{- end -}}
{{- end -}}
{{- with $constraints -}}
{{- toYaml . -}}
{{- end -}}
{{- end -}}

{{/* A PodDisruptionBudget: (list name labels selectorLabels pdbValues). */}}
{{- define "kinfer.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ index . 0 }}
  labels:
    {{- index . 1 | nindent 4 }}
spec:
  maxUnavailable: {{ (index . 3).maxUnavailable }}
  # A pod that never got ready (a worker waiting for its model's first version) must not block a drain.
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- index . 2 | nindent 6 }}
{{- end -}}

{{- define "kinfer.serviceMonitorEndpoint" -}}
path: /metrics
interval: {{ .Values.serviceMonitor.interval }}
{{- end -}}

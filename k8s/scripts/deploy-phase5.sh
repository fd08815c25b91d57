#!/usr/bin/env bash
# Deploys the FKS execution stack to the current kubectl context, in this order:
#   1 prerequisites  2 namespace (+ network policies)  3 secrets  4 monitoring stack
#   5 execution service  6 ingress  7 wait for rollouts  8 status and access URLs
#
# Usage: k8s/scripts/deploy-phase5.sh [--overlay NAME] [--secrets FILE] [--timeout DURATION] [--dry-run]
#   --overlay NAME   folder under k8s/overlays (default: production; minikube, production-mtls)
#   --secrets FILE   filled-in copy of k8s/manifests/secrets.yaml.template
#                    (default: k8s/manifests/secrets.yaml)
#   --timeout D      per-rollout wait, kubectl duration (default: 300s)
#   --dry-run        print every kubectl command that would touch the cluster instead of running
#                    it; the local checks (files, rendering the overlay) still run
#
# Each step applies the overlay's objects carrying the label fks-trading.com/deploy-step=<step>,
# with server-side apply (no size limit from the last-applied annotation on the dashboards).
set -euo pipefail

readonly NAMESPACE="fks-trading"
readonly STEP_LABEL="fks-trading.com/deploy-step"
readonly FIELD_MANAGER="fks-deploy"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
k8s_dir="$(cd "${script_dir}/.." && pwd)"

overlay="production"
secrets_file="${k8s_dir}/manifests/secrets.yaml"
timeout="300s"
dry_run=false

if [[ -t 1 ]]; then
    c_bold=$'\033[1m'; c_green=$'\033[32m'; c_yellow=$'\033[33m'; c_red=$'\033[31m'; c_reset=$'\033[0m'
else
    c_bold=""; c_green=""; c_yellow=""; c_red=""; c_reset=""
fi

step_number=0
readonly step_total=8

step() {
    step_number=$((step_number + 1))
    printf '%s==> [%d/%d] %s%s\n' "${c_bold}" "${step_number}" "${step_total}" "$1" "${c_reset}"
}
info() { printf '    %s\n' "$1"; }
ok() { printf '    %s%s%s\n' "${c_green}" "$1" "${c_reset}"; }
warn() { printf '    %swarning: %s%s\n' "${c_yellow}" "$1" "${c_reset}"; }
# One clear line, exit 1.
die() {
    printf '%serror: %s%s\n' "${c_red}" "$1" "${c_reset}" >&2
    exit 1
}

usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# Runs a kubectl command that reads or changes the cluster; with --dry-run only prints it, on
# fd 3 (the script's stdout), so it shows even where the command's own output is captured or
# discarded.
exec 3>&1
kube() {
    if [[ "${dry_run}" == true ]]; then
        printf '    + kubectl %s\n' "$*" >&3
        return 0
    fi
    kubectl "$@"
}

apply_step() {
    kube apply --server-side --field-manager="${FIELD_MANAGER}" --force-conflicts \
        -k "${overlay_dir}" -l "${STEP_LABEL}=$1"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --overlay) [[ $# -ge 2 ]] || die "--overlay needs a name"; overlay="$2"; shift 2 ;;
        --overlay=*) overlay="${1#*=}"; shift ;;
        --secrets) [[ $# -ge 2 ]] || die "--secrets needs a file"; secrets_file="$2"; shift 2 ;;
        --secrets=*) secrets_file="${1#*=}"; shift ;;
        --timeout) [[ $# -ge 2 ]] || die "--timeout needs a duration"; timeout="$2"; shift 2 ;;
        --timeout=*) timeout="${1#*=}"; shift ;;
        --dry-run) dry_run=true; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

overlay_dir="${k8s_dir}/overlays/${overlay}"

# ---------------------------------------------------------------- 1. prerequisites
step "Prerequisites"
command -v kubectl >/dev/null 2>&1 \
    || die "kubectl is not installed or not on PATH (https://kubernetes.io/docs/tasks/tools/)"
[[ -f "${overlay_dir}/kustomization.yaml" ]] \
    || die "no overlay '${overlay}': ${overlay_dir}/kustomization.yaml does not exist"
[[ -f "${secrets_file}" ]] \
    || die "secrets file ${secrets_file} not found: copy k8s/manifests/secrets.yaml.template to it and fill it in"
if grep -q 'CHANGE_ME' "${secrets_file}"; then
    die "${secrets_file} still contains CHANGE_ME placeholders: fill them in (or delete optional keys)"
fi
rendered="$(kubectl kustomize "${overlay_dir}" 2>&1)" \
    || die "overlay ${overlay} does not build: $(printf '%s' "${rendered}" | head -n 1)"
if grep -q 'CHANGE_ME' <<<"${rendered}"; then
    die "overlay ${overlay} still contains CHANGE_ME placeholders: edit ${overlay_dir} first"
fi
ok "overlay ${overlay} builds; secrets file ${secrets_file} is filled in"
if [[ "${dry_run}" == true ]]; then
    warn "dry run: cluster commands are printed, not run"
fi
kube version --request-timeout=10s >/dev/null \
    || die "the cluster of context '$(kubectl config current-context 2>/dev/null || echo none)' is not reachable"
if grep -q '^kind: ClusterIssuer' <<<"${rendered}"; then
    kube get crd clusterissuers.cert-manager.io >/dev/null \
        || die "cert-manager is not installed (ClusterIssuer CRD missing): https://cert-manager.io/docs/installation/"
fi
kube get ingressclass nginx >/dev/null \
    || die "no IngressClass 'nginx': install ingress-nginx (minikube: minikube addons enable ingress)"

# ---------------------------------------------------------------- 2. namespace
step "Namespace ${NAMESPACE} and network policies"
apply_step namespace

# ---------------------------------------------------------------- 3. secrets
step "Secrets"
kube apply --server-side --field-manager="${FIELD_MANAGER}" --force-conflicts -f "${secrets_file}"

# ---------------------------------------------------------------- 4. monitoring stack
step "Monitoring stack (Prometheus, Alertmanager, Grafana)"
apply_step monitoring

# ---------------------------------------------------------------- 5. execution service
step "Execution service"
# The ConfigMap is applied as is (no content hash in its name): when it changes, restart the
# pods so they read it. Compare its resourceVersion before and after.
config_before="$(kube get configmap fks-execution-config -n "${NAMESPACE}" \
    -o 'jsonpath={.metadata.resourceVersion}' --ignore-not-found 2>/dev/null || true)"
apply_step execution
config_after="$(kube get configmap fks-execution-config -n "${NAMESPACE}" \
    -o 'jsonpath={.metadata.resourceVersion}' 2>/dev/null || true)"
if [[ "${dry_run}" == true ]]; then
    info "(a changed fks-execution-config is followed by: kubectl rollout restart deployment/fks-execution -n ${NAMESPACE})"
elif [[ -n "${config_before}" && "${config_before}" != "${config_after}" ]]; then
    info "fks-execution-config changed: restarting the execution pods to read it"
    kube rollout restart deployment/fks-execution -n "${NAMESPACE}"
fi

# ---------------------------------------------------------------- 6. ingress
step "Ingress and certificate issuers"
apply_step ingress

# ---------------------------------------------------------------- 7. wait for rollouts
step "Waiting for rollouts (timeout ${timeout} each)"
workloads=(deployment/prometheus deployment/alertmanager deployment/grafana)
if grep -q '^  name: postgres$' <<<"${rendered}"; then
    workloads+=(statefulset/postgres statefulset/redis)
fi
workloads+=(deployment/fks-execution)
for workload in "${workloads[@]}"; do
    kube rollout status "${workload}" -n "${NAMESPACE}" --timeout="${timeout}" \
        || die "${workload} did not become ready within ${timeout}: kubectl describe ${workload} -n ${NAMESPACE}"
done
ok "all workloads ready"

# ---------------------------------------------------------------- 8. status
step "Status and access"
kube get pods,services,ingress,pvc -n "${NAMESPACE}" -o wide

scheme="https"
if ! grep -q '^  tls:' <<<"${rendered}"; then
    scheme="http"
fi
info ""
info "Access (DNS of these hosts must point at the ingress controller):"
while read -r host; do
    case "${host}" in
        webhook.*) info "  TradingView webhook URL: ${scheme}://${host}/webhook/tradingview" ;;
        *) info "  ${scheme}://${host}/" ;;
    esac
done < <(grep -E '^ +- host: ' <<<"${rendered}" | awk '{print $3}' | sort -u)
info ""
info "Without DNS, through port-forwards:"
info "  kubectl -n ${NAMESPACE} port-forward svc/grafana 3000:3000         # http://localhost:3000"
info "  kubectl -n ${NAMESPACE} port-forward svc/prometheus 9090:9090      # http://localhost:9090"
info "  kubectl -n ${NAMESPACE} port-forward svc/alertmanager 9093:9093    # http://localhost:9093"
info "  kubectl -n ${NAMESPACE} port-forward svc/fks-execution 8000:8000   # http://localhost:8000/ready"
ok "deployment of overlay ${overlay} finished"

#!/bin/sh
# Creates the compose secrets under deploy/secrets/ (once; existing files are kept):
#   api_keys                 console API keys, comma-separated (SIMGATE_API_KEYS)
#   metrics_token            bearer token of the gateway's /metrics (SIMGATE_METRICS_TOKEN), read by Prometheus too
#   grafana_admin_password   Grafana's admin password
# Files are world-readable inside deploy/secrets (mode 0700 folder) because Prometheus and Grafana read them
# as their own non-root users.
set -eu
cd "$(dirname "$0")"
install -d -m 700 secrets
gen() { [ -s "secrets/$1" ] || { printf 'sg_%s' "$(openssl rand -hex 24)" > "secrets/$1"; chmod 644 "secrets/$1"; echo "created secrets/$1"; }; }
gen api_keys
gen metrics_token
gen grafana_admin_password

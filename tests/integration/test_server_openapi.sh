#!/usr/bin/env bash
# src/server/openapi.json and kysod's route table agree (methods, paths, access rules).
set -euo pipefail
python3 "$(dirname "$0")/../server/test_openapi.py"

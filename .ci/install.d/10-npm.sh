#!/usr/bin/env bash
# Node packages from the lock file.
set -euo pipefail
npm ci --no-fund --no-audit --loglevel=error

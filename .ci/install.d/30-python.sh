#!/usr/bin/env bash
# Python tools: moto (AWS emulator), cfn-lint and checkov (template checks).
set -euo pipefail
pip install -q --disable-pip-version-check 'moto[server]' cfn-lint checkov
